"""Contracts bound to code (`source`, issue 20) seen across git history: staleness over the
derived facts, and breaking-change on what a request body demands. Real repositories
(tests/gitrepo.py), the real check; the derivation itself is in tests/test_artifacts.py."""

from __future__ import annotations

from conftest import mkdocs_yml
from gitrepo import Repo, git
from harness import check_tree

CUSTOMER = """\
openapi: 3.0.3
info: {{title: profile, version: "1"}}
paths:
  /customers:
    post:
      requestBody:
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/Customer'}}
      responses:
        "201": {{description: created}}
  /customers/{{id}}:
    get:
      responses:
        "200":
          description: the customer
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Profile'}}
components:
  schemas:
    Customer:
      type: object
      required: [{required}]
      properties:
        status: {{type: string, enum: [{values}]}}
        email: {{type: string}}
    Profile:
      type: object
      required: [{profile_required}]
      properties:
        nickname: {{type: string}}
        city: {{type: string}}
"""


def api(values: str = "active, suspended, closed", required: str = "status",
        profile_required: str = "nickname") -> str:
    return CUSTOMER.format(values=values, required=required, profile_required=profile_required)


def contract(version: str = "1.4.0", schema: str = "Customer", doc_id: str = "customer-profile") -> str:
    return (f"---\nid: {doc_id}\nversion: \"{version}\"\nstatus: active\n"
            f"source: ../../api/openapi.yaml#/components/schemas/{schema}\n---\n# {doc_id}\n")


INTENT = ("---\nstatus: active\ngoal: retention\nuses: [customer-profile@1]\nsuccess:\n"
          "  - {metric: churn, target: '< 2%'}\n---\n# Reader\n")


def stale(report) -> list[dict]:
    return [f for f in report["findings"] if f["rule"] == "stale-dependency"]


def breaking(report) -> list[dict]:
    return [f for f in report["findings"] if f["rule"] == "breaking-change"]


def test_an_artifact_change_is_a_material_change_and_reformatting_it_is_not(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", {"mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n",
                                        "api/openapi.yaml": api(), "docs/contracts/customer-profile.md": contract(),
                                        "docs/intents/reader.md": INTENT})
    # Reformatted, reordered, commented: the same facts, so the reader is not stale.
    repo.commit("2026-02-01", "reformat the API", {"api/openapi.yaml": "# the customer API\n" + api(
        values="closed, active, suspended").replace("{type: string, enum", "{ type: string , enum")})
    assert stale(check_tree(repo.root)[1]) == []
    # Uncommitted, an enum value dropped: stale at once, naming what changed.
    repo.write({"api/openapi.yaml": api(values="active, suspended")})
    [now] = stale(check_tree(repo.root)[1])
    assert now["path"] == "docs/intents/reader.md" and "`customer.status` lost `closed`" in now["message"]
    assert "uncommitted" in now["message"]
    # Committed later: stale, with the commit's date.
    repo.commit("2026-03-01", "drop closed")
    [found] = stale(check_tree(repo.root)[1])
    assert "`customer.status` lost `closed`" in found["message"] and "2026-03-01" in found["message"]
    # Once reviewed after the change, silent again.
    repo.commit("2026-03-05", "review", {"docs/intents/reader.md": INTENT.replace("status: active",
                                                                                  "status: active\nreviewed: 2026-03-05")})
    assert stale(check_tree(repo.root)[1]) == []


def test_a_required_change_is_material_and_is_told(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", {"mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n",
                                        "api/openapi.yaml": api(), "docs/contracts/customer-profile.md": contract(),
                                        "docs/intents/reader.md": INTENT})
    repo.commit("2026-03-01", "email required", {"api/openapi.yaml": api(required="status, email")})
    [found] = stale(check_tree(repo.root)[1])
    assert "`customer.email` now required" in found["message"]


def _pull_request(tmp_path, before: dict, after: dict) -> dict:
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "base", {"mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n", **before})
    git(repo.root, "tag", "base")
    repo.commit("2026-02-01", "pull request", after)
    return check_tree(repo.root, base="base")[1]


def test_a_property_newly_required_in_a_request_body_is_breaking(tmp_path):
    report = _pull_request(tmp_path, {"api/openapi.yaml": api(), "docs/contracts/customer-profile.md": contract()},
                           {"api/openapi.yaml": api(required="status, email"),
                            "docs/contracts/customer-profile.md": contract("1.5.0")})
    [finding] = breaking(report)
    assert finding["severity"] == "error" and finding["path"] == "docs/contracts/customer-profile.md"
    assert "`customer.email` newly required in a request body" in finding["message"]
    assert "1.4.0 → 1.5.0" in finding["message"] and "2.0.0" in finding["message"]


def test_a_major_bump_allows_it_and_a_response_may_demand_more(tmp_path):
    """Silent: the same change with a major bump; in a response (Profile), a newly required
    property only promises more (a minor bump, like any addition)."""
    report = _pull_request(tmp_path / "a", {"api/openapi.yaml": api(), "docs/contracts/customer-profile.md": contract()},
                           {"api/openapi.yaml": api(required="status, email"),
                            "docs/contracts/customer-profile.md": contract("2.0.0")})
    assert breaking(report) == []
    files = {"api/openapi.yaml": api(), "docs/contracts/profile.md": contract("1.0.0", "Profile", "profile")}
    report = _pull_request(tmp_path / "b", files, {"api/openapi.yaml": api(profile_required="nickname, city"),
                                                   "docs/contracts/profile.md": contract("1.1.0", "Profile", "profile")})
    assert breaking(report) == []
    report = _pull_request(tmp_path / "c", files, {"api/openapi.yaml": api(profile_required="nickname, city")})
    [finding] = breaking(report)
    assert finding["severity"] == "warning" and "`profile.city` newly required in a response" in finding["message"]
    # ... while a response that stops promising a property breaks its readers.
    report = _pull_request(tmp_path / "d", files, {"api/openapi.yaml": api(profile_required="city")})
    [finding] = breaking(report)
    assert finding["severity"] == "error" and "`profile.nickname` no longer required in a response" in finding["message"]


def test_an_enum_value_removed_in_the_api_is_breaking_with_the_contract_file_untouched(tmp_path):
    report = _pull_request(tmp_path, {"api/openapi.yaml": api(), "docs/contracts/customer-profile.md": contract()},
                           {"api/openapi.yaml": api(values="active, suspended")})
    [finding] = breaking(report)
    assert finding["severity"] == "error" and "`customer.status` lost `closed`" in finding["message"]


def test_an_escaping_ref_a_huge_schema_and_a_folder_are_findings_on_the_contract(tmp_path):
    """Through the real command: file, line of `source`, pointer and reason; exit 1, no traceback."""
    import json

    from conftest import check_json, write_tree

    (tmp_path / "secret.yaml").write_text("X: {type: object, properties: {leaked: {type: string}}}\n")
    big = {"type": "object", "properties": {f"p{i}": {"type": "string"} for i in range(3_000)}}
    project = write_tree(tmp_path / "repo", {
        "mkdocs.yml": mkdocs_yml(options="limits: {expanded_nodes: 1000}"), "docs/index.md": "# Home\n",
        "api/s.yaml": "A: {type: object, properties: {x: {$ref: '../../secret.yaml#/X'}}}\n",
        "api/big.json": json.dumps(big),
        "docs/contracts/escape.md": "---\nversion: 1.0.0\nstatus: active\nsource: ../../api/s.yaml#/A\n---\n# E\n",
        "docs/contracts/big.md": "---\nversion: 1.0.0\nstatus: active\nsource: ../../api/big.json\n---\n# B\n",
        "docs/contracts/folder.md": "---\nversion: 1.0.0\nstatus: active\nsource: ../../api\n---\n# F\n"})
    (project / ".git").mkdir()  # the repository root: secret.yaml lies outside it
    code, report = check_json(project)
    drift = {f["path"]: f for f in report["findings"] if f["rule"] == "contract-drift"}
    assert code == 1 and set(drift) == {"docs/contracts/escape.md", "docs/contracts/big.md", "docs/contracts/folder.md"}
    assert all(f["line"] == 4 and f["severity"] == "error" for f in drift.values())
    assert "api/s.yaml#/A" in drift["docs/contracts/escape.md"]["message"]
    assert "outside the repository" in drift["docs/contracts/escape.md"]["message"]
    assert "more than 1,000 facts" in drift["docs/contracts/big.md"]["message"]
    assert "api cannot be read" in drift["docs/contracts/folder.md"]["message"]


def test_a_plain_json_schema_breaks_when_it_demands_more(tmp_path):
    """A JSON Schema file validates what it is given: newly required breaks (error), newly
    nullable only accepts more (a warning without a minor bump)."""
    def schema(required: str, note: str) -> str:
        return ('{"title": "Order", "type": "object", "required": [%s], "properties": '
                '{"id": {"type": "string"}, "note": {"type": %s}}}' % (required, note))

    bound = "---\nversion: \"1.0.0\"\nstatus: active\nsource: ../../schemas/order.json\n---\n# Order\n"
    files = {"schemas/order.json": schema('"id"', '"string"'), "docs/contracts/order.md": bound}
    [finding] = breaking(_pull_request(tmp_path / "a", files, {"schemas/order.json": schema('"id", "note"', '"string"')}))
    assert finding["severity"] == "error" and "`order.note` newly required in the schema" in finding["message"]
    [finding] = breaking(_pull_request(tmp_path / "b", files, {"schemas/order.json": schema('"id"', '["string", "null"]')}))
    assert finding["severity"] == "warning" and "`order.note` newly nullable in the schema" in finding["message"]


def test_impact_counts_an_api_change_as_a_change_of_the_contract_bound_to_it(tmp_path):
    from conftest import run_cli

    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", {"mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n",
                                        "api/openapi.yaml": api(), "docs/contracts/customer-profile.md": contract(),
                                        "docs/intents/reader.md": INTENT})
    git(repo.root, "tag", "base")
    repo.write({"api/openapi.yaml": "# reformatted\n" + api()})
    out = run_cli("impact", str(repo.root), "--base", "base").stdout
    assert "customer-profile` | contract | active | prose only |" in out  # same facts: no material change
    repo.write({"api/openapi.yaml": api(values="active, suspended")})
    result = run_cli("impact", str(repo.root), "--base", "base")
    assert result.returncode == 0, result.stderr
    assert "**material**: `customer.status` lost `closed`" in result.stdout
    assert "reader → customer-profile (1 hop)" in result.stdout
