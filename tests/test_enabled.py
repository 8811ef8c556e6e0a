"""MkDocs' convention for switching a plugin off, `enabled: !ENV [CI, true]`, in a real build
and with the real command line (which checks either way: it was run on purpose)."""

from __future__ import annotations

import pytest
from mkdocs.exceptions import Abort, PluginError

from conftest import build, run_cli
from test_site import example_copy

SWITCH = "  - coherence:\n      enabled: !ENV [CI, true]\n"


def switchable(tmp_path):
    project = example_copy(tmp_path)  # four errors on purpose
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - coherence:\n      fail_on: never\n", SWITCH))
    assert SWITCH in config.read_text()
    return project


def test_enabled_switches_the_plugin_off_for_the_build_only(tmp_path, monkeypatch):
    project = switchable(tmp_path)
    monkeypatch.setenv("CI", "false")
    site_dir = build(project)  # off: the planted errors do not fail the build, no pages are added
    assert (site_dir / "index.html").exists() and not (site_dir / "coherence").exists()
    result = run_cli("check", str(project))
    assert result.returncode == 1 and "version-mismatch" in result.stdout, result.stderr
    monkeypatch.delenv("CI")  # unset: the default, true
    with pytest.raises((Abort, PluginError, SystemExit)):
        build(project)
    result = run_cli("check", str(project))
    assert result.returncode == 1 and "version-mismatch" in result.stdout, result.stderr


def test_enabled_must_be_true_or_false(tmp_path):
    project = switchable(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("!ENV [CI, true]", "sometimes"))
    result = run_cli("check", str(project))
    assert result.returncode == 2 and "option 'enabled': expected true or false" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
