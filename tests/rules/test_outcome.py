"""Outcome rules: intents say how success is measured, and shipped ones record whether it came."""

from __future__ import annotations

import pytest
from harness import Case, check_tree, goal_intent as intent, found

SHIPPED = "status: shipped\ngoal: g\nshipped: 2026-01-05\nsuccess: [{metric: conversion, target: '>= 60%'}]\n"

CASES = [
    Case("no-success-criteria",
         fires={"docs/intents/nothing.md": "---\nstatus: active\ngoal: g\n---\n"},
         silent={"docs/intents/stated.md": intent("g", uses="[]"),
                 "docs/intents/draft.md": "---\nstatus: draft\ngoal: g\n---\n"}),
    Case("outcome-missing",
         fires={"docs/intents/unmeasured.md": f"---\n{SHIPPED}---\n"},
         silent={"docs/intents/measured.md": f"---\n{SHIPPED}outcomes: [{{metric: conversion, value: 61%}}]\n---\n"}),
    Case("outcome-missed",
         fires={"docs/intents/missed.md": f"---\n{SHIPPED}outcomes: [{{metric: conversion, value: 58%}}]\n---\n"},
         silent={"docs/intents/met.md": f"---\n{SHIPPED}outcomes: [{{metric: conversion, value: 61%}}]\n---\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_rule_fires_on_its_fixture_and_stays_silent_on_the_other(case, tmp_path):
    case.verify(tmp_path)


def test_outcomes(site):
    shipped = "status: shipped\ngoal: g\nshipped: 2026-01-05\n"
    tree = {
        "docs/intents/unmeasured.md": f"---\n{shipped}success: [{{metric: conversion, target: '>= 60%'}}]\n---\n",
        "docs/intents/missed.md": f"---\n{shipped}success:\n  - {{metric: conversion, target: '>= 60%'}}\n"
                                  f"  - {{metric: latency, target: '< 200ms'}}\noutcomes:\n"
                                  "  - {metric: conversion, value: 58%, measured: 2026-03-01}\n"
                                  "  - {metric: latency, value: 0.15s, measured: 2026-03-01}\n---\n",
        "docs/intents/recovered.md": f"---\n{shipped}success: [{{metric: errors, target: '<= 500'}}]\noutcomes:\n"
                                     "  - {metric: errors, value: 900, measured: 2026-02-01}\n"
                                     "  - {metric: errors, value: 480, measured: 2026-04-01}\n---\n",
        "docs/intents/nothing.md": "---\nstatus: active\ngoal: g\n---\n",
        "docs/intents/bad-target.md": "---\nstatus: active\nsuccess: [{metric: joy, target: lots}]\n---\n",
        "docs/intents/units.md": f"---\n{shipped}success: [{{metric: t, target: '< 1s'}}]\n"
                                 "outcomes: [{metric: t, value: 5%}]\n---\n",
    }
    _, report = check_tree(site(tree))
    assert sorted((f["rule"], f["path"].split("/")[-1], f["line"]) for f in found(report)) == [
        ("no-success-criteria", "nothing.md", 2),
        ("outcome-missed", "missed.md", 9),
        ("outcome-missing", "unmeasured.md", 4),
        ("schema", "bad-target.md", 3),
        ("schema", "units.md", 6),
    ]
    missed = found(report, "outcome-missed")[0]
    assert missed["severity"] == "info" and "58%" in missed["message"] and ">= 60%" in missed["message"]
    _, report = check_tree(site(tree, options="outcome_grace: 2y\n"))
    assert found(report, "outcome-missing") == []
