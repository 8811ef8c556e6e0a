"""The whole bad-input set in one tree: one run reports every problem, with file and line,
and neither the CLI nor a real MkDocs build shows a traceback."""

from __future__ import annotations

import logging

import pytest
from mkdocs.exceptions import Abort

from mkdocs_coherence.rules.catalogue import RULES
from conftest import build, check_json
from test_loader import BILLION_LAUGHS

BAD = {
    "docs/intents/yaml-error.md": "---\nstatus: active\nowners: [a, b\n---\n# Y\n",
    "docs/intents/blank-line.md": "\n---\nstatus: active\n---\n# B\n",
    "docs/intents/list.md": "---\n- status\n- active\n---\n# L\n",
    "docs/intents/python-tag.md": "---\nstatus: !!python/object/apply:os.system ['echo pwned']\n---\n",
    "docs/intents/latin1.md": b"---\nstatus: active\n---\n# Caf\xe9\n",
    "docs/intents/empty.md": "",
    "docs/intents/alias-bomb.md": BILLION_LAUGHS,
    "docs/intents/wrong-type.md": "---\nowners: team-a\n---\n# W\n",
    "docs/intents/bad-status.md": "---\nstatus: done\n---\n# S\n",
    "docs/notes/bad-kind.md": "---\nkind: epic\n---\n# K\n",
    "docs/intents/misspelt.md": "---\nstatus: active\nowner: [a]\nuse: [x]\n---\n# M\n",
    "decisions/0004-first.md": "---\nstatus: accepted\n---\n# 4. First\n",
    "decisions/0004-second.md": "---\nstatus: proposed\n---\n# 4. Second\n",
    "docs/intents/typo-ref.md": "---\nstatus: active\ndepends_on: [wrong-typ]\n---\n# T\n",
    "docs/intents/wrong-type-2.md": "---\nstatus: active\n---\n# T2\n",
    "decisions/0005-a.md": "---\nstatus: accepted\nsupersedes: [ADR-0006]\n---\n",
    "decisions/0006-b.md": "---\nstatus: accepted\nsupersedes: [ADR-0005]\n---\n",
    "docs/intents/loop-a.md": "---\ndepends_on: [loop-b]\n---\n",
    "docs/intents/loop-b.md": "---\ndepends_on: [loop-a]\n---\n",
    "docs/intents/huge.md": "---\nstatus: active\nowners: [a]\n---\n# Huge\n" + ("word " * 200 + "\n") * 5200,
}

EXPECTED = {
    ("frontmatter-invalid", "docs/intents/yaml-error.md"),
    ("frontmatter-invalid", "docs/intents/blank-line.md"),
    ("frontmatter-invalid", "docs/intents/list.md"),
    ("frontmatter-invalid", "docs/intents/python-tag.md"),
    ("frontmatter-invalid", "docs/intents/latin1.md"),
    ("frontmatter-invalid", "docs/intents/empty.md"),
    ("frontmatter-invalid", "docs/intents/alias-bomb.md"),
    ("schema", "docs/intents/wrong-type.md"),
    ("schema", "docs/intents/bad-status.md"),
    ("schema", "docs/notes/bad-kind.md"),
    ("unknown-key", "docs/intents/misspelt.md"),
    ("duplicate-id", "decisions/0004-second.md"),
    ("unresolved-reference", "docs/intents/typo-ref.md"),
    ("cycle", "decisions/0005-a.md"),
    ("cycle", "docs/intents/loop-a.md"),
}


def test_every_bad_input_is_reported_in_one_cli_run(site):
    project = site(BAD)
    code, report = check_json(project)
    assert code == 2  # latin1.md could not be read: the answer is incomplete, never clean
    structure = {slug for slug, rule in RULES.items() if rule.tier == "structure"}
    found = {(f["rule"], f["path"]) for f in report["findings"] if f["rule"] in structure}
    assert found == EXPECTED
    assert all(f["line"] for f in report["findings"])
    misspelt = [f["message"] for f in report["findings"] if f["path"] == "docs/intents/misspelt.md"]
    assert any("did you mean 'owners'" in m for m in misspelt) and any("did you mean 'uses'" in m for m in misspelt)


def test_every_bad_input_fails_a_real_build_without_a_traceback(site, caplog):
    project = site(BAD)
    with caplog.at_level(logging.INFO), pytest.raises(Abort):
        build(project)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not any(r.exc_info for r in caplog.records)
    summary = next(r.getMessage() for r in errors if "the build fails on errors" in r.getMessage())
    for rule, path in EXPECTED - {("unknown-key", "docs/intents/misspelt.md")}:
        assert f"{rule}: {path}:" in summary
