"""Decision rules: re-opened questions, inconsistent supersedes, missing alternatives."""

from __future__ import annotations

import pytest
from harness import Case, check_tree, goal_intent as intent, decision, found

CASES = [
    Case("relitigation",
         fires={"decisions/0001-postgres.md": decision("date: 2025-01-10\ndecides: datastore\n"),
                "decisions/0002-mongo.md": decision("date: 2026-02-01\ndecides: datastore\n", "proposed")},
         silent={"decisions/0001-postgres.md": decision("date: 2025-01-10\ndecides: datastore\n"),
                 "decisions/0002-mongo.md": decision("date: 2026-02-01\ndecides: datastore\nsupersedes: [ADR-0001]\n",
                                                     "proposed")}),
    Case("supersede-mismatch",
         fires={"decisions/0001-a.md": decision(""), "decisions/0002-b.md": decision("supersedes: [ADR-0001]\n")},
         silent={"decisions/0001-a.md": decision("", "superseded by ADR-0002"),
                 "decisions/0002-b.md": decision("supersedes: [ADR-0001]\n")}),
    Case("missing-alternatives",
         fires={"decisions/0001-no-options.md": "---\nstatus: accepted\n---\n# 1. No options\n\n## Decision\n"},
         silent={"decisions/0001-with-section.md": "---\nstatus: accepted\n---\n# 1. S\n\n## Considered Options\n",
                 "decisions/0002-listed.md": decision("")}),
    # Option lists as real records write them count (DESIGN §5 v1.1); prose that merely uses the
    # words ("we considered the risks", "five options: 0.25x, 0.5x") does not.
    Case("missing-alternatives",
         fires={f"decisions/000{n}-prose.md": f"---\nstatus: accepted\n---\n# {n}. Prose\n\n{text}\n"
                for n, text in enumerate([
                    "We have considered the risks outlined in the RFC:\n\n> MUST scan",
                    "Play speed selection with five options: 0.25x, 0.5x, 1x\n- next",
                    "## Optional extras\n\nNone.",
                    "Instead, we use Postgres.",
                ], 1)},
         silent={f"decisions/000{n}-options.md": f"---\nstatus: accepted\n---\n# {n}. Options\n\n{text}\n"
                 for n, text in enumerate([
                     "## Options\n\n- a\n- b",
                     "## Possible solutions\n\n1. a",
                     "## Possible actions\n\n1. a",
                     "We discussed three options:\n\n1. a\n2. b",
                     "Two strategies were considered. We chose the second.",
                     "A reasonable set of candidates are:\n\n* a\n* b",
                     "We considered\n\n- Redis\n- Postgres",
                     "Other tools to consider might be Ansible or Chef, but they are less suited.",
                     "Instead of creating new accounts for each team, we will adopt components.",
                 ], 1)}),
]


def test_missing_alternatives_is_info_on_records_read_in_place(site):
    _, report = check_tree(site({
        "decisions/0001-in-place.md": "# 1. In place\n\nDate: 2026-01-02\n\n## Status\n\nAccepted\n\n## Decision\n\nX.\n",
        "decisions/0002-front-matter.md": "---\nstatus: accepted\n---\n# 2. Front-matter\n\n## Decision\n",
    }))
    found = {f["ids"][0]: f["severity"] for f in report["findings"] if f["rule"] == "missing-alternatives"}
    assert found == {"ADR-0001": "info", "ADR-0002": "warning"}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_rule_fires_on_its_fixture_and_stays_silent_on_the_other(case, tmp_path):
    case.verify(tmp_path)


def test_decision_rules(site):
    _, report = check_tree(site({
        "decisions/0001-postgres.md": decision("date: 2025-01-10\ndecides: datastore\n"),
        "decisions/0002-mongo.md": decision("date: 2026-02-01\ndecides: datastore\n", "proposed"),
        "decisions/0003-cockroach.md": decision("date: 2026-03-01\ndecides: datastore\nsupersedes: [ADR-0001]\n"),
        "decisions/0004-no-options.md": "---\nstatus: accepted\n---\n# 4. No options\n\n## Decision\n",
        "decisions/0005-with-section.md": "---\nstatus: accepted\n---\n# 5. S\n\n## Considered Options\n\n- a\n",
        "docs/intents/relies.md": intent("g", uses="[]", extra="depends_on: [ADR-0001]\n"),
    }))
    by_rule = {}
    for f in found(report):
        by_rule.setdefault(f["rule"], []).append(f)
    # 0003 supersedes 0001, so 0001 no longer stands: 0003 is the answer 0002 re-opens.
    [relitigation] = by_rule.pop("relitigation")
    assert relitigation["ids"] == ["ADR-0003", "ADR-0002"] and relitigation["path"] == "decisions/0002-mongo.md"
    assert "supersedes: [ADR-0003]" in relitigation["message"]
    [mismatch] = by_rule.pop("supersede-mismatch")
    assert mismatch["path"] == "decisions/0001-postgres.md" and mismatch["ids"] == ["ADR-0001", "ADR-0003"]
    [missing] = by_rule.pop("missing-alternatives")
    assert missing["ids"] == ["ADR-0004"]
    [stale] = by_rule.pop("superseded-reference")
    assert stale["ids"] == ["relies", "ADR-0001", "ADR-0003"] and "point to 'ADR-0003'" in stale["message"]
    assert by_rule == {}
