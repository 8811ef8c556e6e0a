"""The history pass: one `git log`, one `git cat-file --batch`, a cache by blob id, committer
dates, first-parent merges, shallow and absent git; fingerprints and globs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import check_json, mkdocs_yml, write_tree
from gitrepo import Repo, git

REAL_GIT = shutil.which("git")


def contract(version: str, extra: str = "") -> str:
    return f"---\nversion: \"{version}\"\ndefines:\n  a.b: x\n{extra}---\n# C\n"


def counting_git(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A `git` first on PATH that logs its arguments, then runs the real git."""
    folder = tmp_path / "shim"
    folder.mkdir()
    log = tmp_path / "git-calls.log"
    script = folder / "git"
    script.write_text(f"#!/bin/sh\necho \"$*\" >> {log}\nexec {REAL_GIT} \"$@\"\n")
    script.chmod(0o755)
    env = {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}
    return env, log


def run_check(root: Path, env: dict[str, str]) -> dict:
    result = subprocess.run([sys.executable, "-m", "mkdocs_coherence", "check", str(root), "--format", "json"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout)


def calls(log: Path) -> list[str]:
    """The git subcommand of each call, with its arguments (global `-c x=y` options dropped)."""
    lines = log.read_text().splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    made = []
    for line in lines:
        words = line.split()
        while words and words[0].startswith("-"):
            words = words[2:] if words[0] == "-c" else words[1:]
        made.append(" ".join(words))
    return made


def test_one_git_log_and_one_cat_file_whatever_the_number_of_documents(tmp_path):
    repo = Repo(tmp_path / "repo")
    files = {"mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n", "docs/contracts/c.md": contract("1.0.0")}
    for i in range(40):
        files[f"docs/intents/i{i:02d}.md"] = f"---\nstatus: draft\nuses: [c]\n---\n# I{i}\n"
    repo.commit("2026-01-01", "start", files)
    for day in range(2, 22):  # 20 commits of prose and material changes
        repo.commit(f"2026-01-{day:02d}", f"day {day}", {
            "docs/contracts/c.md": contract(f"1.{day}.0") if day % 2 else contract("1.0.0") + f"prose {day}\n",
            f"docs/intents/i{day:02d}.md": f"---\nstatus: draft\nuses: [c]\n---\n# I{day}\n\nEdited.\n"})
    env, log = counting_git(tmp_path)

    first = run_check(repo.root, env)
    made = calls(log)
    assert sum(c.startswith("log ") for c in made) == 1
    assert sum(c.startswith("cat-file") for c in made) == 1
    assert len(made) <= 5, made  # rev-parse (2), log, cat-file: never one process per file
    assert any(f["rule"] == "stale-dependency" for f in first["findings"])

    cache = repo.root / ".cache" / "coherence" / "fingerprints-v1.json"
    entries = len(json.loads(cache.read_text())["entries"])
    second = run_check(repo.root, env)
    made = calls(log)
    assert not any(c.startswith("cat-file") for c in made), made  # everything came from the cache
    assert second == first

    data = json.loads(cache.read_text())
    data["entries"]["0" * 40 + ":contract"] = {"kind": "contract"}  # a blob no commit reaches (rebased away)
    cache.write_text(json.dumps(data))
    repo.commit("2026-02-01", "v2", {"docs/contracts/c.md": contract("2.0.0")})
    run_check(repo.root, env)
    assert sum(c.startswith("cat-file") for c in calls(log)) == 1  # only the new blob was read
    after = json.loads(cache.read_text())["entries"]
    assert "0" * 40 + ":contract" not in after  # pruned: the cache keeps what the history pass used
    assert len(after) <= entries + 1
    # The cache lives beside mkdocs.yml, outside docs_dir, and git never sees it.
    assert not (repo.root / "docs" / ".cache").exists()
    assert git(repo.root, "status", "--porcelain", "--untracked-files=all") == ""


def test_dates_are_committer_dates_and_merges_count_when_they_land(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-01", "start", {"mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n",
                                        "docs/contracts/c.md": contract("1.0.0"),
                                        "docs/intents/i.md": "---\nstatus: draft\nuses: [c]\nreviewed: 2026-01-15\n---\n# I\n"})
    git(repo.root, "checkout", "-q", "-b", "feature")
    repo.write({"docs/contracts/c.md": contract("2.0.0")})
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "v2 on a branch", when="2026-01-05")  # authored and committed before the review
    git(repo.root, "checkout", "-q", "main")
    git(repo.root, "merge", "-q", "--no-ff", "-m", "merge v2", "feature", when="2026-02-01")
    _, report = check_json(repo.root)
    [finding] = [f for f in report["findings"] if f["rule"] == "stale-dependency"]
    # On main the contract changed when the merge landed (2026-02-01), after the review.
    assert "changed materially on 2026-02-01" in finding["message"] and "version 1.0.0 → 2.0.0" in finding["message"]

    repo.commit("2026-03-01", "touch", {"docs/intents/i.md": "---\nstatus: draft\nuses: [c]\nreviewed: 2026-03-01\n---\n# I\n"})
    env = {"GIT_AUTHOR_DATE": "2020-01-01T00:00:00+00:00"}  # an old author date must not matter
    from mkdocs_coherence.core.config import read_mkdocs_yml
    from mkdocs_coherence.rules.catalogue import RULES
    from mkdocs_coherence.core.corpus import load_corpus
    from mkdocs_coherence.core.history import read_history

    repo.write({"docs/contracts/c.md": contract("3.0.0")})
    git(repo.root, "add", "-A")
    subprocess.run(["git", "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q", "-m", "v3"], cwd=repo.root,
                   env={**os.environ, **env, "GIT_COMMITTER_DATE": "2026-03-10T23:30:00-05:00"}, check=True)
    settings = read_mkdocs_yml(repo.root / "mkdocs.yml", RULES)
    corpus = load_corpus(settings)
    history = read_history(corpus, settings)
    change = history.material_change(next(d for d in corpus.documents if d.id == "c"))
    assert change.day.isoformat() == "2026-03-10"  # the committer's own calendar day
    assert change.commit.subject == "v3" and change.what == "version 2.0.0 → 3.0.0"


def test_states_absent_empty_shallow(tmp_path):
    from mkdocs_coherence.core.config import read_mkdocs_yml
    from mkdocs_coherence.rules.catalogue import RULES
    from mkdocs_coherence.core.corpus import load_corpus
    from mkdocs_coherence.core.history import read_history

    def state(root):
        settings = read_mkdocs_yml(root / "mkdocs.yml", RULES)
        history = read_history(load_corpus(settings), settings)
        return history.state, history.reason

    plain = write_tree(tmp_path / "plain", {"mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n"})
    assert state(plain) == ("absent", "the project is not in a git repository")
    empty = Repo(tmp_path / "empty")
    write_tree(empty.root, {"mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n"})
    assert state(empty.root) == ("absent", "the git repository has no commits yet")
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-01", "one", {"mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n"})
    repo.commit("2026-01-02", "two", {"docs/index.md": "# Home 2\n"})
    assert state(repo.root)[0] == "full"
    assert state(repo.shallow_clone(tmp_path / "clone"))[0] == "shallow"


def test_mkdocs_yml_in_a_subfolder_of_the_repository(tmp_path):
    repo = Repo(tmp_path / "repo")
    site = "site-src/"
    repo.commit("2026-01-01", "start", {
        site + "mkdocs.yml": mkdocs_yml(), site + "docs/index.md": "# Home\n", site + "docs/contracts/c.md": contract("1.0.0"),
        site + "docs/intents/i.md": "---\nstatus: draft\nuses: [c]\ngoverns: [../src/**]\nreviewed: 2026-01-02\n---\n# I\n",
        "src/x.py": "x = 1\n"})
    repo.commit("2026-01-05", "both", {site + "docs/contracts/c.md": contract("2.0.0"), "src/x.py": "x = 2\n"})
    _, report = check_json(repo.root / "site-src")
    rules = {f["rule"]: f for f in report["findings"]}
    assert "version 1.0.0 → 2.0.0" in rules["stale-dependency"]["message"]
    assert "src/x.py" in rules["stale-code"]["message"]


def test_prose_and_formatting_keep_the_fingerprint(tmp_path):
    from mkdocs_coherence.core.config import read_mkdocs_yml
    from mkdocs_coherence.rules.catalogue import RULES
    from mkdocs_coherence.core.corpus import load_corpus
    from mkdocs_coherence.core.fingerprints import describe, fingerprint, material

    def prints(text):
        root = write_tree(tmp_path / str(abs(hash(text))), {"mkdocs.yml": mkdocs_yml(), "docs/contracts/c.md": text})
        [document] = load_corpus(read_mkdocs_yml(root / "mkdocs.yml", RULES)).documents
        return fingerprint(document), material(document)

    a, ma = prints("---\nversion: '1.0.0'\nowners: [x]\ndefines:\n  s: [a, b]\ninvariants: [one  two]\n---\n# C\n")
    b, _ = prints("---\n# comment\ninvariants:\n  - one two\ndefines: {s: [b, a]}\nversion: \"1.0.0\"\n---\n# C\n\nProse.\n")
    c, mc = prints("---\nversion: '1.0.0'\ndefines:\n  s: [a]\n  t: 1\ninvariants: [one two]\n---\n# C\n")
    assert a == b and a != c
    assert a.startswith("v1:") and len(a) == 15 and int(a[3:], 16) >= 0
    assert describe(ma, mc) == "`s` lost `b`, `t` added"


@pytest.mark.parametrize("pattern, path, matches", [
    ("src/**/*.py", "src/a.py", True),
    ("src/**/*.py", "src/x/y/a.py", True),
    ("src/**/*.py", "srcx/a.py", False),
    ("src/**/*.py", "src/a.pyc", False),
    ("src/*.py", "src/x/a.py", False),
    ("src/payments", "src/payments/deep/file.go", True),
    ("src/payments", "src/payments-old/file.go", False),
    ("**/*.md", "a/b/c.md", True),
    ("**/*.md", "c.md", True),
    ("api/v[12]/*.yaml", "api/v2/spec.yaml", True),
    ("api/v[!12]/*.yaml", "api/v2/spec.yaml", False),
    ("src/**", "src/a/b", True),
])
def test_governs_globs(pattern, path, matches):
    from mkdocs_coherence.core.globs import glob_regex, literal_prefix

    assert bool(glob_regex(pattern).match(path)) is matches
    assert path.startswith(literal_prefix(pattern)) or not matches
