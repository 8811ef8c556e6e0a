"""Gate rule: what each risk tier requires before work proceeds (config `gates`)."""

from __future__ import annotations

import pytest
from harness import Case, check_tree

def intent(goal: str, *, status: str = "active", extra: str = "", uses: str = "[customer@1]") -> str:
    return (f"---\nstatus: {status}\ngoal: {goal}\nowners: [a]\nuses: {uses}\n"
            f"success: [{{metric: m, target: '>= 1%'}}]\n{extra}---\n# Intent\n")


def found(report, rule=None):
    return [f for f in report["findings"] if rule is None or f["rule"] == rule]


CASES = [
    Case("gate-missing",
         fires={"docs/intents/risky.md": intent("g", uses="[]", extra="risk: high\nmonitoring: dashboards\n")},
         silent={"docs/intents/risky.md": intent("g", uses="[]", extra="risk: high\nmonitoring: dashboards\n"
                                                 "rollback: flag off\n").replace("owners: [a]", "owners: [a, b]"),
                 "docs/intents/medium.md": intent("g", uses="[]", extra="risk: medium\n")}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_rule_fires_on_its_fixture_and_stays_silent_on_the_other(case, tmp_path):
    case.verify(tmp_path)


def test_gates_are_configurable_and_list_exactly_what_is_missing(site):
    tree = {"docs/intents/risky.md": intent("g", uses="[]", extra="risk: high\nmonitoring: dashboards\n"),
            "docs/intents/medium.md": intent("g", uses="[]", extra="risk: medium\n")}
    _, report = check_tree(site(tree))
    [gate] = found(report, "gate-missing")
    assert gate["ids"] == ["risky"] and gate["line"] == 7
    assert "missing: `rollback`, at least 2 owners (has 1)" in gate["message"]
    _, report = check_tree(site(tree, options="gates:\n  medium: [rollback]\n  critical: [rollback, owners>=3]\n"))
    assert [(f["ids"], f["message"].split("missing: ")[1].split(" —")[0]) for f in found(report, "gate-missing")] \
        == [(["medium"], "`rollback`")]
