"""The pull-request workflow on real git repositories (issue 17): `impact` with double links,
`check --base --new-only` against what the base itself reports, SARIF from a shallow clone,
paths relative to the repository top level, `coherence` alone, `check` from a subfolder."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import jsonschema

from conftest import check_json, run_cli
from gitrepo import Repo, git

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
MKDOCS = "site_name: x\nplugins:\n  - coherence\n"
PROFILE_V1 = dedent("""\
    ---
    kind: contract
    status: active
    version: 1.0.0
    defines:
      profile.edit_mode: inline
    ---
    # Customer profile
    """)
PROFILE_V2 = PROFILE_V1.replace("version: 1.0.0", "version: 2.0.0").replace("inline", "modal")
EDIT_PROFILE = dedent("""\
    ---
    kind: intent
    status: active
    uses: [customer-profile@1]
    assumes:
      profile.edit_mode: inline
    success:
      - {metric: edits, target: ">= 10%"}
    ---
    # Edit profile
    """)


def test_impact_with_a_document_that_uses_and_assumes_one_changed_contract(tmp_path):
    """Two edges from one document to the changed contract (`uses` + the derived `assumes`
    edge, the README's own pattern) once crashed the sort of edges; it lists the dependent once."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", {"mkdocs.yml": MKDOCS,
                                         "docs/contracts/customer-profile.md": PROFILE_V1,
                                         "docs/intents/edit-profile.md": EDIT_PROFILE,
                                         "docs/intents/other.md": EDIT_PROFILE.replace("Edit profile", "Other")})
    git(repo.root, "tag", "base")
    git(repo.root, "checkout", "-qb", "pr")
    repo.commit("2026-02-01", "v2", {"docs/contracts/customer-profile.md": PROFILE_V2})
    result = run_cli("impact", str(repo.root), "--base", "base")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    out = result.stdout
    assert "**material**: version 1.0.0 → 2.0.0" in out, out
    assert out.count("edit-profile → customer-profile (1 hop)") == 1, out
    assert out.count("other → customer-profile (1 hop)") == 1, out
    assert "2 documents depending on what changed materially" in out, out


# --- SARIF and annotations: a location on every result, paths from the repository top level --

HANDBOOK = {  # mkdocs.yml in a subfolder of the repository, one version mismatch, one waived key
    "README.md": "# Repository\n",
    "handbook/mkdocs.yml": MKDOCS,
    "handbook/docs/index.md": "# Home\n",
    "handbook/docs/contracts/customer-profile.md": PROFILE_V2,
    "handbook/docs/intents/edit-profile.md": EDIT_PROFILE.replace("status: active\n", "status: active\n"
                                                                 "colour: red\nignore: [unknown-key]\n"),
}


def _sarif(project: Path) -> dict:
    result = run_cli("check", str(project), "--format", "sarif")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(log)
    return log


def test_sarif_from_a_shallow_clone_has_a_location_on_every_result(tmp_path):
    """actions/checkout is shallow: the `shallow-history` finding (about the whole tree) once had
    `"locations": []` and code scanning refused the whole file. It points at mkdocs.yml now."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", HANDBOOK)
    repo.commit("2026-01-11", "more", {"handbook/docs/more.md": "# More\n"})
    clone = repo.shallow_clone(tmp_path / "clone")
    run = _sarif(clone / "handbook")["runs"][0]
    results = run["results"]
    assert {r["ruleId"] for r in results} >= {"shallow-history", "version-mismatch", "unknown-key"}
    for result in results:
        assert len(result["locations"]) == 1, result
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "SRCROOT"
    uri = {r["ruleId"]: r["locations"][0]["physicalLocation"] for r in results}
    assert uri["shallow-history"] == {"artifactLocation": {"uri": "handbook/mkdocs.yml", "uriBaseId": "SRCROOT"}}
    assert uri["version-mismatch"]["artifactLocation"]["uri"] == "handbook/docs/intents/edit-profile.md"
    assert uri["version-mismatch"]["region"] == {"startLine": 6}
    assert uri["unknown-key"]["artifactLocation"]["uri"] == "handbook/docs/intents/edit-profile.md"
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == clone.resolve().as_uri() + "/"


def test_github_annotations_from_a_subfolder_project_name_files_from_the_top_level(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", HANDBOOK)
    result = run_cli("check", str(repo.root / "handbook"), "--format", "github")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("::error file=handbook/docs/intents/edit-profile.md,line=6,"
                               "title=coherence version-mismatch::") for line in lines), lines
    assert all("file=handbook/" in line for line in lines), lines
    # Full history: no shallow-history finding, and a project at the top level keeps its paths.
    assert not any("shallow-history" in line for line in lines)
    top = Repo(tmp_path / "top")
    top.commit("2026-01-10", "start", {k.removeprefix("handbook/"): v for k, v in HANDBOOK.items()})
    result = run_cli("check", str(top.root), "--format", "github")
    assert "::error file=docs/intents/edit-profile.md,line=6," in result.stdout, result.stdout


def test_sarif_rules_carry_their_own_help_and_a_link_to_their_tier(tmp_path):
    from mkdocs_coherence.check import check
    from mkdocs_coherence.cli.ci_formats import sarif_log
    from mkdocs_coherence.cli.output import Places
    from mkdocs_coherence.core.config import read_mkdocs_yml
    from mkdocs_coherence.rules.catalogue import RULES

    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", HANDBOOK)
    settings = read_mkdocs_yml(repo.root / "handbook" / "mkdocs.yml", RULES)
    log = sarif_log(check(settings), Places.of(settings), "https://docs.example.org/coherence")
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(log)
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == set(RULES)
    mismatch = rules["version-mismatch"]
    assert mismatch["helpUri"] == "https://docs.example.org/coherence/reference/rules/#contract"
    assert "What to do: move the document to the contract's current major version" in mismatch["help"]["text"]
    assert len({rule["help"]["text"] for rule in rules.values()}) == len(rules)  # one help per rule
    assert "helpUri" not in sarif_log(check(settings), Places.of(settings), None)["runs"][0]["tool"]["driver"]["rules"][0]


# --- check --base REV --new-only: compared with what the base itself reports ----------------

# What a pull request adds: an intent pinning a major version the contract does not have.
MISMATCHED_INTENT = "---\nkind: intent\nstatus: draft\nuses: [customer-profile@3]\n---\n# Checkout\n"


def _history_repo(root: Path) -> Repo:
    """A base whose findings come from git history: the intent was last committed before the
    contract changed what it defines, so it is stale (`reviewed` defaults to its last commit)."""
    repo = Repo(root)
    repo.commit("2026-01-10", "start", {"mkdocs.yml": MKDOCS, "docs/index.md": "# Home\n",
                                         "docs/contracts/customer-profile.md": PROFILE_V1,
                                         "docs/intents/edit-profile.md": EDIT_PROFILE.replace(
                                             "  profile.edit_mode: inline\n", "  profile.theme: dark\n")})
    repo.commit("2026-02-01", "contract grows", {"docs/contracts/customer-profile.md": PROFILE_V1.replace(
        "version: 1.0.0", "version: 1.1.0").replace("inline\n", "inline\n  profile.theme: dark\n")})
    git(repo.root, "checkout", "-qb", "pr")
    return repo


def _rules(report: dict) -> list[tuple[str, str]]:
    return [(f["rule"], f["path"]) for f in report["findings"]]


def test_a_pull_request_that_changes_nothing_reports_nothing_new(tmp_path):
    repo = _history_repo(tmp_path / "repo")
    code, everything = check_json(repo.root, "--base", "main")
    assert ("stale-dependency", "docs/intents/edit-profile.md") in _rules(everything), everything  # from history
    repo.commit("2026-03-01", "prose only", {"docs/index.md": "# Home\n\nMore words.\n"})
    code, fresh = check_json(repo.root, "--base", "main", "--new-only")
    assert code == 0 and fresh["findings"] == [] and fresh["waived"] == [], fresh
    assert not (repo.root.parent / "worktrees").exists()
    assert git(repo.root, "worktree", "list").count("\n") == 1  # the base's work tree is gone


def test_a_pull_request_that_adds_one_version_mismatch_reports_exactly_that_one(tmp_path):
    repo = _history_repo(tmp_path / "repo")
    repo.commit("2026-03-01", "new intent", {"docs/intents/checkout.md": MISMATCHED_INTENT})
    code, fresh = check_json(repo.root, "--base", "main", "--new-only")
    assert code == 1 and _rules(fresh) == [("version-mismatch", "docs/intents/checkout.md")], fresh
    result = run_cli("check", str(repo.root), "--base", "nope", "--new-only")
    assert result.returncode == 2 and "nope" in result.stderr and "Traceback" not in result.stderr


def test_new_only_matches_findings_by_rule_file_and_documents_not_by_wording(tmp_path):
    """The contract moves to 3.0.0 on the branch: the intent's version mismatch (which said 2.0.0
    on the base) is the same finding with new words, not a new one."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", {"mkdocs.yml": MKDOCS, "docs/contracts/customer-profile.md": PROFILE_V2,
                                         "docs/intents/edit-profile.md": EDIT_PROFILE.replace("inline", "modal")})
    git(repo.root, "checkout", "-qb", "pr")
    repo.commit("2026-01-11", "v3", {"docs/contracts/customer-profile.md": PROFILE_V2.replace("2.0.0", "3.0.0")})
    _, everything = check_json(repo.root, "--base", "main")
    assert ("version-mismatch", "docs/intents/edit-profile.md") in _rules(everything)
    _, fresh = check_json(repo.root, "--base", "main", "--new-only")
    assert ("version-mismatch", "docs/intents/edit-profile.md") not in _rules(fresh), fresh


# --- `coherence` alone, `check` from a subfolder ------------------------------------------

def test_coherence_alone_lists_the_commands_and_what_each_does(tmp_path):
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    for command, words in (("check", "report findings"), ("impact", "what a change set touches"),
                           ("renumber", "ADR"), ("review", "record a review")):
        assert any(line.split()[:1] == [command] and words in line for line in result.stdout.splitlines()), \
            result.stdout


def test_check_from_a_subfolder_finds_mkdocs_yml_upward_within_the_repository(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", HANDBOOK)
    deep = repo.root / "handbook" / "docs" / "intents"
    result = run_cli("check", "--format", "json", cwd=deep)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    report = json.loads(result.stdout)
    assert ("version-mismatch", "docs/intents/edit-profile.md") in _rules(report)  # paths as from mkdocs.yml
    # Not above the repository: a mkdocs.yml outside it is never picked up.
    (tmp_path / "mkdocs.yml").write_text(MKDOCS)
    result = run_cli("check", cwd=repo.root)
    assert result.returncode == 2 and "no mkdocs.yml in" in result.stderr and "Traceback" not in result.stderr
    # Outside git, the folder itself only.
    (tmp_path / "plain" / "sub").mkdir(parents=True)
    (tmp_path / "plain" / "mkdocs.yml").write_text(MKDOCS)
    result = run_cli("check", cwd=tmp_path / "plain" / "sub")
    assert result.returncode == 2 and "no mkdocs.yml in" in result.stderr


# --- --strict: one notion for `coherence check` and `mkdocs build` --------------------------

def _build_fails(project: Path, strict: bool) -> bool:
    from conftest import build

    try:
        build(project, strict=strict)
    except Exception:  # MkDocs' Abort (strict warnings) or the plugin's PluginError (fail_on)
        return True
    return False


def test_check_and_build_agree_on_what_fails(tmp_path):
    """A tree with one warning: both pass; both fail with --strict; both fail with fail_on: warning.
    `fail_on: never` is for the build alone. The CI recipe runs `coherence check --strict` with
    `mkdocs build --strict`."""
    warning_only = {"docs/index.md": "# Home\n",
                    "docs/intents/typo.md": "---\nstatus: draft\ncolour: red\n---\n# Typo\n"}
    plain = tmp_path / "plain"
    Repo(plain).commit("2026-01-10", "start", {"mkdocs.yml": MKDOCS, **warning_only})
    assert run_cli("check", str(plain)).returncode == 0 and not _build_fails(plain, strict=False)
    assert run_cli("check", str(plain), "--strict").returncode == 1 and _build_fails(plain, strict=True)
    strict = tmp_path / "strict"
    Repo(strict).commit("2026-01-10", "start", {
        "mkdocs.yml": "site_name: x\nplugins:\n  - coherence:\n      fail_on: warning\n", **warning_only})
    assert run_cli("check", str(strict)).returncode == 1 and _build_fails(strict, strict=False)
    never = tmp_path / "never"
    Repo(never).commit("2026-01-10", "start", {
        "mkdocs.yml": "site_name: x\nplugins:\n  - coherence:\n      fail_on: never\n", "docs/index.md": "# Home\n",
        "docs/intents/a.md": "---\nstatus: draft\nuses: [nope]\n---\n# A\n"})
    # `fail_on: never` lets the site publish a broken tree; the check still fails CI on the error.
    assert run_cli("check", str(never)).returncode == 1 and not _build_fails(never, strict=False)
    unreadable = never / "docs" / "intents" / "latin1.md"
    unreadable.write_bytes(b"---\nstatus: active\n---\n# Caf\xe9\n")
    result = run_cli("check", str(never), "--format", "json")
    assert result.returncode == 2, result.stdout  # unknown is never clean, whatever fail_on says


# --- `coherence renumber` with no file: every clash, the later-merged file moves ------------

def _adr(number: int, title: str, extra: str = "", body: str = "") -> str:
    return f"---\nstatus: accepted\n{extra}---\n# {number}. {title}\n\n## Considered options\n\n- one\n- two\n{body}"


def test_renumber_alone_fixes_every_clash_after_two_branches_merge(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", {"mkdocs.yml": MKDOCS, "docs/index.md": "# Home\n",
                                         "decisions/0001-record.md": _adr(1, "Record decisions")})
    git(repo.root, "checkout", "-qb", "payments")
    repo.commit("2026-01-11", "kafka", {"decisions/0002-kafka.md": _adr(2, "Use Kafka"),
                                         "decisions/0003-topics.md": _adr(3, "Topics", "depends_on: [ADR-0002]\n")})
    git(repo.root, "checkout", "-q", "main")
    git(repo.root, "checkout", "-qb", "search")
    repo.commit("2026-01-12", "rabbit", {
        "decisions/0002-rabbit.md": _adr(2, "Use RabbitMQ"),
        "decisions/0003-queues.md": _adr(3, "Queues", "depends_on: [ADR-0002]\n",
                                         "\nBuilds on [RabbitMQ](0002-rabbit.md).\n")})
    git(repo.root, "checkout", "-q", "main")
    git(repo.root, "merge", "-q", "--no-ff", "payments", "-m", "merge payments", when="2026-01-13")
    git(repo.root, "merge", "-q", "--no-ff", "search", "-m", "merge search", when="2026-01-14")
    code, report = check_json(repo.root)
    assert code == 1 and {f["rule"] for f in report["findings"]} == {"duplicate-id"}
    before = {p.name: p.read_bytes() for p in (repo.root / "decisions").iterdir()}

    dry = run_cli("renumber", "--dry-run", cwd=repo.root)
    assert dry.returncode == 0, dry.stderr
    assert "would rename decisions/0002-rabbit.md -> decisions/0004-rabbit.md" in dry.stdout, dry.stdout
    assert "would rename decisions/0003-queues.md -> decisions/0005-queues.md" in dry.stdout
    assert "+depends_on: [ADR-0004]" in dry.stdout and "+Builds on [RabbitMQ](0004-rabbit.md)." in dry.stdout
    assert {p.name: p.read_bytes() for p in (repo.root / "decisions").iterdir()} == before  # nothing written

    done = run_cli("renumber", cwd=repo.root)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    names = sorted(p.name for p in (repo.root / "decisions").iterdir())
    assert names == ["0001-record.md", "0002-kafka.md", "0003-topics.md", "0004-rabbit.md", "0005-queues.md"]
    queues = (repo.root / "decisions" / "0005-queues.md").read_text()
    assert "# 5. Queues" in queues and "depends_on: [ADR-0004]" in queues and "(0004-rabbit.md)" in queues
    assert "depends_on: [ADR-0002]" in (repo.root / "decisions" / "0003-topics.md").read_text()  # kept its side
    assert check_json(repo.root) == (0, check_json(repo.root)[1]) and check_json(repo.root)[1]["findings"] == []
    again = run_cli("renumber", cwd=repo.root)
    assert again.returncode == 0 and "nothing to renumber" in again.stdout


def test_renumber_alone_outside_git_says_which_file_to_name(tmp_path):
    from conftest import write_tree

    project = write_tree(tmp_path / "p", {"mkdocs.yml": MKDOCS, "decisions/0002-a.md": _adr(2, "A"),
                                          "decisions/0002-b.md": _adr(2, "B")})
    result = run_cli("renumber", cwd=project)
    assert result.returncode == 2 and "renumber one by name" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in (project / "decisions").iterdir()) == ["0002-a.md", "0002-b.md"]


def test_the_pre_commit_hook_with_args_checks_a_subfolder_project(tmp_path):
    """pre-commit runs `entry` + `args` from the repository top level (pass_filenames: false)."""
    import shlex

    import yaml

    from conftest import REPO

    hooks = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", HANDBOOK)
    for hook_id, expected in (("coherence-check", 1), ("coherence-check-strict", 1)):
        hook = hooks[hook_id]
        assert hook["pass_filenames"] is False
        argv = shlex.split(hook["entry"])[1:] + ["handbook"]  # `coherence` is the installed script
        result = run_cli(*argv, cwd=repo.root)
        assert result.returncode == expected and "version-mismatch" in result.stdout, (hook_id, result.stderr)
    documented = (REPO / "docs" / "adopting.md").read_text()
    assert "args: [handbook]" in documented


# --- the GitHub Action's scripts and the GitLab job, run with the commands they call ---------

def _bash(script: str, cwd: Path, env: dict[str, str]):
    import os
    import subprocess
    import sys

    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"  # `coherence` of this venv
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PATH": path, **env})


def test_the_github_action_scripts_annotate_report_and_comment(tmp_path):
    import yaml

    from conftest import REPO

    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = {step["name"]: step for step in action["runs"]["steps"]}
    for step in steps.values():  # inputs reach scripts through env only: the scripts run as they are here
        assert "${{" not in step.get("run", ""), step["name"]
    repo = _history_repo(tmp_path / "repo")
    repo.commit("2026-03-01", "new intent", {"docs/intents/checkout.md": MISMATCHED_INTENT})
    out, outputs = tmp_path / "runner", tmp_path / "github_output"
    out.mkdir()
    env = {"COHERENCE_PATH": ".", "COHERENCE_BASE_REV": "main", "NEW_ONLY": "true", "STRICT": "false",
           "OUT": str(out), "GITHUB_OUTPUT": str(outputs)}
    reports = _bash(steps["Reports"]["run"], repo.root, env)
    assert reports.returncode == 0, reports.stderr
    log = json.loads((out / "coherence.sarif").read_text())
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(log)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["version-mismatch"]  # new only
    comment = (out / "coherence-comment.md").read_text()
    assert comment.startswith("<!-- coherence-report -->\n### coherence: 1 errors")  # the marker the update finds
    assert "## Coherence impact (against `main`)" in comment and "docs/intents/checkout.md" in comment
    assert f"comment={out}/coherence-comment.md" in outputs.read_text()
    assert '"body=@$BODY"' in steps["Comment on the pull request"]["run"]

    check = _bash(steps["Check"]["run"], repo.root, env)
    assert check.returncode == 1, check.stderr
    assert check.stdout.startswith("::error file=docs/intents/checkout.md,line=4,title=coherence version-mismatch::")
    assert check.stdout.count("::error") == 1 and "exit-code=1" in outputs.read_text()
    clean = _bash(steps["Check"]["run"], repo.root, {**env, "GITHUB_OUTPUT": str(tmp_path / "o2"),
                                                     "COHERENCE_BASE_REV": "HEAD"})
    assert clean.returncode == 0 and "exit-code=0" in (tmp_path / "o2").read_text(), clean.stderr


def test_the_documented_gitlab_job_writes_a_code_quality_report(tmp_path):
    import re

    import yaml

    from conftest import REPO

    adopting = (REPO / "docs" / "adopting.md").read_text()
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", adopting, re.S) if b.startswith("# .gitlab-ci.yml"))
    job = yaml.safe_load(block)["coherence"]
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", HANDBOOK)
    project = repo.root / "handbook"
    script = "\n".join(line for line in job["script"] if not line.startswith("pip install"))
    result = _bash(script, project, {})
    assert result.returncode == 1 and "version-mismatch" in result.stdout, result.stderr  # --strict fails the job
    issues = json.loads((project / "gl-code-quality-report.json").read_text())
    where = "handbook/docs/intents/edit-profile.md"
    assert sorted((i["check_name"], i["severity"], i["location"]["path"], i["location"]["lines"]["begin"])
                  for i in issues) == [("assumption-violated", "major", where, 8), ("version-mismatch", "major", where, 6)]
    assert all(len(i["fingerprint"]) == 32 and "customer-profile" in i["description"] for i in issues)
    assert "unknown-key" not in {i["check_name"] for i in issues}  # waived: not an issue
