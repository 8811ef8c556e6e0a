"""Strategic rule: intents sharing a contract or an area that pursue different goals."""

from __future__ import annotations

import pytest
from conftest import run_cli, write_tree
from harness import Case, check_tree, decision, found

CONTRACT = "---\nversion: '1.0.0'\nstatus: active\ndefines:\n  customer.status: [active, closed]\n---\n# Customer\n"


def intent(goal: str, *, status: str = "active", extra: str = "", uses: str = "[customer@1]",
           key: str = "changes") -> str:
    return (f"---\nstatus: {status}\ngoal: {goal}\nowners: [a]\n{key}: {uses}\n"
            f"success: [{{metric: m, target: '>= 1%'}}]\n{extra}---\n# Intent\n")


GOAL_TREE = {
    "docs/contracts/customer.md": CONTRACT,
    "docs/intents/checkout.md": intent("conversion"),
    "docs/intents/loyalty.md": intent("retention"),
}

# Readers of one contract with different goals shape nothing together: no conflict.
READERS_TREE = {
    "docs/contracts/customer.md": CONTRACT,
    "docs/intents/checkout.md": intent("conversion", key="uses"),
    "docs/intents/loyalty.md": intent("retention", key="uses"),
    "docs/intents/audit.md": intent("compliance", key="uses"),
}

CASES = [
    Case("goal-conflict", fires=GOAL_TREE, silent={**GOAL_TREE, "docs/intents/loyalty.md": intent("conversion")}),
    Case("goal-conflict", fires=GOAL_TREE, silent=READERS_TREE),
    # A shipped intent is no longer in flight: it shapes nothing any more.
    Case("goal-conflict", fires=GOAL_TREE,
         silent={**GOAL_TREE, "docs/intents/loyalty.md": intent("retention", status="shipped")}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_rule_fires_on_its_fixture_and_stays_silent_on_the_other(case, tmp_path):
    case.verify(tmp_path)


def test_goal_conflict_is_named_once_and_settled_by_resolves_or_priorities(site):
    project = site(GOAL_TREE)
    _, report = check_tree(project)
    [conflict] = found(report, "goal-conflict")
    assert conflict["rule"] == "goal-conflict" and conflict["ids"] == ["customer", "checkout", "loyalty"]
    assert "conversion vs retention" in conflict["message"] and "resolves: [checkout, loyalty]" in conflict["message"]

    write_tree(project, {"decisions/0001-retention-first.md": decision("resolves: [checkout, loyalty]\n")})
    code, report = check_tree(project)
    assert found(report, "goal-conflict") == []
    [resolved] = report["resolved"]
    assert resolved["rule"] == "goal-conflict" and resolved["resolved_by"] == ["ADR-0001"]
    assert "resolved [goal-conflict]" in run_cli("check", str(project)).stdout
    assert "settled by ADR-0001" in run_cli("check", str(project)).stdout

    # A proposed decision settles nothing; priorities settle every conflict between the goals.
    write_tree(project, {"decisions/0001-retention-first.md": decision("resolves: [checkout, loyalty]\n", "proposed"),
                         "decisions/0002-ranking.md": decision("priorities: [retention, conversion]\n")})
    _, report = check_tree(project)
    assert found(report, "goal-conflict") == [] and report["resolved"][0]["resolved_by"] == ["ADR-0002"]

    # A third goal re-opens the conflict for the pairs nobody ranked.
    write_tree(project, {"docs/intents/speed.md": intent("reliability")})
    _, report = check_tree(project)
    [conflict] = found(report, "goal-conflict")
    assert "conversion vs reliability, reliability vs retention" in conflict["message"]


def test_goal_conflict_over_a_shared_area(site):
    _, report = check_tree(site({
        "docs/contracts/customer.md": CONTRACT,
        "docs/intents/a.md": intent("conversion", uses="[]", extra="area: [profile, search]\n"),
        "docs/intents/b.md": intent("retention", uses="[]", extra="area: profile\n"),
        "docs/intents/c.md": intent("retention", status="abandoned", uses="[]", extra="area: search\n"),
    }))
    assert [(f["ids"], "area 'profile'" in f["message"]) for f in found(report, "goal-conflict")] == [(["a", "b"], True)]


def test_goal_conflict_is_one_finding_per_set_of_intents_listing_every_shared_thing(site):
    _, report = check_tree(site({
        "docs/contracts/customer.md": CONTRACT,
        "docs/contracts/cart.md": CONTRACT.replace("customer.status", "cart.status"),
        "docs/intents/a.md": intent("conversion", uses="[customer@1, cart@1]", extra="area: [profile, search]\n"),
        "docs/intents/b.md": intent("retention", uses="[customer@1, cart@1]", extra="area: [profile, search]\n"),
        # c only reads what a and b change: it joins no conflict
        "docs/intents/c.md": intent("growth", key="uses", uses="[customer@1, cart@1]"),
    }))
    [conflict] = found(report, "goal-conflict")
    assert conflict["ids"] == ["cart", "customer", "a", "b"]
    assert ("contract 'cart', contract 'customer', area 'profile', area 'search'" in conflict["message"]
            and "'c'" not in conflict["message"])
