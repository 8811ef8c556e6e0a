"""The three-features example's contract bound to its API (`source`, issue 20): the story its
README tells, through the real command, a real MkDocs build and a real git repository."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import REPO, build, check_json
from gitrepo import Repo, git

EXAMPLE = REPO / "examples" / "three-features"
API = "api/openapi.yaml"
CONTRACT = "docs/contracts/customer-profile.md"
ENUM = "enum: [active, suspended, closed]"


def rules(report: dict, rule: str) -> list[dict]:
    return [f for f in report["findings"] if f["rule"] == rule]


def test_the_example_contract_reads_its_facts_from_the_api():
    """Unchanged, the example's API and contract agree: its story (tests/test_repository.py) is
    untouched, and the API's facts are what the contract defines."""
    code, report = check_json(EXAMPLE)
    assert code == 1 and rules(report, "contract-drift") == []
    assert "source: ../../api/openapi.yaml#/components/schemas/Customer" in (EXAMPLE / CONTRACT).read_text()
    assert ENUM in (EXAMPLE / API).read_text()


def test_the_api_dropping_closed_while_the_doc_says_it_fails_check_and_build(tmp_path, caplog):
    from mkdocs.exceptions import Abort, PluginError

    project = tmp_path / "three-features"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("site", "intents"))  # the errors on purpose
    code, report = check_json(project)
    assert (code, report["summary"]["errors"]) == (0, 0)
    site = build(project)  # clean: it builds, and the contract's page shows what the API says
    page = (site / "contracts" / "customer-profile" / "index.html").read_text(encoding="utf-8")
    assert "<strong>Facts from the code:</strong> <code>api/openapi.yaml#/components/schemas/Customer</code>" in page
    assert "<tr><td><code>customer.status</code></td><td>[active, suspended, closed]</td><td>yes</td></tr>" in page
    assert "<tr><td><code>customer.contact.email</code></td><td>string</td><td>yes</td></tr>" in page

    api = project / API
    api.write_text(api.read_text().replace(ENUM, "enum: [active, suspended]"))
    code, report = check_json(project)
    [drift] = rules(report, "contract-drift")
    assert code == 1 and drift["severity"] == "error"
    assert (drift["path"], drift["line"]) == (CONTRACT, 10)
    message = drift["message"]
    assert "api/openapi.yaml#/components/schemas/Customer" in message
    assert "customer.status = [active, suspended, closed]" in message and "says [active, suspended]" in message
    with pytest.raises((Abort, PluginError)):
        build(project)
    assert f"contract-drift: {CONTRACT}:10" in caplog.text


def test_a_pull_request_removing_an_enum_value_from_the_api_is_caught_by_base(tmp_path):
    """The author keeps the doc in step with the API (no drift), but forgets the major bump."""
    repo = Repo(tmp_path / "repo")
    shutil.copytree(EXAMPLE, repo.root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("site"))
    repo.commit("2026-11-01", "the example as it ships")
    git(repo.root, "tag", "base")
    api, contract = (repo.root / API).read_text(), (repo.root / CONTRACT).read_text()
    assert "customer.status: [active, suspended, closed]" in contract
    repo.commit("2026-11-10", "drop the closed status", {
        API: api.replace(ENUM, "enum: [active, suspended]"),
        CONTRACT: contract.replace("customer.status: [active, suspended, closed]", "customer.status: [active, suspended]")})

    code, report = check_json(repo.root, "--base", "base")
    [finding] = rules(report, "breaking-change")
    assert code == 1 and finding["severity"] == "error" and finding["path"] == CONTRACT
    assert "`customer.status` lost `closed`" in finding["message"] and "2.0.0 → 2.0.0" in finding["message"]
    assert "3.0.0" in finding["message"]
    assert rules(report, "contract-drift") == []
    code, report = check_json(repo.root)  # without a base, the same tree has nothing to compare
    assert rules(report, "breaking-change") == []

    # With the major bump the same pull request is fine.
    repo.commit("2026-11-11", "bump", {CONTRACT: (repo.root / CONTRACT).read_text().replace(
        'version: "2.0.0"', 'version: "3.0.0"')})
    _, report = check_json(repo.root, "--base", "base")
    assert rules(report, "breaking-change") == []


def test_graph_json_carries_the_source_and_validates():
    import jsonschema

    from conftest import run_cli

    data = json.loads(run_cli("graph", str(EXAMPLE), "--format", "json").stdout)
    schema = json.loads((REPO / "plugin" / "mkdocs_coherence" / "schemas" / "graph.schema.json").read_text())
    jsonschema.validate(data, schema)
    nodes = {n["id"]: n for n in data["nodes"]}
    source = nodes["customer-profile"]["source"]
    assert source["file"] == "api/openapi.yaml" and source["readable"] is True
    assert source["pointer"] == "/components/schemas/Customer"
    assert source["facts"]["customer.status"] == ["active", "suspended", "closed"]
    assert source["required"] == ["customer.contact", "customer.contact.email", "customer.id", "customer.status"]
    assert all("source" not in n for i, n in nodes.items() if i != "customer-profile")  # old shape elsewhere


def test_serve_rebuilds_the_contract_page_when_the_api_changes(tmp_path):
    """`api/` lies outside docs_dir: `mkdocs serve` watches it, so the page follows the code."""
    import time

    from conftest import mkdocs_serve, wait_for
    from mkdocs_coherence.site.watch import artifact_folders

    project = tmp_path / "three-features"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("site", "intents"))
    api = project / API
    row = "<tr><td><code>customer.status</code></td><td>[active, suspended{}]</td>"
    with mkdocs_serve(project) as served:
        url = served.base + "contracts/customer-profile/"
        deadline = time.monotonic() + 90
        assert row.format(", closed") in wait_for(url, lambda h: row.format(", closed") in h, deadline)
        edited = api.read_text().replace(ENUM, "enum: [active, suspended]")
        html = wait_for(url, lambda h: row.format("") in h, deadline, poke=lambda: api.write_text(edited))
        assert row.format("") in html and 'data-rule="contract-drift"' in html
        assert served.process.poll() is None
    assert "Traceback" not in served.output
    # Never a folder holding mkdocs.yml (it holds the site folder: every build would trigger the next).
    class Bound:
        artifact = type("A", (), {"files": [str(project / "openapi.yaml"), str(project / "api" / "x.yaml"),
                                            str(project / "docs" / "s.yaml")]})()
    assert artifact_folders([Bound()], project / "docs", project) == [project / "api"]
