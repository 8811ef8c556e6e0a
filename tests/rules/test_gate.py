"""Gate rule: what each risk tier requires before work proceeds (config `gates`)."""

from __future__ import annotations

import pytest
from harness import Case, check_tree, goal_intent as intent, found

PAYMENTS = "---\nversion: 1.0.0\nstatus: active\nrisk: high\ndefines:\n  payment.unit: minor\n---\n# Payments\n"
READY = intent("g", uses="[]", extra="monitoring: dashboards\nrollback: flag off\n").replace("owners: [a]",
                                                                                               "owners: [a, b]")

CASES = [
    Case("gate-missing",
         fires={"docs/intents/risky.md": intent("g", uses="[]", extra="risk: high\nmonitoring: dashboards\n")},
         silent={"docs/intents/risky.md": intent("g", uses="[]", extra="risk: high\nmonitoring: dashboards\n"
                                                 "rollback: flag off\n").replace("owners: [a]", "owners: [a, b]"),
                 "docs/intents/medium.md": intent("g", uses="[]", extra="risk: medium\n")}),
    # A contract's `risk` is a floor: an intent that uses it without stating `risk` is gated all
    # the same; one that meets the gate, or reads a contract without a risk, is not.
    Case("gate-missing",
         fires={"docs/contracts/payments.md": PAYMENTS, "docs/intents/refunds.md": intent("g", uses="[payments@1]")},
         silent={"docs/contracts/payments.md": PAYMENTS.replace("risk: high\n", ""),
                 "docs/intents/refunds.md": intent("g", uses="[payments@1]"),
                 "docs/contracts/billing.md": PAYMENTS.replace("payment.unit", "billing.unit"),
                 "docs/intents/ready.md": READY.replace("uses: []", "uses: [billing@1]")}),
    # An area's floor from `risk_floor`.
    Case("gate-missing", options="risk_floor: {areas: {payments: high}}",
         fires={"docs/intents/payouts.md": intent("g", uses="[]", extra="area: [payments]\n")},
         silent={"docs/intents/payouts.md": intent("g", uses="[]", extra="area: [search]\n"),
                 "docs/intents/ready.md": READY.replace("success", "area: [payments]\nsuccess")}),
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


def test_the_gate_says_where_an_inherited_tier_came_from(site):
    tree = {"docs/contracts/payments.md": PAYMENTS,
            "docs/intents/low.md": intent("g", uses="[payments@1]", extra="risk: low\narea: [payments]\n"),
            "docs/intents/plain.md": intent("g", uses="[]", extra="area: [payments]\n"),
            "docs/intents/critical.md": intent("g", uses="[payments@1]", extra="risk: critical\n")}
    _, report = check_tree(site(tree, options="risk_floor: {areas: {payments: medium}}\n"
                                              "gates:\n  high: [rollback]\n  medium: [monitoring]\n  critical: [owners>=3]\n"))
    messages = {f["ids"][0]: (f["line"], f["message"]) for f in found(report, "gate-missing")}
    # The highest floor wins over a lower explicit risk, and the finding names its source.
    assert messages["low"][1].startswith("risk high (inherited from contract 'payments'; its own `risk: low` is lower)")
    assert "ask the owners of contract 'payments' to lower its `risk`" in messages["low"][1]
    assert messages["plain"] == (7, messages["plain"][1])  # the line of the area that set the tier
    assert messages["plain"][1].startswith("risk medium (inherited from area 'payments', since it states no `risk:`)")
    # A custom tier ranks above high: the contract's floor does not lower it.
    assert messages["critical"][1].startswith("risk critical requires owners>=3")


@pytest.mark.parametrize("options, words", [
    ("risk_floor: [payments]", ["risk_floor", "areas"]),
    ("risk_floor: {area: {payments: high}}", ["risk_floor", "'area' is not allowed", "did you mean 'areas'"]),
    ("risk_floor: {areas: {payments: hihg}}", ["risk_floor", "tier 'hihg'", "did you mean 'high'"]),
])
def test_a_bad_risk_floor_is_a_config_error_naming_the_option(site, options, words):
    from conftest import run_cli

    result = run_cli("check", str(site({}, options=options)))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert all(word in result.stdout + result.stderr for word in words)
