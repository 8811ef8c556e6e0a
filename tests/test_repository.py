"""The repository documents and checks itself: its own site, README, CI and example."""

from __future__ import annotations

import re

from mkdocs_coherence.rules.catalogue import RULES
from conftest import REPO, check_json


def test_own_tree_has_no_findings():
    code, report = check_json(REPO)
    # Infos (e.g. shallow-history in a shallow CI clone) may appear; nothing else may.
    assert code == 0 and [f for f in report["findings"] if f["severity"] != "info"] == []
    assert report["summary"]["documents"] >= 8  # our own ADRs, intents and contracts are documents


def test_own_site_builds_strictly_and_publishes_the_decisions(tmp_path):
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config = load_config(str(REPO / "mkdocs.yml"), strict=True, site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    mkdocs_build(config)
    adr = (tmp_path / "site" / "decisions" / "0001-record-architecture-decisions" / "index.html").read_text()
    assert 'data-coherence-kind="decision"' in adr


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    commands = re.findall(r"```bash\n(?:#.*\n)*(.+)\n```", readme)
    test_command = next(c for c in commands if "pytest" in c)
    assert test_command in (REPO / ".ci" / "run").read_text()
    assert any("mkdocs serve" in c or "mkdocs build" in c for c in commands)


def test_every_rule_is_documented():
    reference = (REPO / "docs" / "reference" / "rules.md").read_text()
    missing = [slug for slug in RULES if f"`{slug}`" not in reference]
    assert missing == []


def test_three_features_example_tells_the_whole_story():
    code, report = check_json(REPO / "examples" / "three-features")
    assert code == 1
    found = {(f["rule"], f["severity"], tuple(f["ids"])) for f in report["findings"] if f["rule"] != "shallow-history"}
    assert found == {
        # broken contracts
        ("version-mismatch", "error", ("express-checkout", "customer-profile")),
        ("assumption-violated", "error", ("express-checkout", "customer-profile")),
        ("assumption-violated", "error", ("inline-editing", "ADR-0002", "customer-profile")),
        # the parallel change to the customer model
        ("parallel-change", "warning", ("customer-profile", "loyalty-tiers", "profile-v2")),
        # conversion against retention on the profile area (readers of customer-profile alone
        # would be no conflict: DESIGN §5 v1.1)
        ("goal-conflict", "warning", ("express-checkout", "inline-editing", "profile-v2")),
        # an order status read two ways
        ("conflicting-assumptions", "warning", ("express-checkout", "order-tracking")),
        # a re-opened decision, linking the standing answer
        ("relitigation", "warning", ("ADR-0002", "ADR-0003")),
        # a high-risk intent without a rollback plan
        ("gate-missing", "error", ("profile-v2",)),
        # a shipped intent nobody measured
        ("outcome-missing", "warning", ("order-tracking",)),
    }
    gate = next(f for f in report["findings"] if f["rule"] == "gate-missing")
    assert "missing: `rollback`, at least 2 owners (has 1)" in gate["message"]


def test_the_decision_index_lists_every_record():
    """The hand-written index of our ADRs missed two records once; it must name every file."""
    index = (REPO / "docs" / "architecture-decisions.md").read_text()
    missing = [path.name for path in sorted((REPO / "decisions").glob("[0-9]*.md"))
               if f"(decisions/{path.name})" not in index]
    assert missing == []
