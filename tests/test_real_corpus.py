"""Real ADRs from public projects (../shared/corpora/adr-real and adr-real-2), read in place.

Each manifest was written by a person reading the files: every status, date, title and
supersede link must equal it, and files that are not decisions must be skipped. Every
finding on both corpora is listed, with why it is true, in tests/data/real-corpus-findings.txt.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mkdocs_coherence.core.config import parse_settings
from mkdocs_coherence.rules.catalogue import RULES
from mkdocs_coherence.check import check
from conftest import SHARED

CORPORA = SHARED / "corpora"
# adr-real-2's README: "numeric dates with slashes are day-first in every file here", which is
# what a team says with `date_order: dmy`; `auto` is tested on its own below.
SETTINGS = {"adr-real": {}, "adr-real-2": {"date_order": "dmy"}}
EXPECTED_FINDINGS = Path(__file__).parent / "data" / "real-corpus-findings.txt"
pytestmark = pytest.mark.skipif(not all((CORPORA / name / "MANIFEST.json").is_file() for name in SETTINGS),
                                reason="../shared corpora absent")


def _check_projects(corpus: str, root, options: dict):
    """One check per project (their ADR numbers overlap): path -> (document, id index), findings."""
    read, findings = {}, []
    for folder in sorted(f for f in (CORPORA / corpus).iterdir() if f.is_dir()):
        base = root / corpus / folder.name
        (base / "docs").mkdir(parents=True)
        report = check(parse_settings({"folders": {str(folder): "decision"}, **options},
                                      config_dir=base, docs_dir=base / "docs", catalogue=RULES))
        for document in report.corpus.documents:
            read[document.path.relative_to(CORPORA / corpus).as_posix()] = (document, report.graph.index)
        findings += [(f"{corpus}/{f.path.split(corpus + '/', 1)[-1]}", f.line, f.severity.label, f.rule, f.message)
                     for f in report.findings]
    return read, findings


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpora")
    return {corpus: _check_projects(corpus, root, options) for corpus, options in SETTINGS.items()}


def _manifest(corpus: str) -> list[dict]:
    return json.loads((CORPORA / corpus / "MANIFEST.json").read_text())


def _file_names(document, keys, index):
    """Targets of the document's references of `keys`, as file names (the manifests' form)."""
    names = []
    for reference in document.references:
        if reference.key in keys:
            target = index.get(reference.resolved)
            names.append(target.path.name if target else f"unresolved:{reference.raw}")
    return sorted(names)


@pytest.mark.parametrize("corpus", SETTINGS)
def test_status_date_title_and_supersede_links_equal_the_manifest(corpora, corpus):
    read, _ = corpora[corpus]
    # adr-real-2's manifest counts a partial supersession as a supersede link (adr-real has
    # none); amendments count in neither. The tool keeps partial ones as `amends` edges.
    partial = ("amends",) if corpus == "adr-real-2" else ()
    mismatches = []
    for entry in _manifest(corpus):
        if entry["format"] == "not-a-decision":
            continue
        document, index = read[entry["path"]]
        date = document.values.get("date")
        got = {
            "title": document.title,
            "status": document.status,
            "date": date.isoformat() if date else None,
            "supersedes": _file_names(document, ("supersedes", *partial), index),
            "superseded_by": _file_names(document, ("superseded_by", *(f"{k}_by" for k in partial)), index),
        }
        expected = {key: sorted(entry[key]) if isinstance(entry[key], list) else entry[key] for key in got}
        if got != expected:
            mismatches.append((entry["path"], {k: (got[k], expected[k]) for k in got if got[k] != expected[k]}))
    assert mismatches == []
    assert all(document.kind == "decision" for document, _ in read.values())


def test_files_that_are_not_decisions_are_skipped(corpora):
    read, findings = corpora["adr-real-2"]
    skipped = [e["path"] for e in _manifest("adr-real-2") if e["format"] == "not-a-decision"]
    assert len(skipped) == 3
    assert not set(skipped) & set(read)
    assert not [f for f in findings if any(f[0].endswith(path) for path in skipped)]
    assert set(read) == {e["path"] for e in _manifest("adr-real-2")} - set(skipped)


def _expected_findings() -> list[tuple]:
    """`corpus/path:line severity rule — why it is true`, one a line; `#` lines are comments."""
    expected = []
    for line in EXPECTED_FINDINGS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            where, severity, rule = line.split(" — ", 1)[0].split()
            path, _, number = where.rpartition(":")
            expected.append((path, int(number), severity, rule))
    return sorted(expected)


def test_every_finding_on_the_real_corpora_is_listed_and_reviewed(corpora):
    found = sorted((path, line, severity, rule) for corpus in SETTINGS for path, line, severity, rule, _ in
                   corpora[corpus][1])
    assert found == _expected_findings()


def test_a_partial_supersession_keeps_both_decisions_standing(tmp_path):
    read, _ = _check_projects("adr-real-2", tmp_path, SETTINGS["adr-real-2"])
    newer, index = read["zooniverse--front-end-monorepo/adr-34.md"]
    older, _ = read["zooniverse--front-end-monorepo/adr-18.md"]
    assert [(r.key, r.resolved) for r in newer.references] == [("amends", "ADR-0018")]
    assert (newer.status, older.status) == ("accepted", "accepted")


def test_supersede_links_become_graph_edges_from_newer_to_older(corpora):
    read, _ = corpora["adr-real"]
    document, _ = read["MITLibraries--mario/0012-use-lambda-and-fargate-for-task-execution.md"]
    assert document.status == "superseded"
    assert {(r.key, r.resolved) for r in document.references} == {("supersedes", "ADR-0005"),
                                                                    ("superseded_by", "ADR-0013")}
    # An amendment is no supersession: the amended decision stands, linked to its amendment.
    amended, _ = read["npryce--adr-tools/0005-help-comments.md"]
    assert amended.status == "accepted"
    assert {r.key for r in amended.references} == {"amended_by"}


def test_date_order_auto_reads_what_the_folder_decides_and_says_what_it_cannot(tmp_path):
    read, findings = _check_projects("adr-real-2", tmp_path, {})
    document, _ = read["alphagov--govuk-design-system-architecture/006-javascript-compatibility.md"]
    assert document.values["date"].isoformat() == "2023-06-27"  # 27/06/23: 27 is no month
    # 04/07/2023 and 08/01/24 could be either: with no unambiguous date in their folders, each is
    # a finding at its line, never a guess and never silently dropped.
    ambiguous = sorted((path.rsplit("/", 1)[-1], line) for path, line, _, rule, message in findings
                       if rule == "schema" and "date_order" in message)
    assert ambiguous == [("ADR-001_Use_git_hook_and_GitHub_action_to_check_the_editorconfig_compliance.md", 5),
                         ("ADR-002_Scan_repository_for_hardcoded_secrets.md", 5),
                         ("ADR-003_Acceptable_use_of_GitHub_PAT_and_Apps_for_authN_and_authZ.md", 5),
                         ("ADR023-use-uid-in-urls.md", 3)]
