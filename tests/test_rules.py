"""Structure and contract rules on small real trees, through the real CLI's JSON output."""

from __future__ import annotations

from conftest import check_json, rules_by_path

CONTRACT = """\
---
version: "2.1.0"
status: {status}
owners: [identity]
defines:
  customer.status: [active, suspended, closed]
  profile.edit_mode: inline
---
# Customer profile
"""


def intent(uses: str = "[customer-profile@2]", assumes: str = "", status: str = "active", extra: str = "") -> str:
    return (f"---\nstatus: {status}\nowners: [web]\nuses: {uses}\n{assumes}{extra}"
            "success: [{metric: conversion, target: '>= 3%'}]\n---\n# Intent\n")


def findings(report, rule):
    return [f for f in report["findings"] if f["rule"] == rule]


def test_consistent_tree_is_clean(site):
    project = site({
        "docs/contracts/customer-profile.md": CONTRACT.format(status="active"),
        "docs/intents/a.md": intent("[customer-profile@2.1]", "assumes:\n  customer.status: [closed, active, suspended]\n"),
        "docs/intents/b.md": intent('["customer-profile@>=2,<3", ../contracts/customer-profile.md]'),
        "decisions/0001-x.md": "---\nstatus: accepted\ndefines:\n  profile.edit_mode: inline\n---\n# 1. X\n## Considered Options\n",
    })
    code, report = check_json(project)
    assert (code, report["findings"]) == (0, [])
    assert report["summary"] == {"documents": 4, "errors": 0, "warnings": 0, "infos": 0, "waived": 0, "resolved": 0}


def test_version_mismatch_names_both_documents(site):
    project = site({"docs/contracts/customer-profile.md": CONTRACT.format(status="active"),
                    "docs/intents/old.md": intent("[customer-profile@1]"),
                    "docs/intents/too-new.md": intent("[customer-profile@>=2.2]"),
                    "docs/intents/abandoned.md": intent("[customer-profile@1]", status="abandoned")})
    code, report = check_json(project)
    found = findings(report, "version-mismatch")
    assert code == 1
    assert {(f["path"], f["line"]) for f in found} == {("docs/intents/old.md", 4), ("docs/intents/too-new.md", 4)}
    assert all(f["ids"][1] == "customer-profile" and "2.1.0" in f["message"] for f in found)


def test_retired_is_an_error_and_deprecated_a_warning(site):
    project = site({"docs/contracts/customer-profile.md": CONTRACT.format(status="retired"),
                    "docs/contracts/legacy.md": "---\nstatus: deprecated\nversion: '1.0.0'\n---\n",
                    "docs/intents/a.md": intent("[customer-profile@2, legacy]")})
    _, report = check_json(project)
    assert {(f["severity"], f["ids"][1]) for f in findings(report, "retired-contract")} \
        == {("error", "customer-profile"), ("warning", "legacy")}


def test_assumption_violated_by_contract_and_accepted_decision_only(site):
    project = site({
        "docs/contracts/customer-profile.md": CONTRACT.format(status="active"),
        "decisions/0001-modal.md": "---\nstatus: proposed\ndefines:\n  ui.style: modal\n---\n",
        "decisions/0002-flat.md": "---\nstatus: accepted\ndefines:\n  ui.density: compact\n---\n",
        "docs/intents/a.md": intent(assumes="assumes:\n  customer.status: [active, suspended]\n"
                                    "  ui.style: inline\n  ui.density: roomy\n  profile.edit_mode: inline\n"),
    })
    _, report = check_json(project)
    found = {(f["line"], tuple(f["ids"])) for f in findings(report, "assumption-violated")}
    assert found == {(6, ("a", "customer-profile")), (8, ("a", "ADR-0002"))}


def test_unresolved_reference_suggests_the_close_id(site):
    project = site({"docs/contracts/customer-profile.md": CONTRACT.format(status="active"),
                    "docs/intents/a.md": intent("[customer-profle@2, ../contracts/missing.md, customer-profile@>=2,<3]")})
    _, report = check_json(project)
    messages = {f["message"].split("'")[1]: f["message"] for f in findings(report, "unresolved-reference")}
    assert set(messages) == {"customer-profle@2", "../contracts/missing.md", "<3"}
    assert "did you mean 'customer-profile'?" in messages["customer-profle@2"]
    assert "no document has that path" in messages["../contracts/missing.md"]
    assert "quote the whole reference" in messages["<3"]


def test_duplicate_ids_including_two_adrs_with_one_number(site):
    project = site({"decisions/0003-a.md": "---\nstatus: accepted\n---\n",
                    "decisions/0003-b.md": "---\nstatus: accepted\n---\n",
                    "docs/intents/x.md": "---\nid: same\n---\n", "docs/intents/y.md": "---\nid: same\n---\n"})
    _, report = check_json(project)
    assert {(f["path"], f["ids"][0]) for f in findings(report, "duplicate-id")} \
        == {("decisions/0003-b.md", "ADR-0003"), ("docs/intents/y.md", "same")}


def test_supersede_and_depends_on_cycles(site):
    project = site({
        "decisions/0001-a.md": "---\nstatus: superseded\nsupersedes: [ADR-0002]\n---\n",
        "decisions/0002-b.md": "---\nstatus: accepted\nsupersedes: [ADR-0001]\n---\n",
        "docs/intents/a.md": "---\ndepends_on: [b]\n---\n", "docs/intents/b.md": "---\ndepends_on: [c]\n---\n",
        "docs/intents/c.md": "---\ndepends_on: [a]\n---\n", "docs/intents/self.md": "---\ndepends_on: [self]\n---\n",
        "docs/intents/d.md": "---\ndepends_on: [a]\n---\n",
    })
    _, report = check_json(project)
    cycles = {(f["path"], f["line"], tuple(f["ids"])) for f in findings(report, "cycle")}
    assert cycles == {("decisions/0001-a.md", 3, ("ADR-0001", "ADR-0002")),
                      ("docs/intents/a.md", 2, ("a", "b", "c")), ("docs/intents/self.md", 2, ("self",))}


def test_rules_regraded_switched_off_and_waived(site):
    files = {"docs/contracts/customer-profile.md": CONTRACT.format(status="active"),
             "docs/intents/old.md": intent("[customer-profile@1]", extra="colour: red\n"),
             "docs/intents/waived.md": intent("[customer-profile@1]", extra=(
                 "ignore:\n  - {rule: version-mismatch, reason: migrating in Q1, until: 2999-01-01}\n")),
             "docs/intents/expired.md": intent("[customer-profile@1]", extra=(
                 "ignore:\n  - {rule: version-mismatch, reason: was migrating, until: 2020-01-01}\n"))}
    project = site(files, options="rules:\n  version-mismatch: warning\n  unknown-key: off\n")
    code, report = check_json(project)
    assert code == 0  # only warnings now
    assert rules_by_path(report) == {("version-mismatch", "docs/intents/old.md"),
                                     ("version-mismatch", "docs/intents/expired.md")}
    assert all(f["severity"] == "warning" for f in report["findings"])
    expired = next(f for f in report["findings"] if f["path"] == "docs/intents/expired.md")
    assert "waiver expired 2020-01-01" in expired["message"]
    assert [(w["rule"], w["path"], w["reason"], w["until"]) for w in report["waived"]] \
        == [("version-mismatch", "docs/intents/waived.md", "migrating in Q1", "2999-01-01")]
    assert report["summary"]["waived"] == 1
    code, _ = check_json(project, "--strict")
    assert code == 1


def test_range_hint_only_for_what_looks_like_a_split_range(site):
    project = site({"docs/intents/a.md": '---\nstatus: draft\nuses: ["<script>", "<=3"]\n---\n# A\n'})
    _, report = check_json(project)
    hints = {f["message"].split("'")[1]: "quote the whole reference" in f["message"]
             for f in findings(report, "unresolved-reference")}
    assert hints == {"<script>": False, "<=3": True}
