"""Serve never dies, exit codes are honest, limits are configurable and hit with a finding."""

from __future__ import annotations

import time
from datetime import date

import pytest

from mkdocs_coherence.core.config import ConfigError, parse_settings, read_mkdocs_yml
from mkdocs_coherence.rules.catalogue import RULES
from mkdocs_coherence.check import check
from mkdocs_coherence.core.loader.limits import Limits
from mkdocs_coherence.cli.output import render
from conftest import check_json, mkdocs_serve, run_cli, wait_for, write_tree

GOOD = "---\nkind: intent\nstatus: active\nowners: [web]\nsuccess: [{metric: m, target: '>= 1'}]\n---\n# Checkout\n"
BROKEN = "---\nkind: intent\nstatus: active\nowners: [web\n---\n# Checkout\n"
# What used to crash a whole check: a NUL byte in a path reference, a 5,000-digit version range.
NASTY = "---\nkind: intent\ndepends_on: [\"x\\0/y.md\"]\nuses: [\"c@" + "9" * 5000 + "\"]\n---\n# Nasty\n"


def test_serve_shows_broken_yaml_on_the_page_keeps_serving_and_recovers(site):
    project = site({"docs/intents/checkout.md": GOOD})
    document = project / "docs" / "intents" / "checkout.md"
    with mkdocs_serve(project) as served:
        url = served.base + "intents/checkout/"
        deadline = time.monotonic() + 90
        html = wait_for(url, lambda h: "coherence-status--active" in h, deadline)
        assert "coherence-status--active" in html

        html = wait_for(url, lambda h: 'data-rule="frontmatter-invalid"' in h, deadline,
                        poke=lambda: document.write_text(BROKEN))
        assert 'data-rule="frontmatter-invalid"' in html  # the panel names the problem
        assert "did not find expected" in html
        assert "<pre" in html and "owners: [web" in html  # the unread front-matter is shown as code
        assert served.process.poll() is None

        (project / "docs" / "intents" / "nasty.md").write_text(NASTY)
        nasty = wait_for(served.base + "intents/nasty/", lambda h: "coherence-panel" in h, deadline)
        assert "coherence-panel" in nasty and served.process.poll() is None

        html = wait_for(url, lambda h: "coherence-status--active" in h and "frontmatter-invalid" not in h,
                        deadline, poke=lambda: document.write_text(GOOD))
        assert "coherence-status--active" in html and 'data-rule="frontmatter-invalid"' not in html
        assert served.process.poll() is None
    output = served.output
    assert "Traceback" not in output
    assert "frontmatter-invalid: docs/intents/checkout.md:5" in output  # and in the log


# --- exit codes ---------------------------------------------------------------------------


def test_check_exits_2_when_a_file_cannot_be_read_or_the_config_is_wrong(site):
    project = site({"docs/intents/checkout.md": GOOD, "docs/intents/latin1.md": b"---\nkind: intent\n---\n# Caf\xe9\n"})
    code, report = check_json(project)
    assert code == 2 and any(f["path"] == "docs/intents/latin1.md" for f in report["findings"])
    (project / "docs" / "intents" / "latin1.md").unlink()
    assert check_json(project)[0] == 0

    for options in ("rules: {no-such-rule: error}", "limits: {frontmatter_bytes: -1}", "limits: {bytes: 10}",
                    "fail_on: sometimes"):
        (project / "mkdocs.yml").write_text(f"site_name: t\nplugins:\n  - coherence:\n      {options}\n")
        result = run_cli("check", str(project))
        assert result.returncode == 2 and "Traceback" not in result.stderr, options
        assert "coherence: option" in result.stderr
    (project / "mkdocs.yml").write_text("site_name: t\nplugins: [coherence\n")
    result = run_cli("check", str(project))
    assert result.returncode == 2 and "not valid YAML" in result.stderr


def test_a_crashing_rule_is_reported_as_its_own_failure_and_the_rest_still_runs(site):
    project = site({"docs/intents/checkout.md": GOOD,
                    "docs/intents/typo.md": "---\nkind: intent\ndepends_on: [chekout]\n---\n# Typo\n"})

    def exploding_rule(ctx):
        yield from ()
        raise TypeError("a value of a type the schema should have excluded")

    report = check(read_mkdocs_yml(project / "mkdocs.yml", RULES), today=date(2026, 1, 31),
                   extra_rules=[("test", exploding_rule)])
    assert report.incomplete and report.crashed_rules == ["exploding-rule"]
    rules = {f.rule for f in report.findings}
    assert {"exploding-rule", "unresolved-reference"} <= rules  # the other rules' findings are all there
    crash = next(f for f in report.findings if f.rule == "exploding-rule")
    assert "crashed (TypeError at test.py:" in crash.message
    text = render(report, "text")
    assert "INCOMPLETE" in text and "crashed rules: exploding-rule" in text and "did you mean 'checkout'" in text
    for fmt in ("json", "github", "sarif", "markdown"):
        assert "exploding-rule" in render(report, fmt)


def test_one_file_that_crashes_the_reader_does_not_stop_the_others(site):
    """Files that once crashed a whole check are now findings, file by file."""
    project = site({"docs/intents/checkout.md": GOOD, "docs/intents/nasty.md": NASTY})
    code, report = check_json(project)
    assert code == 1
    nasty = [f for f in report["findings"] if f["path"] == "docs/intents/nasty.md"]
    assert {f["rule"] for f in nasty} == {"schema", "unresolved-reference"}


# --- limits --------------------------------------------------------------------------------


def test_limits_are_options_with_defaults_and_validated(tmp_path):
    settings = parse_settings({}, config_dir=tmp_path, docs_dir=tmp_path / "docs", catalogue=RULES)
    assert settings.limits == Limits()
    custom = parse_settings({"limits": {"frontmatter_bytes": 2_000_000, "nesting_depth": 10}},
                            config_dir=tmp_path, docs_dir=tmp_path / "docs", catalogue=RULES)
    assert custom.limits.frontmatter_bytes == 2_000_000 and custom.limits.nesting_depth == 10
    assert custom.limits.expanded_nodes == Limits().expanded_nodes
    for bad in ({"frontmatter_bytes": 0}, {"frontmatter_bytes": "1MB"}, {"nesting": 3}, [1], {"file_bytes": True}):
        with pytest.raises(ConfigError, match="limit"):
            parse_settings({"limits": bad}, config_dir=tmp_path, docs_dir=tmp_path / "docs", catalogue=RULES)


@pytest.mark.parametrize("limit, text, message", [
    ("frontmatter_bytes: 100", "---\nkind: intent\nwhy: " + "x" * 200 + "\n---\n# T\n", "limits.frontmatter_bytes"),
    ("expanded_nodes: 50", "---\nkind: intent\na: &a [1, 2, 3, 4, 5, 6, 7, 8]\nb: [*a, *a, *a, *a, *a, *a, *a]\n---\n",
     "limits.expanded_nodes"),
    ("nesting_depth: 3", "---\nkind: intent\nassumes: {a: {b: {c: {d: 1}}}}\n---\n# T\n", "limits.nesting_depth"),
    ("file_bytes: 1000", "---\nkind: intent\n---\n# T\n" + "word " * 400, "limits.file_bytes"),
])
def test_each_limit_is_configurable_and_hit_with_a_finding(site, limit, text, message):
    project = site({"docs/intents/x.md": text}, options=f"limits: {{{limit}}}")
    code, report = check_json(project)
    found = [f for f in report["findings"] if f["path"] == "docs/intents/x.md" and f["rule"] == "frontmatter-invalid"]
    assert found and message in found[0]["message"]
    assert code == (2 if "file_bytes" in limit else 1)
    # With the default limits the same file is fine.
    (project / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - coherence\n")
    _, report = check_json(project)
    assert not [f for f in report["findings"] if f["rule"] == "frontmatter-invalid"]


def test_mkdocs_accepts_the_limits_option_and_reports_a_bad_one(site, caplog):
    from conftest import build

    project = site({"docs/intents/checkout.md": GOOD}, options="limits: {frontmatter_bytes: 5000}")
    assert (build(project) / "intents" / "checkout" / "index.html").exists()
    (project / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - coherence:\n      limits: {frontmatter_bytes: lots}\n")
    with pytest.raises(Exception):
        build(project)
    assert "option 'limits': limit 'frontmatter_bytes' must be a positive whole number" in caplog.text


@pytest.mark.parametrize("opening, closing", [("[", "]"), ("{a: ", "}")])
def test_front_matter_nested_100000_deep_is_a_finding_not_a_crash(site, opening, closing):
    """libyaml's composer recurses in C: composed, this nesting kills the process (exit 139)."""
    deep = "---\nkind: intent\nstatus: draft\nx: " + opening * 100_000 + closing * 100_000 + "\n---\n# Deep\n"
    code, report = check_json(site({"docs/intents/deep.md": deep}))
    assert code == 1
    [finding] = [f for f in report["findings"] if f["path"] == "docs/intents/deep.md"]
    assert finding["rule"] == "frontmatter-invalid" and "levels deep" in finding["message"]


def test_the_collector_resumes_after_a_check_and_only_a_freezing_caller_freezes(tmp_path):
    """The check pauses the cycle collector and restores it, also on error; with `freeze` (the
    CLI, whose process ends with the check) what it built is frozen before the collector
    resumes, so its first passes do not walk every object the check made."""
    import gc

    from mkdocs_coherence.check import check
    from mkdocs_coherence.core.config import read_mkdocs_yml
    from mkdocs_coherence.rules.catalogue import RULES

    project = write_tree(tmp_path / "p", {"mkdocs.yml": "site_name: t\nplugins: [coherence]\n",
                                          "docs/intents/a.md": "---\nstatus: active\n---\n# A\n"})
    settings = read_mkdocs_yml(project / "mkdocs.yml", RULES)
    gc.unfreeze()
    try:
        assert gc.isenabled()
        check(settings)
        assert gc.isenabled() and gc.get_freeze_count() == 0
        report = check(settings, freeze=True)
        assert gc.isenabled() and gc.get_freeze_count() > 0
        assert report.corpus.documents[0].id == "a"
        gc.unfreeze()

        def broken(ctx):
            raise KeyError("x")
        gc.disable()  # a caller that paused it itself (the plugin) keeps it paused
        check(settings, freeze=True, extra_rules=[("custom", broken)])
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()
        gc.unfreeze()
