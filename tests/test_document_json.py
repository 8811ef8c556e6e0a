"""A validated file as JSON and back (core/document_json.py, ADR-0028): what the check's cache
and its process pool hand over must be the document validation gave, field for field, for
every kind of file teams write; what JSON cannot give back exactly is not encoded at all."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, SHARED, write_tree
from mkdocs_coherence.core.cache import load_entry
from mkdocs_coherence.core.config import read_mkdocs_yml
from mkdocs_coherence.core.corpus import FolderKinds, discover, load_document
from mkdocs_coherence.core.document_json import decode, encode
from mkdocs_coherence.rules.catalogue import RULES
from test_check_cache import ODD

MORE = {  # values of every shape validation keeps
    "docs/intents/waived.md": "---\nstatus: active\nignore: [no-success-criteria, {rule: stale-dependency, reason: "
                              "'Q3', until: 2027-01-31}]\nowners: [web]\nreviewed: 2026-01-05\n---\n# Waived\n",
    "docs/intents/partial.md": "---\nstatus: active\nuses: [a@2, '', b@>=1.2,<2, 3]\nignore: [nope, gate-missing]\n"
                               "---\n# Partial\n",
    "docs/contracts/versioned.md": "---\nversion: 2.1.0\nstatus: active\ndefines: {customer: {status: [active, closed]},"
                                   " when: 2026-02-03}\ninvariants: [never empty]\n---\n# V\n",
    "decisions/0200-madr.md": "---\nstatus: accepted\ndate: 2026-03-04\ndecision-makers: [Ann]\nsupersedes: [ADR-0001]"
                              "\n---\n# Use X\n\n## Considered Options\n\n* X\n* Y\n",
    "docs/page.md": "# Just a page\n",
}


def _projects(tmp_path: Path) -> list[Path]:
    own = tmp_path / "own"
    shutil.copytree(REPO / "tests" / "realistic" / "files", own, ignore=shutil.ignore_patterns("versions"))
    write_tree(own, {**ODD, **MORE})
    projects = [own, REPO / "examples" / "three-features"]
    for name in ("adr-real", "adr-real-2"):
        corpus = SHARED / "corpora" / name
        if corpus.is_dir():
            copy = tmp_path / name
            (copy / "decisions").mkdir(parents=True)
            for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
                shutil.copytree(folder, copy / "decisions" / folder.name)
            (copy / "mkdocs.yml").write_text("site_name: real\nplugins: [coherence]\n")
            projects.append(copy)
    return projects


def test_every_file_comes_back_as_validation_gave_it(tmp_path):
    kept = fresh = 0
    for project in _projects(tmp_path):
        settings = read_mkdocs_yml(project / "mkdocs.yml", RULES)
        kinds = FolderKinds(settings.folders)
        for path in discover(settings):
            rel, kind = settings.relpath(path), kinds.of(path)
            result, entry = load_entry(str(path), rel, kind, settings)
            if entry is None:
                fresh += 1
                continue
            kept += 1
            data = json.loads(json.dumps(entry[5]))
            back = decode(data, path, rel)
            assert back == result, rel
            assert data == json.loads(json.dumps(entry[5])), rel  # left as it was: the cache may write it again
            document = back[0]
            if document is not None:  # in the order validation wrote them, for every output that lists them
                assert list(document.values) == list(result[0].values), rel
                # and what the check itself gives, once a contract's schema is bound
                whole = load_document(path, rel, kind, settings)
                if document.kind == "contract" and "source" in document.values:
                    from mkdocs_coherence.core.corpus import bind_source
                    bind_source(document, settings)
                assert (document, back[1], back[2]) == whole, rel
    assert kept > 60 and fresh <= kept // 10, (kept, fresh)


def test_what_json_cannot_give_back_is_not_encoded(tmp_path):
    project = write_tree(tmp_path / "p", {
        "mkdocs.yml": "site_name: t\nplugins: [coherence]\n",
        "decisions/0001-time.md": "---\nstatus: accepted\nalternatives: {at: 2026-01-05 10:00:00}\n---\n# T\n",
        "decisions/0002-nan.md": "---\nstatus: accepted\nalternatives: [.nan, 1]\n---\n# N\n",
        "decisions/0003-set.md": "---\nstatus: accepted\nalternatives: !!set {a, b}\n---\n# S\n",
        "decisions/0004-plain.md": "---\nstatus: accepted\nalternatives: [1.5, true, null, 2026-01-05]\n---\n# P\n",
        "docs/intents/time.md": "---\nstatus: active\nreviewed: 2026-01-05 10:00:00\n---\n# Kept as a date\n",
    })
    settings = read_mkdocs_yml(project / "mkdocs.yml", RULES)
    for rel, kind, kept in (("decisions/0001-time.md", "decision", False), ("decisions/0002-nan.md", "decision", False),
                            ("decisions/0003-set.md", "decision", False), ("decisions/0004-plain.md", "decision", True),
                            ("docs/intents/time.md", "intent", True)):
        path = project / rel
        result, entry = load_entry(str(path), rel, kind, settings)
        assert result[0] is not None and (entry is not None) == kept, rel
        assert (encode(*result) is not None) == kept, rel
        if kept:
            assert decode(json.loads(json.dumps(entry[5])), path, rel) == result


@pytest.mark.parametrize("damaged", [
    [True, [], ["intent", 7, "t", None, [{}, {}, {}], {}, False, None, [], None, [], False, False]],
    [True, [["schema", "m", "p", "one", [], 3]], None],
    [True, [], ["intent", "i", "t", None, [{}, {}, {}], {"a": {"\x00d": "not a date"}}, True, None, [], None, [],
                False, False]],
    "text",
    [True],
])
def test_an_entry_of_another_shape_is_refused(damaged, tmp_path):
    with pytest.raises(ValueError):
        decode(damaged, tmp_path / "x.md", "x.md")
