"""Real ADRs from five public projects (../shared/corpora/adr-real), read in place."""

from __future__ import annotations

import json

import pytest

from mkdocs_coherence.core.config import parse_settings
from mkdocs_coherence.rules.catalogue import RULES
from mkdocs_coherence.check import check
from conftest import SHARED

CORPUS = SHARED / "corpora" / "adr-real"
pytestmark = pytest.mark.skipif(not (CORPUS / "MANIFEST.json").is_file(), reason="../shared corpus absent")


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """One check per project (their ADR numbers overlap); documents keyed by manifest path."""
    documents, findings = {}, []
    for folder in sorted(f for f in CORPUS.iterdir() if f.is_dir()):
        root = tmp_path_factory.mktemp(folder.name)
        (root / "docs").mkdir()
        report = check(parse_settings({"folders": {str(folder): "decision"}}, config_dir=root, docs_dir=root / "docs", catalogue=RULES))
        documents.update({d.path.relative_to(CORPUS).as_posix(): d for d in report.corpus.documents})
        findings.extend(report.findings)
    return documents, findings


def test_every_real_adr_is_read_as_a_decision_with_its_title(reports):
    documents, _ = reports
    manifest = json.loads((CORPUS / "MANIFEST.json").read_text())
    assert {entry["path"] for entry in manifest} <= set(documents)
    wrong = [(e["path"], documents[e["path"]].title) for e in manifest if documents[e["path"]].title != e["title"]]
    assert wrong == []
    assert all(documents[e["path"]].kind == "decision" for e in manifest)


def test_real_adrs_raise_no_structure_errors_except_what_a_reader_sees(reports):
    _, findings = reports
    unexpected = [(f.rule, f.path, f.message) for f in findings
                  if f.rule in ("frontmatter-invalid", "unknown-key", "duplicate-id")]
    assert unexpected == []
    # The one status outside the lifecycle is MADR's own "on hold" (null in the manifest):
    # read as no status, and said as a warning, never an error that fails the build (ADR-0010).
    assert [(f.rule, f.severity.label, f.path.rsplit("/", 1)[-1]) for f in findings if f.rule == "schema"] \
        == [("schema", "warning", "0003-provide-own-madr-tools.md")]


def _file_names(document, key, index):
    """Targets of the document's `key` references, as file names (the manifest's form)."""
    names = []
    for reference in document.references:
        if reference.key == key:
            target = index.get(reference.resolved)
            names.append(target.path.name if target else f"unresolved:{reference.raw}")
    return sorted(names)


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    """Per project: manifest path -> (document, the project's id index)."""
    read = {}
    for folder in sorted(f for f in CORPUS.iterdir() if f.is_dir()):
        root = tmp_path_factory.mktemp(folder.name + "-meta")
        (root / "docs").mkdir()
        report = check(parse_settings({"folders": {str(folder): "decision"}}, config_dir=root, docs_dir=root / "docs", catalogue=RULES))
        for document in report.corpus.documents:
            read[document.path.relative_to(CORPUS).as_posix()] = (document, report.graph.index)
    return read


def test_status_date_title_and_supersede_links_match_what_a_reader_sees(indexes):
    manifest = json.loads((CORPUS / "MANIFEST.json").read_text())
    mismatches = []
    for entry in manifest:
        document, index = indexes[entry["path"]]
        date = document.values.get("date")
        got = {
            "title": document.title,
            "status": document.status,
            "date": date.isoformat() if date else None,
            "supersedes": _file_names(document, "supersedes", index),
            "superseded_by": _file_names(document, "superseded_by", index),
        }
        expected = {key: sorted(entry[key]) if isinstance(entry[key], list) else entry[key] for key in got}
        if got != expected:
            mismatches.append((entry["path"], {k: (got[k], expected[k]) for k in got if got[k] != expected[k]}))
    for path, diff in mismatches:
        print("MISMATCH", path, diff)
    matched = len(manifest) - len(mismatches)
    print(f"{matched}/{len(manifest)} real ADRs match the manifest")
    assert matched >= 0.95 * len(manifest), mismatches
    # Every format is represented, so no format can fail wholesale under the 5% allowance.
    assert {e["format"] for e in manifest} >= {"adr-tools", "madr4", "madr2", "log4brains"}
    for fmt in ("adr-tools", "madr4", "madr2", "log4brains"):
        entries = [e for e in manifest if e["format"] == fmt]
        wrong = [p for p, _ in mismatches if any(e["path"] == p for e in entries)]
        assert len(wrong) <= len(entries) // 5, (fmt, wrong)


def test_supersede_links_become_graph_edges_from_newer_to_older(indexes):
    document, index = indexes["MITLibraries--mario/0012-use-lambda-and-fargate-for-task-execution.md"]
    assert document.status == "superseded"
    targets = {(r.key, r.resolved) for r in document.references}
    assert targets == {("supersedes", "ADR-0005"), ("superseded_by", "ADR-0013")}
    # An amendment is not a supersession.
    amended, _ = indexes["npryce--adr-tools/0005-help-comments.md"]
    assert (amended.status, amended.references) == ("accepted", [])
