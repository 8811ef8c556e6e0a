"""Pull-request workflow: `new`, ADR number clashes against a base branch, `renumber`,
CI formats (SARIF validated against the 2.1.0 schema, Markdown), and `graph`. Real git
repositories under tmp_path, the real CLI in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, check_json, run_cli, write_tree

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def new(repo: Path, what: str, title: str, *extra: str) -> Path:
    result = run_cli("new", what, title, *extra, cwd=repo)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return repo / result.stdout.strip()


@pytest.fixture
def repo(tmp_path):
    root = write_tree(tmp_path / "repo", {
        "mkdocs.yml": "site_name: x\nplugins:\n  - coherence\n",
        "docs/index.md": "# Home\n",
    })
    git(root, "init", "-q", "-b", "main")
    new(root, "adr", "Record architecture decisions")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    return root


def test_two_branches_take_one_adr_number_check_says_so_and_renumber_fixes_it(repo):
    git(repo, "checkout", "-qb", "payments")
    kafka = new(repo, "adr", "Use Kafka for events")
    assert kafka.name == "0002-use-kafka-for-events.md"
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "kafka")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "payments")  # main gains ADR-0002 meanwhile

    git(repo, "checkout", "-qb", "search", "HEAD~1")
    rabbit = new(repo, "adr", "Use RabbitMQ")
    assert rabbit.name == "0002-use-rabbitmq.md"  # the same number, unknowingly
    write_tree(repo, {"decisions/0003-queue-limits.md": """\
        ---
        status: proposed
        depends_on: [ADR-0002]
        ---
        # 3. Queue limits

        Builds on [RabbitMQ](0002-use-rabbitmq.md).
        """})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "rabbit")

    # Before the merge: the base gained the number meanwhile.
    code, report = check_json(repo, "--base", "main")
    assert code == 1
    clash = [f for f in report["findings"] if f["rule"] == "duplicate-id"]
    assert [f["path"] for f in clash] == ["decisions/0002-use-rabbitmq.md"]
    assert "decisions/0002-use-kafka-for-events.md" in clash[0]["message"]
    assert "coherence renumber decisions/0002-use-rabbitmq.md" in clash[0]["message"]
    # Without --base nothing can tell: the tree alone is fine.
    assert check_json(repo)[0] == 0

    # After the merge (what CI checks on a pull request): the change's file is the one to move.
    git(repo, "merge", "-q", "main", "-m", "merge main")
    code, report = check_json(repo, "--base", "main")
    clash = [f for f in report["findings"] if f["rule"] == "duplicate-id"]
    assert code == 1 and [f["path"] for f in clash] == ["decisions/0002-use-rabbitmq.md"]
    assert "`coherence renumber decisions/0002-use-rabbitmq.md --base main`" in clash[0]["message"]

    result = run_cli("renumber", "decisions/0002-use-rabbitmq.md", "--base", "main", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert not rabbit.exists()
    moved = repo / "decisions" / "0004-use-rabbitmq.md"
    assert "# 4. Use RabbitMQ" in moved.read_text()
    limits = (repo / "decisions" / "0003-queue-limits.md").read_text()
    assert "depends_on: [ADR-0004]" in limits and "(0004-use-rabbitmq.md)" in limits
    assert (repo / "decisions" / "0002-use-kafka-for-events.md").is_file()  # the base's file keeps its number
    code, report = check_json(repo, "--base", "main")
    assert (code, report["findings"]) == (0, [])


def test_new_never_overwrites_and_takes_base_numbers_into_account(repo):
    first = new(repo, "adr", "Pick a database")
    assert first.name == "0002-pick-a-database.md"
    (repo / "decisions" / "0003-pick-a-cache.md").write_text("# 3. Placeholder\n")
    result = run_cli("new", "adr", "Pick a cache", cwd=repo)  # number 4 is free, slug differs: fine
    assert result.stdout.strip() == "decisions/0004-pick-a-cache.md"
    intent = new(repo, "intent", "Faster Checkout!")
    assert intent == repo / "docs" / "intents" / "faster-checkout.md"
    again = run_cli("new", "intent", "Faster checkout", cwd=repo)
    assert again.returncode == 2 and "already exists" in again.stderr and "Traceback" not in again.stderr
    assert intent.read_text().count("# Faster Checkout!") == 1
    contract = new(repo, "contract", "Customer profile")
    assert 'id: "customer-profile"' in contract.read_text()
    code, report = check_json(repo)
    assert code == 0, report


def test_project_templates_override_the_packaged_ones(repo):
    write_tree(repo, {".coherence/templates/adr.md": "---\nstatus: proposed\n---\n# {{ number }}. {{ title }} ({{ id }})\n"})
    path = new(repo, "adr", "Ours")
    assert path.read_text() == "---\nstatus: proposed\n---\n# 2. Ours (ADR-0002)\n"
    write_tree(repo, {".coherence/templates/intent.md": "{{ nope }"})
    broken = run_cli("new", "intent", "X", cwd=repo)
    assert broken.returncode == 2 and "template intent.md" in broken.stderr and "Traceback" not in broken.stderr


def test_bad_input_to_workflow_commands_never_gives_a_traceback(repo, tmp_path):
    write_tree(repo, {"decisions/0005-z.md": "# 5. Z\n"})
    cases = [
        (["new", "adr", "   "], "title is empty"),
        (["new", "adr", "!!!"], "no letters or digits"),
        (["renumber", "decisions/none.md"], "no such file"),
        (["renumber", "docs/index.md"], "no ADR number"),
        (["renumber", "decisions/0001-record-architecture-decisions.md", "--to", "1"], "already exists"),
        (["renumber", "decisions/0001-record-architecture-decisions.md", "--to", "5"], "is taken"),
        (["check", "--base", "no-such-branch"], "cannot be read"),
        (["check", "--new-only"], "needs a base"),
        (["graph", "--around", "ADR-0009"], "no document has the id"),
        (["new", "adr", "x", str(tmp_path / "nowhere")], "no mkdocs.yml"),
    ]
    for argv, words in cases:
        result = run_cli(*argv, cwd=repo)
        assert result.returncode == 2, (argv, result.stdout, result.stderr)
        assert words in result.stderr and "Traceback" not in result.stderr, (argv, result.stderr)


def test_new_only_reports_what_the_change_introduces(repo):
    write_tree(repo, {"docs/intents/old.md": "---\nstatus: draft\nuses: [gone]\n---\n# Old\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "old problem")
    git(repo, "checkout", "-qb", "change")
    write_tree(repo, {"docs/intents/new.md": "---\nstatus: draft\nuses: [missing]\n---\n# New\n"})
    _, everything = check_json(repo, "--base", "main")
    assert {f["path"] for f in everything["findings"]} == {"docs/intents/old.md", "docs/intents/new.md"}
    code, fresh = check_json(repo, "--base", "main", "--new-only")
    assert code == 1 and [f["path"] for f in fresh["findings"]] == ["docs/intents/new.md"]


# --- CI formats ----------------------------------------------------------------------------

BROKEN = {
    "docs/contracts/profile.md": "---\nversion: '2.0.0'\nstatus: active\n---\n# Profile\n",
    "docs/intents/a.md": "---\nstatus: draft\nuses: [profile@1]\ncolour: red\nignore: [unknown-key]\n---\n# A\n",
    "docs/intents/b|c.md": "---\nstatus: draft\nuses: ['nope <b>*x*</b> | y']\n---\n# B\n",
}


def test_sarif_validates_against_the_sarif_2_1_0_schema(site):
    project = site(BROKEN)
    result = run_cli("check", str(project), "--format", "sarif")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    log = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    for result_ in run["results"]:
        assert rule_ids[result_["ruleIndex"]] == result_["ruleId"]
    levels = {(r["ruleId"], r["level"], bool(r.get("suppressions"))) for r in run["results"]}
    assert ("version-mismatch", "error", False) in levels
    assert ("unknown-key", "warning", True) in levels  # waived: listed as suppressed, not hidden
    located = next(r for r in run["results"] if r["ruleId"] == "version-mismatch")
    assert located["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "docs/intents/a.md", "uriBaseId": "SRCROOT"}, "region": {"startLine": 3}}
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == project.resolve().as_uri() + "/"


def test_an_invalid_sarif_log_fails_the_schema_so_the_test_can_fail():
    schema = json.loads(SARIF_SCHEMA.read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate({"version": "2.1.0", "runs": [{"results": [{"level": "fatal"}]}]})


def test_markdown_is_a_table_fit_for_a_pull_request_comment(site):
    result = run_cli("check", str(site(BROKEN)), "--format", "markdown")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "<!-- coherence-report -->"
    assert lines[1].startswith("### coherence: 2 errors")
    rows = [line for line in lines if line.startswith("| 🔴")]
    assert len(rows) == 2
    for row in rows:  # every row has exactly four cells: pipes inside values are escaped
        assert len(row.replace("\\|", "").split("|")) == 6
    assert "<b>" not in result.stdout and "&lt;b&gt;" in result.stdout
    assert "<details><summary>1 waived or settled</summary>" in result.stdout
    clean = run_cli("check", str(REPO), "--format", "markdown")
    assert clean.returncode == 0 and "no findings" in clean.stdout


# --- graph -----------------------------------------------------------------------------------

GRAPHED = {
    "docs/contracts/profile.md": "---\nversion: '2.0.0'\nstatus: active\n---\n# Profile \"v2\" [x] #1 <b>\n",
    "docs/intents/a.md": "---\nstatus: draft\nuses: [profile@2]\n---\n# A\n",
    "docs/intents/far.md": "---\nstatus: draft\ndepends_on: [a]\n---\n# Far\n",
    "decisions/0001-x.md": "---\nstatus: accepted\ndate: 2026-01-31\n---\n# 1. X\n",
}


def test_graph_json_gives_every_node_id_kind_path_title_status_and_date(site):
    result = run_cli("graph", str(site(GRAPHED)), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    schema = json.loads((REPO / "plugin" / "mkdocs_coherence" / "schemas" / "graph.schema.json").read_text())
    jsonschema.validate(data, schema)  # the shape of the site's graph.json
    nodes = {n["id"]: n for n in data["nodes"]}
    assert {key: nodes["ADR-0001"][key] for key in ("id", "kind", "path", "title", "status", "date")} == {
        "id": "ADR-0001", "kind": "decision", "path": "decisions/0001-x.md", "title": "1. X", "status": "accepted",
        "date": "2026-01-31"}
    assert nodes["a"]["date"] is None and nodes["a"]["url"] is None
    assert nodes["profile"]["path"] == "docs/contracts/profile.md"
    assert {(e["source"], e["target"], e["type"]) for e in data["edges"]} == {("a", "profile", "uses"),
                                                                            ("far", "a", "depends_on")}


def test_graph_around_a_node_keeps_only_its_neighbourhood(site):
    project = site(GRAPHED)
    one = json.loads(run_cli("graph", str(project), "--format", "json", "--around", "profile").stdout)
    assert {n["id"] for n in one["nodes"]} == {"profile", "a"}
    two = json.loads(run_cli("graph", str(project), "--format", "json", "--around", "profile", "--depth", "2").stdout)
    assert {n["id"] for n in two["nodes"]} == {"profile", "a", "far"}


def test_mermaid_and_dot_labels_are_escaped(site):
    project = site(GRAPHED)
    mermaid = run_cli("graph", str(project), "--format", "mermaid").stdout
    assert mermaid.startswith("flowchart LR\n")
    label = next(line for line in mermaid.splitlines() if "Profile" in line)
    assert '"v2"' not in label and "#34;v2#34;" in label and "#91;x#93;" in label and "#60;b#62;" in label
    assert label.count('"') == 2  # only the quotes that delimit the label
    dot = run_cli("graph", str(project), "--format", "dot").stdout
    assert dot.startswith("digraph coherence {") and dot.rstrip().endswith("}")
    assert 'label="profile: Profile \\"v2\\" [x] #1 <b> · active"' in dot
    assert '"a" -> "profile" [label="uses @2"];' in dot
