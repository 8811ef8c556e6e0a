"""Semantic rules: facts read or defined differently, parallel changes; once per shared thing."""

from __future__ import annotations

import time

import pytest
from conftest import write_tree
from harness import Case, check_tree, goal_intent as intent, decision, found

CONTRACT = "---\nversion: '1.0.0'\nstatus: active\ndefines:\n  customer.status: [active, closed]\n---\n# Customer\n"


CASES = [
    Case("conflicting-assumptions",
         fires={"docs/intents/a.md": intent("x", uses="[]", extra="assumes:\n  order.status: [open]\n"),
                "docs/intents/b.md": intent("x", uses="[]", extra="assumes:\n  order.status: [placed]\n")},
         silent={"docs/intents/a.md": intent("x", uses="[]", extra="assumes:\n  order.status: [open, paid]\n"),
                 "docs/intents/b.md": intent("x", uses="[]", extra="assumes:\n  order.status: [paid, open]\n")}),
    Case("conflicting-definitions",
         fires={"docs/contracts/payments.md": "---\nversion: '1.0.0'\ndefines:\n  payments.on_error: retry\n---\n",
                "decisions/0001-fail-fast.md": decision("defines:\n  payments.on_error: fail-fast\n")},
         silent={"docs/contracts/payments.md": "---\nversion: '1.0.0'\ndefines:\n  payments.on_error: retry\n---\n",
                 "decisions/0001-old.md": decision("defines:\n  payments.on_error: ignore\n", "rejected")}),
    Case("parallel-change",
         fires={"docs/contracts/customer.md": CONTRACT,
                "docs/intents/a.md": intent("g", uses="[]", extra="changes: [customer@1]\n"),
                "docs/intents/b.md": intent("g", uses="[]", status="draft", extra="changes: [customer]\n")},
         silent={"docs/contracts/customer.md": CONTRACT,
                 "docs/intents/a.md": intent("g", uses="[]", extra="changes: [customer@1]\n"),
                 "docs/intents/c.md": intent("g", uses="[]", status="shipped", extra="changes: [customer]\n")}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_rule_fires_on_its_fixture_and_stays_silent_on_the_other(case, tmp_path):
    case.verify(tmp_path)


def test_conflicting_assumptions_and_definitions(site):
    _, report = check_tree(site({
        "docs/intents/a.md": intent("x", uses="[]", extra="assumes:\n  order.status: [open, paid]\n"),
        "docs/intents/b.md": intent("x", uses="[]", extra="assumes:\n  order.status: [paid, open]\n"),
        "docs/intents/c.md": intent("x", uses="[]", extra="assumes:\n  order.status: [placed, shipped]\n"),
        "docs/intents/d.md": intent("x", uses="[]", status="abandoned", extra="assumes:\n  order.status: [z]\n"),
        "docs/contracts/payments.md": "---\nversion: '1.0.0'\ndefines:\n  payments.on_error: retry\n---\n",
        "decisions/0001-fail-fast.md": decision("defines:\n  payments.on_error: fail-fast\n"),
        "decisions/0002-old.md": decision("defines:\n  payments.on_error: ignore\n", "rejected"),
    }))
    [assumptions] = found(report, "conflicting-assumptions")
    assert assumptions["ids"] == ["a", "b", "c"] and assumptions["path"] == "docs/intents/a.md"
    assert "'a', 'b' assume [open, paid]; 'c' assumes [placed, shipped]" in assumptions["message"]
    [definitions] = found(report, "conflicting-definitions")
    assert definitions["ids"] == ["ADR-0001", "payments"]
    assert {f["rule"] for f in found(report)} == {"conflicting-assumptions", "conflicting-definitions"}


def test_parallel_change_only_for_in_flight_intents(site):
    tree = {"docs/contracts/customer.md": CONTRACT,
            "docs/intents/a.md": intent("g", uses="[]", extra="changes: [customer@1]\n"),
            "docs/intents/b.md": intent("g", uses="[]", status="draft", extra="changes: [customer]\n"),
            "docs/intents/c.md": intent("g", uses="[]", status="shipped", extra="changes: [customer]\n")}
    _, report = check_tree(site(tree))
    [change] = found(report, "parallel-change")
    assert change["ids"] == ["customer", "a", "b"] and change["line"] == 7


def test_ten_thousand_intents_sharing_one_contract_give_one_finding_per_shared_thing(tmp_path):
    tree = {"mkdocs.yml": "site_name: big\nplugins: [coherence]\n", "docs/contracts/hub.md": CONTRACT.replace(
        "customer.status", "hub.mode")}
    for index in range(10_000):
        goal = ("conversion", "retention")[index % 2]
        tree[f"docs/intents/i{index:05d}.md"] = (
            f"---\nstatus: active\ngoal: {goal}\nowners: [t{index}]\nchanges: [hub@1]\narea: [shared]\n"
            f"assumes:\n  order.status: [{index % 3}]\nsuccess: [{{metric: m, target: '>= 1'}}]\n---\n")
    write_tree(tmp_path, tree)
    started = time.perf_counter()
    _, report = check_tree(tmp_path)
    elapsed = time.perf_counter() - started
    assert sorted(f["rule"] for f in report["findings"]) == [
        "conflicting-assumptions", "goal-conflict", "parallel-change"]  # one goal-conflict: one set of intents
    assert len(next(f for f in report["findings"] if f["rule"] == "parallel-change")["ids"]) == 10_001
    # Every side is in `ids`; the message stays readable.
    assert all(len(f["message"]) < 1000 for f in report["findings"])
    assert "and 9992 more" in next(f for f in report["findings"] if f["rule"] == "parallel-change")["message"]
    print(f"check of 10,001 documents: {elapsed:.2f}s")  # measured by benchmarks/, not asserted here
