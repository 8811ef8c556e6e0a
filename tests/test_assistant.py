"""Bundles v2 and the answers `coherence mcp` gives, in-process on examples/three-features
(issue 19). The server itself is driven over stdio in tests/test_mcp.py."""

from __future__ import annotations

import argparse
import shutil

import pytest

from conftest import REPO, run_cli, write_tree
from mkdocs_coherence.cli.common import read_settings
from mkdocs_coherence.site.assistant import BadRequest, Project
from mkdocs_coherence.site.bundles import decision_text, tokens

EXAMPLE = REPO / "examples" / "three-features"


def project(path=EXAMPLE) -> Project:
    return Project(read_settings(argparse.Namespace(path=str(path), config=None)))


def section(bundle: str, heading: str) -> str:
    return bundle.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]


@pytest.fixture(scope="module")
def example():
    return project()


def test_findings_are_ranked_errors_first_each_with_what_to_do(example):
    findings = section(example.context("express-checkout"), "Findings, most important first")
    labels = [line.split("**")[1] for line in findings.splitlines() if line.startswith("- **")]
    assert labels[:2] == ["error", "error"] and "warning" in labels
    assert labels == sorted(labels, key=["error", "warning", "info"].index)
    first = findings.strip().splitlines()[0]
    assert first.startswith("- **error** `version-mismatch`")
    assert findings.strip().splitlines()[1].startswith("    - what to do: ")


def test_the_header_says_what_must_not_break(example):
    head = section(example.context("customer-profile"), "Must not break")
    assert "invariant: Only the identity service writes customer.status" in head
    assert "`express-checkout` assumes `customer.status` = \\[active, suspended, closed\\]" in head
    assert "pin its version" in head


def test_decisions_carry_their_decision_text_and_proposals_are_listed(example):
    bundle = example.context("express-checkout")
    decisions = section(bundle, "Standing decisions that affect them")
    assert "- decision: Profile fields are edited **inline**" in decisions
    pending = section(bundle, "Pending proposals on the same questions")
    assert "**ADR-0003**" in pending and "proposes: Profile fields are edited in a modal dialog" in pending
    assert "ADR-0003" not in decisions


def test_other_work_in_flight_and_consumers_with_ranges(example):
    flight = section(example.context("express-checkout"), "Other work in flight on the same contracts and areas")
    assert "`profile-v2`" in flight and "area profile; changes customer-profile" in flight
    assert "`loyalty-tiers`" in flight and "express-checkout" not in flight
    consumers = section(example.context("customer-profile"), "Consumers")
    assert "- `express-checkout` (intent, active): uses @1 (does NOT match 2.0.0)" in consumers


def test_an_intent_alone_on_its_contracts_lists_no_work_in_flight(tmp_path):
    tree = write_tree(tmp_path, {
        "mkdocs.yml": "site_name: t\nplugins: [coherence]\n",
        "docs/index.md": "# t\n",
        "docs/contracts/api.md": "---\nversion: 1.0.0\nstatus: active\n---\n# API\n",
        "docs/intents/one.md": "---\nstatus: active\ngoal: speed\nuses: [api@1]\narea: [a]\nsuccess: [{metric: m, target: '> 1'}]\n---\n# One\n",
        "docs/intents/done.md": "---\nstatus: shipped\ngoal: other\nchanges: [api]\narea: [a]\n---\n# Done\n",
    })
    bundle = project(tree).context("one")
    assert "## Other work in flight" not in bundle and "## Pending proposals" not in bundle


def test_contradicting_standing_decisions_are_flagged(tmp_path):
    adr = "---\nstatus: accepted\ndecides: db\nalternatives: [x]\naffects: [api]\n---\n# {n}. Use {w}\n\n## Decision\n\nWe use {w}.\n"
    tree = write_tree(tmp_path, {
        "mkdocs.yml": "site_name: t\nplugins: [coherence]\n",
        "docs/index.md": "# t\n",
        "docs/contracts/api.md": "---\nversion: 1.0.0\nstatus: active\n---\n# API\n",
        "decisions/0001-pg.md": adr.format(n=1, w="PostgreSQL"),
        "decisions/0002-my.md": adr.format(n=2, w="MySQL"),
    })
    decisions = section(project(tree).context("api"), "Standing decisions that affect them")
    assert "**Warning**: `ADR-0001`, `ADR-0002` are all accepted answers to `db`" in decisions
    assert "- decision: We use MySQL." in decisions
    alone = write_tree(tmp_path / "alone", {**{k: v for k, v in {
        "mkdocs.yml": "site_name: t\nplugins: [coherence]\n", "docs/index.md": "# t\n",
        "docs/contracts/api.md": "---\nversion: 1.0.0\nstatus: active\n---\n# API\n",
        "decisions/0001-pg.md": adr.format(n=1, w="PostgreSQL")}.items()}})
    assert "**Warning**" not in project(alone).context("api")


def test_decision_text_is_the_decision_section_or_the_first_paragraph_bounded():
    assert decision_text("# T\n\n## Context\n\nc\n\n## Decision Outcome\n\nChosen: A.\n\n## More\n\nx") == "Chosen: A."
    assert decision_text("# T\n\nWe do it.\n\nMore.") == "We do it."
    assert len(decision_text("## Decision\n\n" + "word " * 500)) == 600


@pytest.mark.parametrize("budget", [2000, 1000])
def test_a_token_budget_is_kept_and_says_what_it_left_out(example, budget):
    full = example.context("express-checkout")
    small = example.context("express-checkout", max_tokens=budget)
    assert tokens(full) > budget >= tokens(small)
    assert "## Left out" in small and "the other links" in small and "## Left out" not in full
    assert small.index("## Findings") < small.index("## Left out")
    assert "`version-mismatch`" in small  # the most important finding survives


def test_the_cli_prints_the_budgeted_bundle():
    result = run_cli("context", "express-checkout", str(EXAMPLE), "--max-tokens", "2000")
    assert result.returncode == 0 and tokens(result.stdout) <= 2000 and "## Left out" in result.stdout
    assert run_cli("context", "express-checkout", str(EXAMPLE), "--max-tokens", "5").returncode == 2


def test_tools_answer_and_refuse_bad_requests(example):
    assert [d["id"] for d in example.decision_for("profile-edit-mode")["standing"]] == ["ADR-0002"]
    assert example.search("Express")["results"][0]["id"] == "express-checkout"
    assert example.check(rule="goal-conflict")["findings"]
    assert all(f["severity"] == "error" for f in example.check(severity="error")["findings"])
    assert example.neighbours("ADR-0002", depth=0)["summary"]["documents"] == 1
    for bad in (lambda: example.check(severity="fatal"), lambda: example.neighbours("x-y-z"),
                lambda: example.neighbours("customer-profile", depth=9), lambda: example.search("  "),
                lambda: example.impact(), lambda: example.decision_for("nope"), lambda: example.draft_adr(" ")):
        with pytest.raises(BadRequest):
            bad()


def test_an_edit_shows_in_the_next_answer(tmp_path):
    copy = shutil.copytree(EXAMPLE, tmp_path / "x")
    answers = project(copy)
    assert answers.check(rule="version-mismatch")["findings"]
    intent = copy / "docs" / "intents" / "express-checkout.md"
    intent.write_text(intent.read_text().replace("customer-profile@1", "customer-profile@2"))
    assert not answers.check(rule="version-mismatch")["findings"]


def test_llms_txt_marks_problems_and_lists_open_conflicts_first(example):
    llms = example.llms_txt()
    assert llms.index("## Open conflicts") < llms.index("## Intents")
    conflicts = section(llms, "Open conflicts")
    assert "- goal-conflict (express-checkout, inline-editing, profile-v2):" in conflicts
    assert "- relitigation (ADR-0002, ADR-0003):" in conflicts and "version-mismatch" not in conflicts
    assert "express-checkout: Express checkout: active, 2 errors, 2 warnings;" in llms
    assert "ADR-0001: 1. Record architecture decisions: accepted; " in llms  # no problems, no mark


def test_llms_txt_of_a_clean_project_has_no_conflict_section(tmp_path):
    tree = write_tree(tmp_path, {
        "mkdocs.yml": "site_name: t\nplugins: [coherence]\n", "docs/index.md": "# t\n",
        "docs/contracts/api.md": "---\nversion: 1.0.0\nstatus: active\n---\n# API\n"})
    llms = project(tree).llms_txt()
    assert "## Open conflicts" not in llms and "- api: API: active; " in llms


def test_a_crowded_area_lists_thirty_others_once_each_and_counts_the_rest(tmp_path):
    """Forty in-flight intents share an area and a contract (half of them also another area):
    each bundle lists the first thirty others by id with every way they meet, says how many
    more, and lists none of them again under other links."""
    files = {
        "mkdocs.yml": "site_name: t\nplugins: [coherence]\n", "docs/index.md": "# t\n",
        "docs/contracts/api.md": "---\nversion: 1.0.0\nstatus: active\n---\n# API\n",
        "docs/contracts/lone.md": "---\nversion: 1.0.0\nstatus: active\n---\n# Lone\n",
    }
    for n in range(40):
        area = "[busy, quiet]" if n % 2 else "[busy]"
        files[f"docs/intents/i{n:02d}.md"] = (f"---\nstatus: active\ngoal: speed\nuses: [api@1]\narea: {area}\n"
                                              f"depends_on: [i{(n + 35) % 40:02d}]\n---\n# I {n}\n")
    files["docs/intents/i05.md"] = "---\nstatus: active\ngoal: speed\nuses: [lone@1]\narea: [quiet]\n---\n# I 5\n"
    tree = write_tree(tmp_path, files)
    example = project(tree)
    flight = section(example.context("i00"), "Other work in flight on the same contracts and areas")
    listed = [line.split("`")[1] for line in flight.splitlines() if line.startswith("- `")]
    assert listed == [f"i{n:02d}" for n in range(1, 32) if n != 5][:30]  # by id, not itself
    assert "- `i01` — I 1 (intent, active, `docs/intents/i01.md`), goal speed: area busy; uses api" in flight
    assert "- and 8 more" in flight  # 38 others: i05 shares nothing with i00
    links = section(example.context("i00"), "Other links")
    assert "`i35`" not in links  # beyond the thirty listed, still work in flight: not repeated
    quiet = section(example.context("i05"), "Other work in flight on the same contracts and areas")
    assert "- `i01` — I 1 (intent, active, `docs/intents/i01.md`), goal speed: area quiet" in quiet
    assert "more" not in quiet  # 20 intents in the quiet area, i05 one of them
    assert "- `i39`" in quiet and "- `i05`" not in quiet
