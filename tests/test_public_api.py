"""The package's small public face (`mkdocs_coherence/__init__.py`): what another tool may call."""

from __future__ import annotations

import subprocess
import sys

from conftest import write_tree


def test_every_public_name_resolves_and_a_check_runs_through_it(tmp_path):
    import mkdocs_coherence
    from mkdocs_coherence import RULES, Finding, Report, Settings, Severity, check, parse_settings

    assert sorted(mkdocs_coherence.__all__) == sorted(
        ["RULES", "Finding", "Report", "Settings", "Severity", "__version__", "check", "parse_settings"])
    root = write_tree(tmp_path, {"mkdocs.yml": "site_name: t\n",
                                 "docs/intents/a.md": "---\nstatus: draft\nuses: [missing@1]\n---\n# A\n"})
    settings = parse_settings({}, config_dir=root, docs_dir=root / "docs", catalogue=RULES)
    report = check(settings)
    assert isinstance(settings, Settings) and isinstance(report, Report)
    assert [(f.rule, f.severity) for f in report.findings] == [("unresolved-reference", Severity.ERROR)]
    assert all(isinstance(f, Finding) for f in report.findings)


def test_check_stays_the_function_whatever_is_imported_first():
    """`check` is both the pipeline's module and its function: the face must hand out the function."""
    probe = ("import mkdocs_coherence.plugin, mkdocs_coherence.check, mkdocs_coherence.cli.main\n"
             "from mkdocs_coherence import check\n"
             "from mkdocs_coherence.check import Report\n"
             "print(callable(check), check.__module__, Report.__name__)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["True", "mkdocs_coherence.check", "Report"], result.stderr


def test_an_unknown_name_is_an_attribute_error():
    import mkdocs_coherence

    try:
        mkdocs_coherence.no_such_thing  # noqa: B018
    except AttributeError as error:
        assert "no_such_thing" in str(error)
    else:
        raise AssertionError("no AttributeError")
