"""Contract rules: version ranges, retired contracts, assumptions that contradict definitions."""

from __future__ import annotations

import pytest
from harness import Case, check_tree
from conftest import CONTRACT, intent  # the customer contract and an intent that uses it


def findings(report, rule):
    return [f for f in report["findings"] if f["rule"] == rule]


ACTIVE = {"docs/contracts/customer-profile.md": CONTRACT.format(status="active")}

OPENAPI = """\
openapi: 3.0.3
info: {title: profile, version: "2.1.0"}
paths: {}
components:
  schemas:
    Customer:
      type: object
      required: [status]
      properties:
        status: {type: string, enum: [active, suspended]}
        email: {type: string, format: email}
"""


def bound(defines: str = "") -> str:
    return ("---\nversion: 2.1.0\nstatus: active\nsource: ../../api/openapi.yaml#/components/schemas/Customer\n"
            f"{defines}---\n# Customer profile\n")


CASES = [
    # The doc says `closed`, the API removed it. Silent: defines agreeing with the code, and a
    # contract with `source` and no `defines` (the code defines the facts).
    Case("contract-drift",
         fires={"api/openapi.yaml": OPENAPI, "docs/contracts/customer-profile.md": bound(
             "defines:\n  customer.status: [active, suspended, closed]\n  customer.email: email\n")},
         silent={"api/openapi.yaml": OPENAPI,
                 "docs/contracts/customer-profile.md": bound(
                     "defines:\n  customer.status: [suspended, active]\n  customer.email: email\n"),
                 "docs/contracts/derived.md": bound().replace("version", "id: derived\nversion")}),
    Case("version-mismatch",
         fires={**ACTIVE, "docs/intents/a.md": intent("[customer-profile@1]")},
         silent={**ACTIVE, "docs/intents/a.md": intent("[customer-profile@2]"),
                 "docs/intents/gone.md": intent("[customer-profile@1]", status="abandoned")}),
    Case("retired-contract",
         fires={"docs/contracts/customer-profile.md": CONTRACT.format(status="retired"),
                "docs/intents/a.md": intent()},
         silent={**ACTIVE, "docs/intents/a.md": intent()}),
    Case("assumption-violated",
         fires={**ACTIVE, "docs/intents/a.md": intent(assumes="assumes:\n  profile.edit_mode: modal\n")},
         silent={**ACTIVE, "docs/intents/a.md": intent(assumes="assumes:\n  profile.edit_mode: inline\n")}),
    # customer.email is in the namespace the contract it uses owns, and nothing defines it (2.0
    # dropped it). Silent: a fact the contract defines, a fact of a namespace it does not own
    # (order.*), the same fact assumed by a document that does not use the contract, and the
    # fact defined by another contract.
    Case("undefined-assumption",
         fires={**ACTIVE, "docs/intents/a.md": intent(assumes="assumes:\n  customer.email: string\n")},
         silent={**ACTIVE,
                 "docs/intents/a.md": intent(assumes="assumes:\n  customer.status: [active, suspended, closed]\n"
                                                     "  order.status: [paid]\n"),
                 "docs/intents/b.md": intent(uses="[]", assumes="assumes:\n  customer.locale: string\n"),
                 "docs/intents/c.md": intent(assumes="assumes:\n  customer.tier: gold\n"),
                 "docs/contracts/loyalty.md": "---\nversion: 1.0.0\nstatus: active\ndefines:\n  customer.tier: "
                                              "[gold, silver]\n---\n# Loyalty\n"}),
]


def test_undefined_assumption_names_the_fact_and_the_contract_owning_its_namespace(site):
    _, report = check_tree(site({**ACTIVE, "docs/intents/a.md": intent(
        assumes="assumes:\n  customer.email: string\n  customer.phone: string\n")}))
    found = findings(report, "undefined-assumption")
    assert [(f["ids"], f["line"], f["severity"]) for f in found] == [
        (["a", "customer-profile"], 6, "warning"), (["a", "customer-profile"], 7, "warning")]
    assert "assumes customer.email" in found[0]["message"] and "contract 'customer-profile' (at 2.1.0)" in found[0]["message"]
    assert "customer.*" in found[0]["message"]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_rule_fires_on_its_fixture_and_stays_silent_on_the_other(case, tmp_path):
    case.verify(tmp_path)


def test_version_mismatch_names_both_documents(site):
    project = site({"docs/contracts/customer-profile.md": CONTRACT.format(status="active"),
                    "docs/intents/old.md": intent("[customer-profile@1]"),
                    "docs/intents/too-new.md": intent("[customer-profile@>=2.2]"),
                    "docs/intents/abandoned.md": intent("[customer-profile@1]", status="abandoned")})
    code, report = check_tree(project)
    found = findings(report, "version-mismatch")
    assert code == 1
    assert {(f["path"], f["line"]) for f in found} == {("docs/intents/old.md", 4), ("docs/intents/too-new.md", 4)}
    assert all(f["ids"][1] == "customer-profile" and "2.1.0" in f["message"] for f in found)


def test_retired_is_an_error_and_deprecated_a_warning(site):
    project = site({"docs/contracts/customer-profile.md": CONTRACT.format(status="retired"),
                    "docs/contracts/legacy.md": "---\nstatus: deprecated\nversion: '1.0.0'\n---\n",
                    "docs/intents/a.md": intent("[customer-profile@2, legacy]")})
    _, report = check_tree(project)
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
    _, report = check_tree(project)
    found = {(f["line"], tuple(f["ids"])) for f in findings(report, "assumption-violated")}
    assert found == {(6, ("a", "customer-profile")), (8, ("a", "ADR-0002"))}


def test_facts_read_from_source_reach_other_rules_and_a_broken_source_is_a_finding(tmp_path):
    from harness import check_tree, mkdocs_yml, write_tree

    project = write_tree(tmp_path / "p", {
        "mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n", "api/openapi.yaml": OPENAPI,
        "docs/contracts/customer-profile.md": bound(),
        "docs/contracts/broken.md": "---\nversion: 1.0.0\nstatus: active\nsource: ../../api/openapi.yaml#/nowhere\n"
                                    "---\n# Broken\n",
        "docs/intents/a.md": intent(assumes="assumes:\n  customer.status: [active, suspended, closed]\n")})
    _, report = check_tree(project)
    violated = findings(report, "assumption-violated")
    assert len(violated) == 1 and "[active, suspended]" in violated[0]["message"]
    drift = findings(report, "contract-drift")
    assert len(drift) == 1 and drift[0]["path"] == "docs/contracts/broken.md" and drift[0]["line"] == 4
    assert "api/openapi.yaml#/nowhere" in drift[0]["message"] and "points to nothing" in drift[0]["message"]


NESTED = """\
openapi: 3.1.0
info: {title: profile, version: "1"}
components:
  schemas:
    Customer:
      type: object
      properties:
        status: {type: string, enum: [active, suspended]}
        address: {type: object, properties: {city: {type: string}}}
"""


def test_drift_checks_the_schema_namespace_only_and_containers_are_told_by_their_leaves(tmp_path):
    """`profile.edit_mode` (behaviour no schema holds) is declared beside the derived facts and
    stands; `customer.address: object` need not be declared when `customer.address.city` is."""
    from harness import check_tree, mkdocs_yml, write_tree

    contract = bound("defines:\n  customer.status: [active, suspended]\n  customer.address.city: string\n"
                     "  profile.edit_mode: inline\n")
    project = write_tree(tmp_path / "p", {
        "mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n", "api/openapi.yaml": NESTED,
        "docs/contracts/customer-profile.md": contract,
        "docs/intents/a.md": intent(assumes="assumes:\n  profile.edit_mode: modal\n")})
    _, report = check_tree(project)
    assert findings(report, "contract-drift") == []
    [violated] = findings(report, "assumption-violated")
    assert "profile.edit_mode" in violated["message"] and violated["ids"] == ["a", "customer-profile"]
    # The city renamed in the code: drift naming the file, pointer and the declared value, and
    # the new property (a container left without leaves is told itself).
    (project / "api/openapi.yaml").write_text(NESTED.replace("{city: {type: string}}", "{town: {type: string}}"))
    extra, missing = sorted(findings(check_tree(project)[1], "contract-drift"), key=lambda f: "no such" in f["message"])
    assert "customer.address.city = string" in missing["message"] and "api/openapi.yaml#/components/schemas/Customer" \
        in missing["message"] and "has no such property" in missing["message"]
    assert missing["line"] == 7 and "customer.address.town = string" in extra["message"]
