"""Real MkDocs builds with the plugin: the build gate, published folders, panels, serve."""

from __future__ import annotations

import logging
import re
import time

import pytest
from mkdocs.exceptions import Abort, PluginError

from conftest import build, check_json, mkdocs_serve, wait_for

CONSISTENT = {
    "docs/contracts/customer-profile.md": """\
        ---
        version: "2.0.0"
        status: active
        owners: [identity-team]
        defines:
          customer.status: [active, suspended, closed]
        ---
        # Customer profile

        The customer record.
        """,
    "docs/intents/checkout.md": """\
        ---
        title: "Express <script>alert('x')</script> checkout"
        status: active
        owners: [payments-team]
        success:
          - {metric: checkout completion, target: ">= 60%"}
        uses: [customer-profile@2]
        assumes:
          customer.status: [active, suspended, closed]
        ---
        # Express checkout
        """,
    "decisions/0001-inline-editing.md": """\
        ---
        status: accepted
        date: 2026-03-01
        affects: [customer-profile]
        alternatives: [modal dialog]
        ---
        # 1. Inline editing

        We edit the profile inline.
        """,
}

BROKEN = {
    **CONSISTENT,
    "docs/intents/legacy.md": "---\nstatus: draft\nuses: [customer-profile@1]\n"
                              "assumes:\n  customer.status: [active]\n---\n# Legacy\n",
}


def page(site_dir, uri):
    return (site_dir / uri / "index.html").read_text(encoding="utf-8")


def build_failure(project, caplog) -> str:
    """Build, expect MkDocs to abort, and return what was logged at error level."""
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        build(project)
    return "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)


def test_broken_contracts_fail_the_build_without_strict_listing_every_error(site, caplog):
    project = site(BROKEN)
    message = build_failure(project, caplog)
    assert "the build fails on errors (option fail_on)" in message
    assert "2 errors" in message
    assert "version-mismatch: docs/intents/legacy.md:3:" in message
    assert "assumption-violated: docs/intents/legacy.md:5:" in message


def test_consistent_tree_passes_strict_and_publishes_panels_both_ways(site):
    project = site(CONSISTENT, theme="material")
    site_dir = build(project, strict=True)
    decision = page(site_dir, "decisions/0001-inline-editing")  # published from outside docs_dir
    assert "We edit the profile inline." in decision
    assert 'data-coherence-kind="decision"' in decision and "accepted" in decision
    contract = page(site_dir, "contracts/customer-profile")
    panel = contract[contract.index('class="coherence-panel"'):]
    assert "identity-team" in panel
    # Links the other way: who references this contract, with the edge type.
    assert re.search(r"<em>uses</em> <a href=\"../../intents/checkout/\">Express &lt;script&gt;", panel)
    assert re.search(r"<em>affects</em> <a href=\"../../decisions/0001-inline-editing/\">1. Inline editing", panel)
    assert "<script>alert(" not in contract  # front-matter text is escaped


def test_findings_match_the_cli_and_show_on_the_page(site, caplog):
    project = site({**BROKEN, "docs/intents/typo.md": "---\nstatus: draft\ncolour: red\n---\n# Typo\n"},
                   options="fail_on: never")
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.coherence"):
        site_dir = build(project)
    logged = {(r.levelname.lower(), r.getMessage().split(": ", 3)[1], r.getMessage().split(": ", 3)[2])
              for r in caplog.records if r.name == "mkdocs.plugins.coherence"}
    _, report = check_json(project)
    assert logged == {(f["severity"], f["rule"], f"{f['path']}:{f['line']}") for f in report["findings"]}
    legacy = page(site_dir, "intents/legacy")
    assert 'class="admonition danger coherence-finding" data-rule="version-mismatch"' in legacy


def test_warnings_count_under_strict(site):
    project = site({"docs/intents/typo.md": "---\nstatus: draft\ncolour: red\n---\n# Typo\n"})
    build(project)  # a warning alone does not fail a normal build
    with pytest.raises(Abort, match="1 warning"):
        build(project, strict=True)


def test_fail_on_warning(site, caplog):
    project = site({"docs/intents/typo.md": "---\nstatus: draft\ncolour: red\n---\n"}, options="fail_on: warning")
    assert "the build fails on warnings (option fail_on):\n  unknown-key:" in build_failure(project, caplog)


def test_undecodable_file_is_kept_out_of_the_build(site, caplog):
    project = site({"docs/intents/latin1.md": b"---\nstatus: active\n---\n# Caf\xe9\n"}, options="fail_on: never")
    site_dir = build(project)  # MkDocs itself would crash decoding it
    assert (site_dir / "index.html").exists() and not (site_dir / "intents" / "latin1").exists()
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("fail_on: never", "fail_on: error"))
    assert "frontmatter-invalid: docs/intents/latin1.md:4: the file is not valid UTF-8" in build_failure(project, caplog)


def test_config_error_names_option(site):
    with pytest.raises(PluginError, match="option 'fail_on'.*'error', 'warning', 'never'"):
        from mkdocs.config import load_config
        config = load_config(str(site({}, options="fail_on: sometimes") / "mkdocs.yml"))
        config.plugins.on_config(config)


def test_waived_findings_are_shown_as_waived(site):
    project = site({**BROKEN, "docs/intents/legacy.md": BROKEN["docs/intents/legacy.md"].replace(
        "---\n# Legacy", "ignore:\n  - {rule: version-mismatch, reason: moving in Q1}\n"
        "  - assumption-violated\n---\n# Legacy")})
    site_dir = build(project, strict=True)
    legacy = page(site_dir, "intents/legacy")
    assert "waived: version-mismatch" in legacy and "waived because: moving in Q1" in legacy


def test_serve_watches_outside_folders_and_keeps_serving_broken_trees(site):
    project = site(BROKEN)  # errors must not stop the preview
    with mkdocs_serve(project) as served:
        url = served.base + "decisions/0001-inline-editing/"
        deadline = time.monotonic() + 60
        html = wait_for(url, lambda h: h != "", deadline)
        assert "coherence-status--accepted" in html
        decision = project / "decisions" / "0001-inline-editing.md"
        edited = decision.read_text().replace("status: accepted", "status: rejected")
        html = wait_for(url, lambda h: "coherence-status--rejected" in h, deadline,
                        poke=lambda: decision.write_text(edited))
        assert "coherence-status--rejected" in html
        assert served.process.poll() is None
    assert "Traceback" not in served.output


def test_panels_show_findings_naming_the_document_and_resolved_conflicts(site):
    tree = {
        **BROKEN,
        "docs/intents/checkout.md": CONSISTENT["docs/intents/checkout.md"].replace("owners:", "goal: conversion\n        area: [profile]\n        owners:"),
        "docs/intents/loyalty.md": "---\nstatus: draft\ngoal: retention\narea: [profile]\nuses: [customer-profile@2]\n"
                                   "---\n# Loyalty\n",
        "decisions/0002-retention-first.md": "---\nstatus: accepted\npriorities: [retention, conversion]\n"
                                             "alternatives: [conversion first]\n---\n# 2. Retention first\n",
    }
    site_dir = build(site(tree, options="fail_on: never"))
    contract = page(site_dir, "contracts/customer-profile")
    # The consumer's broken pin is shown on the contract it names, too.
    assert 'data-rule="version-mismatch"' in contract
    loyalty = page(site_dir, "intents/loyalty")
    assert "resolved: goal-conflict — settled by ADR-0002" in loyalty
    assert 'data-rule="goal-conflict"' in page(site_dir, "intents/checkout")


def test_a_rebuild_after_one_edit_reads_one_file(site):
    from mkdocs_coherence.plugin import source_cache

    tree = {**CONSISTENT, **{f"docs/intents/extra-{i}.md": f"---\nstatus: draft\n---\n# Extra {i}\n" for i in range(20)}}
    project = site(tree)
    site_dir = build(project)  # a build like `mkdocs serve` does: a new config, a new plugin instance
    cache = source_cache(project.resolve())
    first = cache.reads
    assert first >= 24
    build(project)
    assert cache.reads == first  # nothing changed: nothing re-read
    intent = project / "docs/intents/extra-3.md"
    intent.write_text(intent.read_text().replace("status: draft", "status: abandoned"))
    site_dir = build(project)
    assert cache.reads == first + 1
    assert "coherence-status--abandoned" in page(site_dir, "intents/extra-3")
