"""The rules end to end through the real `coherence check`: exit codes, `--strict`, regrading,
switching off and waivers in mkdocs.yml. Each rule's own tests run in-process in tests/rules/."""

from __future__ import annotations

from conftest import check_json, rules_by_path
from conftest import CONTRACT, intent  # the customer contract and an intent that uses it


CUSTOMER = "---\nversion: '1.0.0'\nstatus: active\ndefines:\n  customer.status: [active, closed]\n---\n# Customer\n"


def goal_intent(goal: str, *, status: str = "active", extra: str = "", uses: str = "[customer@1]") -> str:
    return (f"---\nstatus: {status}\ngoal: {goal}\nowners: [a]\nuses: {uses}\n"
            f"success: [{{metric: m, target: '>= 1%'}}]\n{extra}---\n# Intent\n")


def decision(extra: str, status: str = "accepted") -> str:
    return f"---\nstatus: {status}\nalternatives: [x]\n{extra}---\n# Decision\n"


def test_consistent_tree_is_clean(site):
    project = site({
        "docs/contracts/customer-profile.md": CONTRACT.format(status="active"),
        "docs/intents/a.md": intent("[customer-profile@2.1]", "assumes:\n  customer.status: [closed, active, suspended]\n"),
        "docs/intents/b.md": intent('["customer-profile@>=2,<3", ../contracts/customer-profile.md]'),
        "decisions/0001-x.md": "---\nstatus: accepted\ndefines:\n  profile.edit_mode: inline\n---\n# 1. X\n## Considered Options\n",
    })
    code, report = check_json(project)
    assert (code, report["findings"]) == (0, [])
    assert report["summary"] == {"documents": 4, "errors": 0, "warnings": 0, "infos": 0, "waived": 0, "resolved": 0,
                                 "unreadable": 0}


def test_consistent_tree_without_conflicts_has_no_findings(site):
    tree = {"docs/contracts/customer.md": CUSTOMER, "docs/intents/checkout.md": goal_intent("conversion"),
            "docs/intents/loyalty.md": goal_intent("conversion"),
            "decisions/0001-x.md": decision("decides: datastore\ndefines:\n  customer.status: [closed, active]\n")}
    code, report = check_json(site(tree))
    assert (code, report["findings"], report["resolved"]) == (0, [], [])


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
