"""breaking-change against a base revision, in real git repositories."""

from __future__ import annotations

import dataclasses

import pytest

from conftest import check_json, mkdocs_yml
from gitrepo import Repo, git
from harness import Case, check_tree


def contract(version: str, facts: str) -> str:
    return f"---\nversion: \"{version}\"\nstatus: active\ndefines:\n{facts}---\n# Customer profile\n"


BASE_FACTS = "  customer.email: string\n  customer.status: [active, suspended, closed]\n  profile.edit_mode: inline\n"


@pytest.fixture
def repo(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "base", {"mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n",
                                       "docs/contracts/customer-profile.md": contract("1.4.0", BASE_FACTS)})
    git_tag(repo)
    return repo


def git_tag(repo):
    git(repo.root, "tag", "base")


def breaking(report):
    return [f for f in report["findings"] if f["rule"] == "breaking-change"]


def change(repo, version, facts, commit=True):
    files = {"docs/contracts/customer-profile.md": contract(version, facts)}
    if commit:
        repo.commit("2026-02-01", "change", files)
    else:
        repo.write(files)


def _changed_contract(version: str):
    """A repository tagged `base` whose contract then loses `customer.email` at `version`."""

    def build(folder):
        repo = Repo(folder)
        repo.commit("2026-01-10", "base", {"mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n",
                                           "docs/contracts/customer-profile.md": contract("1.4.0", BASE_FACTS)})
        git_tag(repo)
        change(repo, version, BASE_FACTS.replace("  customer.email: string\n", ""))
        return repo.root

    return build


CASES = [Case("breaking-change", fires=_changed_contract("1.5.0"), silent=_changed_contract("2.0.0"), base="base")]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_rule_fires_on_its_fixture_and_stays_silent_on_the_other(case, tmp_path):
    case.verify(tmp_path)


def test_removed_fact_and_lost_enum_value_without_major_bump_is_an_error(repo):
    """Through the real command: `--base` and the exit code."""
    change(repo, "1.5.0", "  customer.status: [active, closed]\n  profile.edit_mode: modal\n")
    code, report = check_json(repo.root, "--base", "base")
    assert code == 1
    [finding] = breaking(report)
    assert finding["severity"] == "error" and finding["path"] == "docs/contracts/customer-profile.md"
    assert finding["line"] == 2 and finding["ids"] == ["customer-profile"]
    message = finding["message"]
    assert "1.4.0 → 1.5.0" in message and "since base" in message
    assert "`customer.email` removed" in message
    assert "`customer.status` lost `suspended`" in message
    assert "`profile.edit_mode` changed from inline to modal" in message
    assert "2.0.0" in message


def test_a_major_bump_makes_the_same_change_fine(repo):
    change(repo, "2.0.0", "  customer.status: [active, closed]\n")
    code, report = check_tree(repo.root, base="base")
    assert (code, breaking(report)) == (0, [])


def test_additions_need_a_minor_bump(repo):
    facts = BASE_FACTS.replace("suspended, closed", "suspended, closed, archived") + "  customer.phone: string\n"
    change(repo, "1.4.1", facts, commit=False)  # the working tree is compared, committed or not
    code, report = check_tree(repo.root, base="base")
    [finding] = breaking(report)
    assert code == 0 and finding["severity"] == "warning"
    assert "`customer.phone` added" in finding["message"] and "`customer.status` gained `archived`" in finding["message"]
    assert "at least 1.5.0" in finding["message"]
    change(repo, "1.5.0", facts, commit=False)
    assert breaking(check_tree(repo.root, base="base")[1]) == []


def test_list_order_and_prose_are_no_change(repo):
    change(repo, "1.4.0", "  profile.edit_mode: inline\n  customer.status: [closed, active, suspended]\n"
                          "  customer.email: 'string'\n")
    assert breaking(check_tree(repo.root, base="base")[1]) == []


def test_new_contracts_are_not_breaking_and_zero_major_may_break_on_minor(repo):
    repo.commit("2026-02-01", "new", {"docs/contracts/orders.md": contract("0.3.0", "  order.id: uuid\n")})
    git(repo.root, "tag", "with-orders")
    assert breaking(check_tree(repo.root, base="base")[1]) == []
    repo.write({"docs/contracts/orders.md": contract("0.4.0", "  order.key: uuid\n")})
    assert breaking(check_tree(repo.root, base="with-orders")[1]) == []
    repo.write({"docs/contracts/orders.md": contract("0.3.1", "  order.key: uuid\n")})
    [finding] = breaking(check_tree(repo.root, base="with-orders")[1])
    assert "`order.id` removed" in finding["message"] and finding["severity"] == "error"


def test_without_a_base_the_rule_is_silent(repo):
    change(repo, "1.4.1", "  customer.status: [active]\n")
    assert breaking(check_tree(repo.root)[1]) == []


def test_base_from_the_environment_in_a_real_mkdocs_build(repo, monkeypatch, caplog):
    from mkdocs.exceptions import Abort, PluginError

    from conftest import build

    change(repo, "1.4.1", "  customer.status: [active]\n")
    monkeypatch.setenv("COHERENCE_BASE", "base")
    with pytest.raises((Abort, PluginError)):
        build(repo.root)
    assert "breaking-change: docs/contracts/customer-profile.md:2" in caplog.text
    monkeypatch.delenv("COHERENCE_BASE")
    build(repo.root)  # the same tree without a base builds


def test_an_unreadable_base_is_a_finding_not_a_traceback(repo):
    from mkdocs_coherence.check import check
    from mkdocs_coherence.core.config import read_mkdocs_yml
    from mkdocs_coherence.rules.catalogue import RULES

    settings = dataclasses.replace(read_mkdocs_yml(repo.root / "mkdocs.yml", RULES), base="no-such-branch")
    report = check(settings)
    [finding] = [f for f in report.findings if f.rule == "breaking-change"]
    assert "no-such-branch" in finding.message and "fetch-depth: 0" in finding.message
    assert finding.severity.label == "error"


API = """\
openapi: 3.0.3
info: {{title: profile, version: "1"}}
paths: {{}}
components:
  schemas:
    Customer:
      type: object
      properties:
        status: {{type: string, enum: [{values}]}}
"""
BOUND = ("---\nversion: \"{version}\"\nstatus: active\nsource: ../../api/openapi.yaml#/components/schemas/Customer\n"
         "---\n# Customer profile\n")


def test_a_source_artifact_is_read_at_the_base_too(tmp_path):
    """The API drops an enum value; the contract file itself is unchanged: breaking at --base.
    Reformatting the API (same facts) is no change at all."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "base", {"mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n",
                                       "api/openapi.yaml": API.format(values="active, suspended, closed"),
                                       "docs/contracts/customer-profile.md": BOUND.format(version="1.4.0")})
    git_tag(repo)
    repo.commit("2026-02-01", "reformat", {"api/openapi.yaml": "# reformatted\n" + API.format(
        values="closed, active, suspended").replace("{type: string,", "{ type: string ,")})
    _, report = check_tree(repo.root, base="base")
    assert breaking(report) == []
    repo.commit("2026-02-02", "drop closed", {"api/openapi.yaml": API.format(values="active, suspended")})
    _, report = check_tree(repo.root, base="base")
    [finding] = breaking(report)
    assert "`customer.status` lost `closed`" in finding["message"] and finding["severity"] == "error"
