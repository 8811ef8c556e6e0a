"""`coherence check` and `coherence schema`: formats, exit codes, config errors (DESIGN §9)."""

from __future__ import annotations

import json

import pytest

from conftest import check_json, run_cli, write_tree

BROKEN = {
    "docs/contracts/customer-profile.md": "---\nversion: '2.0.0'\nstatus: active\n---\n# Customer profile\n",
    "docs/intents/checkout.md": "---\nstatus: draft\nuses: [customer-profile@1]\ncolour: red\n---\n# Checkout\n",
}


def test_json_shape_is_exactly_the_documented_one(site):
    code, report = check_json(site(BROKEN))
    assert code == 1
    assert set(report) == {"version", "findings", "waived", "resolved", "summary", "incomplete"}
    assert report["version"] == 1 and report["incomplete"] is False
    assert set(report["summary"]) == {"documents", "errors", "warnings", "infos", "waived", "resolved", "unreadable"}
    for finding in report["findings"]:
        assert set(finding) == {"rule", "severity", "message", "path", "line", "ids"}
    assert [(f["rule"], f["severity"], f["path"], f["line"], f["ids"]) for f in report["findings"]] == [
        ("version-mismatch", "error", "docs/intents/checkout.md", 3, ["checkout", "customer-profile"]),
        ("unknown-key", "warning", "docs/intents/checkout.md", 4, []),
    ]
    assert report["summary"] == {"documents": 2, "errors": 1, "warnings": 1, "infos": 0, "waived": 0, "resolved": 0,
                                 "unreadable": 0}


def test_exit_codes(site, tmp_path):
    project = site({"docs/intents/a.md": "---\nstatus: draft\ncolour: red\n---\n"})
    assert run_cli("check", str(project)).returncode == 0  # warnings only
    assert run_cli("check", str(project), "--strict").returncode == 1
    (project / "docs/intents/bad.md").write_bytes(b"caf\xe9")
    result = run_cli("check", str(project), "--format", "json")
    assert result.returncode == 2  # something could not be read: never clean
    assert ("frontmatter-invalid", "docs/intents/bad.md") in {(f["rule"], f["path"]) for f in json.loads(result.stdout)["findings"]}
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("check", str(empty))
    assert result.returncode == 2 and "no mkdocs.yml" in result.stderr


def test_config_file_option_and_cwd_default(site):
    project = site(BROKEN)
    (project / "mkdocs.yml").rename(project / "other.yml")
    assert run_cli("check", "--config", str(project / "other.yml")).returncode == 1
    assert run_cli("check", cwd=project).returncode == 2


@pytest.mark.parametrize("options, words", [
    ("fail_on: sometimes", ["fail_on", "'error', 'warning', 'never'"]),
    ("rules:\n  goal-confict: error", ["rules", "did you mean 'goal-conflict'"]),
    ("rules:\n  cycle: loud", ["rules", "'error', 'warning', 'info', 'off'"]),
    ("folders:\n  adr: decisions", ["folders", "'intent', 'contract', 'decision'"]),
    ("outcome_grace: soon", ["outcome_grace", "60d"]),
    ("gates:\n  high: [owners>=two]", ["gates", "owners>=2"]),
    ("fail_onn: error", ["fail_onn", "did you mean 'fail_on'"]),
])
def test_config_errors_name_the_option_and_allowed_values(site, options, words):
    result = run_cli("check", str(site({}, options=options)))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


def test_mkdocs_yml_with_python_and_env_tags_is_read(tmp_path, monkeypatch):
    write_tree(tmp_path, {
        "mkdocs.yml": """\
            site_name: x
            markdown_extensions:
              - pymdownx.emoji:
                  emoji_index: !!python/name:material.extensions.emoji.twemoji
            plugins:
              coherence:
                fail_on: !ENV [COHERENCE_TEST_FAIL_ON, error]
                folders:
                  adr: decision
            """,
        "docs/index.md": "# Home\n",
        "adr/0001-x.md": "---\nstatus: [accepted]\n---\n",  # a wrong type: an error
    })
    result = run_cli("check", str(tmp_path), "--format", "json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["findings"][0]["path"] == "adr/0001-x.md"


def test_github_annotations_escape_and_locate(site):
    project = site({"docs/intents/a.md": "---\nstatus: draft\nuses: [nope]\n---\n"})
    result = run_cli("check", str(project), "--format", "github")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=docs/intents/a.md,line=3,title=coherence unresolved-reference::"
        "uses names 'nope', but no document has that id; check the id or the relative path"]


def test_text_format_lists_location_severity_rule(site):
    result = run_cli("check", str(site(BROKEN)))
    lines = result.stdout.splitlines()
    assert lines[0].startswith("docs/intents/checkout.md:3: error [version-mismatch] ")
    assert lines[-1] == "2 documents: 1 errors, 1 warnings, 0 infos, 0 waived"


def test_help_and_schema():
    assert "check" in run_cli("--help").stdout
    schema = json.loads(run_cli("schema").stdout)
    assert schema["properties"]["kind"]["enum"] == ["intent", "contract", "decision"]
