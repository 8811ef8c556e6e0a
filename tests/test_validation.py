"""The front-matter contract v1: types, statuses, defaults, unknown keys, JSON Schema."""

from __future__ import annotations

import json

import jsonschema
import pytest

from mkdocs_coherence.core.config import parse_settings
from mkdocs_coherence.rules.catalogue import RULES
from mkdocs_coherence.check import check
from mkdocs_coherence.core.schema import json_schema
from conftest import run_cli, write_tree


def run(tmp_path, files):
    write_tree(tmp_path, {"docs/index.md": "# Home\n", **files})
    return check(parse_settings({}, config_dir=tmp_path, docs_dir=tmp_path / "docs", catalogue=RULES))


def messages(report, rule):
    return [(f.path, f.line, f.message) for f in report.findings if f.rule == rule]


def test_defaults_for_id_and_title(tmp_path):
    report = run(tmp_path, {
        "decisions/0007-use-postgres.md": "# 7. Use PostgreSQL\n\nWe will.\n",
        "docs/contracts/customer-profile.md": "---\nversion: '1.0.0'\n---\n# Customer profile\n",
        "docs/intents/named.md": "---\nid: custom-id\ntitle: Given title\n---\n# Heading\n",
    })
    documents = {d.rel: d for d in report.corpus.documents}
    assert (documents["decisions/0007-use-postgres.md"].id, documents["decisions/0007-use-postgres.md"].title) \
        == ("ADR-0007", "7. Use PostgreSQL")
    assert documents["decisions/0007-use-postgres.md"].status is None  # states none: none guessed
    assert documents["docs/contracts/customer-profile.md"].id == "customer-profile"
    assert (documents["docs/intents/named.md"].id, documents["docs/intents/named.md"].title) == ("custom-id", "Given title")
    assert report.findings == []


def test_kind_from_front_matter_anywhere_in_docs(tmp_path):
    report = run(tmp_path, {"docs/notes/plan.md": "---\nkind: intent\nstatus: draft\n---\n# Plan\n",
                            "docs/plain.md": "---\ntitle: Just a page\n---\n"})
    assert [(d.kind, d.id) for d in report.corpus.documents] == [("intent", "plan")]


@pytest.mark.parametrize("front, rule, line, words", [
    ("kind: intnet", "schema", 1, "did you mean 'intent'"),
    ("kind: intent\nowners: team-a", "schema", 2, "must be a list"),
    ("kind: intent\nstatus: shipping", "schema", 2, "allowed: draft, active, shipped, abandoned"),
    ("kind: contract\nstatus: active\nversion: 2.0", "schema", 3, "quoted semantic version"),
    ("kind: contract\nversion: 'two'", "schema", 2, "MAJOR.MINOR.PATCH"),
    ("kind: intent\nreviewed: last week", "schema", 2, "date"),
    ("kind: intent\nreview_every: often", "schema", 2, "duration"),
    ("kind: intent\nrisk: extreme", "schema", 2, "low, medium, high"),
    ("kind: intent\nuses: customer-profile", "schema", 2, "list of references"),
    ("kind: intent\nuses: [a@banana]", "schema", 2, "not a version range"),
    ("kind: intent\nsuccess: [{metric: conversion}]", "schema", 2, "lacks target"),
    ("kind: intent\nignore: [no-such-rule]", "schema", 2, "is not a rule"),
    ("kind: intent\nowner: [a]", "unknown-key", 2, "did you mean 'owners'"),
    ("kind: intent\nversion: '1.0.0'", "unknown-key", 2, "key of contracts"),
])
def test_invalid_values_name_line_and_allowed_values(tmp_path, front, rule, line, words):
    report = run(tmp_path, {"docs/x.md": f"---\n{front}\n---\n# X\n"})
    found = messages(report, rule)
    assert len(found) == 1, report.findings
    path, at, message = found[0]
    assert path == "docs/x.md" and at == line + 1 and words in message


def test_material_page_keys_are_not_unknown(tmp_path):
    report = run(tmp_path, {"docs/x.md": "---\nkind: intent\nhide: [toc]\ntemplate: x.html\nicon: lucide/x\n---\n"})
    assert report.findings == []


def test_nested_facts_flatten_to_dotted_names(tmp_path):
    report = run(tmp_path, {"docs/contracts/c.md": "---\ndefines:\n  customer:\n    status: [a, b]\n---\n"})
    assert report.corpus.documents[0].defines == {"customer.status": ["a", "b"]}


def test_madr_status_spellings(tmp_path):
    report = run(tmp_path, {
        "decisions/0001-a.md": "---\nstatus: Accepted\n---\n# A\n",
        "decisions/0002-b.md": "---\nstatus: superseded by ADR-0003\ndecision-makers: Jane, Joe\n---\n# B\n",
        "decisions/0003-c.md": "---\nstatus: accepted\n---\n# C\n",
    })
    assert [d.status for d in report.corpus.documents] == ["accepted", "superseded", "accepted"]
    assert report.corpus.documents[1].values["deciders"] == ["Jane, Joe"]
    assert [f for f in report.findings if f.rule in ("schema", "unknown-key")] == []


def test_json_schema_accepts_valid_and_rejects_invalid_front_matter():
    schema = json.loads(run_cli("schema").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    good = {"kind": "contract", "status": "active", "version": "2.0.0", "owners": ["a"],
            "defines": {"customer.status": ["a"]}}
    assert list(validator.iter_errors(good)) == []
    for bad in ({"kind": "contract", "status": "shipped"}, {"kind": "intent", "version": "1.0.0"},
                {"kind": "intent", "owners": "team-a"}, {"kind": "intent", "colour": "red"}):
        assert list(validator.iter_errors(bad)), bad


def test_schema_table_and_json_schema_agree():
    from mkdocs_coherence.core.schema import KEYS

    assert set(KEYS) <= set(json_schema()["properties"])


def test_superseded_by_in_a_madr_status_links_both_decisions(tmp_path):
    report = run(tmp_path, {
        "decisions/0001-a.md": "---\nstatus: superseded by [ADR-0002](0002-b.md)\n---\n# A\n",
        "decisions/0002-b.md": "---\nstatus: accepted\n---\n# B\n",
        "decisions/0003-c.md": "---\nstatus: superseded by ADR-4\n---\n# C\n",
        "decisions/0004-d.md": "---\nstatus: accepted\n---\n# D\n",
    })
    edges = {(u, v, edge.type) for u, v, edge in report.graph.edges()}
    assert edges == {("ADR-0002", "ADR-0001", "supersedes"), ("ADR-0004", "ADR-0003", "supersedes")}
    assert [f.rule for f in report.findings] == ["missing-alternatives"] * 2  # of the two accepted ones
