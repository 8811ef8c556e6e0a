"""Never "clean" without reading (issue 15, items 5, 8, 10, 11): configured folders that are
missing, misspelt, unreadable, skipped or linked out are exit 2 with the reason; folders linked
inside the repository are read; the configuration file has limits; `mkdocs serve` keeps
watching `decisions/` after it is renamed away and back."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import logging

import pytest
from mkdocs.exceptions import Abort

from conftest import build, check_json, mkdocs_serve, mkdocs_yml, run_cli, wait_for, write_tree

INTENT = "---\nkind: intent\nstatus: draft\nowners: [web]\n---\n# {title}\n"
ADR = "---\nstatus: accepted\nalternatives: [none]\n---\n# 1. Use Postgres\n"


def four_intents(root: Path, folder: str = "docs/intents") -> None:
    write_tree(root, {f"{folder}/{name}.md": INTENT.format(title=name.title()) for name in ("a", "b", "c", "d")})


def project(tmp_path: Path, options: str = "", files: dict | None = None) -> Path:
    root = write_tree(tmp_path / "project", {"mkdocs.yml": mkdocs_yml("mkdocs", options), "docs/index.md": "# Home\n",
                                             **(files or {})})
    return root


def messages(report: dict) -> str:
    return " | ".join(f"{f['path']}:{f['line']}: {f['message']}" for f in report["findings"])


# --- configured folders must exist; the defaults need not -----------------------------------


def build_failure(root: Path, caplog) -> str:
    """Build, expect MkDocs to abort, and return what was logged at error level."""
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        build(root)
    return "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)


def test_misspelt_configured_folders_are_exit_2_naming_the_option_with_a_suggestion(tmp_path, caplog):
    root = project(tmp_path, "folders:\n  decision: decision\n  docs/intent: intent\n",
                   {"decisions/0001-use-postgres.md": ADR})
    four_intents(root)
    code, report = check_json(root)
    assert code == 2, messages(report)
    text = messages(report)
    assert "option 'folders': folder 'decision' does not exist (did you mean 'decisions'?)" in text
    assert "option 'folders': folder 'docs/intent' does not exist (did you mean 'docs/intents'?)" in text
    # The finding points at the line of mkdocs.yml that names the folder.
    lines = (root / "mkdocs.yml").read_text().splitlines()
    assert {f["path"] for f in report["findings"]} == {"mkdocs.yml"}
    assert {lines[f["line"] - 1].strip() for f in report["findings"]} == {"decision: decision", "docs/intent: intent"}
    assert report["incomplete"] is True and report["summary"]["unreadable"] == 2

    text_run = run_cli("check", str(root))
    assert text_run.returncode == 2 and "INCOMPLETE" in text_run.stdout and "did you mean 'decisions'" in text_run.stdout

    failure = build_failure(root, caplog)  # the build fails where the check says 2
    assert "INCOMPLETE: not read: decision, docs/intent" in failure and "did you mean 'decisions'" in failure

    (root / "mkdocs.yml").write_text(mkdocs_yml("mkdocs", "folders:\n  decisions: decision\n  docs/intents: intent\n"))
    code, report = check_json(root)
    assert code == 0 and report["incomplete"] is False and report["summary"]["unreadable"] == 0
    assert report["summary"]["documents"] == 5
    build(root)


def test_missing_default_folders_are_fine_and_an_empty_configured_folder_is_read(tmp_path):
    root = project(tmp_path)  # no decisions/, docs/intents, docs/contracts at all
    code, report = check_json(root)
    assert (code, report["findings"], report["incomplete"]) == (0, [], False)
    build(root)

    root = project(tmp_path / "2", "folders:\n  adr: decision\n", {"adr/README.md": "# Decisions\n"})
    code, report = check_json(root)
    assert (code, report["findings"], report["incomplete"]) == (0, [], False)


def test_a_configured_path_that_is_a_file_or_hidden_is_exit_2(tmp_path):
    root = project(tmp_path, "folders:\n  notes.txt: decision\n  docs/.adr: decision\n",
                   {"notes.txt": "x\n", "docs/.adr/0001-use-postgres.md": ADR})
    code, report = check_json(root)
    assert code == 2
    assert "folder 'notes.txt' is not a folder" in messages(report)
    assert "folder 'docs/.adr' is skipped: a folder whose name starts with '.'" in messages(report)


def test_docs_dir_pointing_nowhere_is_exit_2_like_the_build(tmp_path):
    root = project(tmp_path)
    four_intents(root)
    (root / "mkdocs.yml").write_text("docs_dir: documents\n" + mkdocs_yml())
    code, report = check_json(root)
    assert code == 2 and report["incomplete"] is True
    assert "docs_dir 'documents' does not exist (did you mean 'docs'?)" in messages(report)
    assert report["findings"][0]["path"] == "mkdocs.yml" and report["findings"][0]["line"] == 1
    with pytest.raises(Abort, match="configuration error"):
        build(root)  # MkDocs refuses it too


# --- links to folders -------------------------------------------------------------------------


def test_a_folder_linked_inside_the_repository_is_read_and_published_with_panels(tmp_path):
    root = project(tmp_path)
    four_intents(root, "shared/intents")
    os.symlink(root / "shared" / "intents", root / "docs" / "intents")
    code, report = check_json(root)
    assert code == 0, messages(report)
    assert report["summary"]["documents"] == 4
    site_dir = build(root)
    for name in ("a", "b", "c", "d"):
        assert "coherence-panel" in (site_dir / "intents" / name / "index.html").read_text()


def test_a_folder_reached_twice_is_read_once(tmp_path):
    root = project(tmp_path)
    four_intents(root, "docs/archive/intents")
    os.symlink(root / "docs" / "archive" / "intents", root / "docs" / "intents")
    os.symlink(root / "docs", root / "docs" / "archive" / "loop")  # a loop ends
    code, report = check_json(root)
    assert code == 0, messages(report)  # no duplicate-id: one document per file
    assert report["summary"]["documents"] == 4


def test_a_folder_linked_out_of_the_repository_is_exit_2_and_not_read(tmp_path):
    outside = write_tree(tmp_path / "outside", {"intents/secret.md": INTENT.format(title="Secret")})
    root = project(tmp_path)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    os.symlink(outside / "intents", root / "docs" / "intents")
    code, report = check_json(root)
    assert code == 2 and report["summary"]["documents"] == 0
    assert "docs/intents:None: folder is a symbolic link to a folder outside the repository" in messages(report)
    assert "Secret" not in str(report)


# --- an unreadable folder, as a user who cannot read it ----------------------------------------


def _as_nobody() -> list[str] | None:
    """The command prefix that runs a process that file permissions apply to, or None where the
    machine does not allow it. First root without the two capabilities that let it read any
    file (so this Python, wherever it lives, still runs), else the user `nobody`."""
    if os.geteuid() != 0:
        return None
    for prefix in (["setpriv", "--bounding-set=-dac_override,-dac_read_search",
                    "--inh-caps=-dac_override,-dac_read_search"],
                   ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"],
                   ["runuser", "-u", "nobody", "--"]):
        if shutil.which(prefix[0]) is None:
            continue
        probe = subprocess.run([*prefix, sys.executable, "-c", "import mkdocs_coherence"], capture_output=True)
        if probe.returncode == 0:
            return prefix
    return None


def test_an_unreadable_folder_is_exit_2_for_a_user_who_cannot_read_it():
    prefix = _as_nobody()
    if prefix is None:
        pytest.skip("needs root and setpriv (or runuser) to run the check without the right to read every "
                    "file; otherwise root itself reads a folder of mode 000")
    base = Path(tempfile.mkdtemp(prefix="coherence-unread-"))  # tmp_path is private to root
    try:
        os.chmod(base, 0o755)
        root = write_tree(base / "project", {"mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n"})
        four_intents(root)
        for folder, _, files in os.walk(base):
            os.chmod(folder, 0o755)
            for name in files:
                os.chmod(Path(folder, name), 0o644)

        def check_as_nobody() -> tuple[int, str]:
            result = subprocess.run([*prefix, sys.executable, "-m", "mkdocs_coherence", "check", str(root),
                                     "--format", "json"], capture_output=True, text=True, timeout=120)
            assert "Traceback" not in result.stderr, result.stderr
            return result.returncode, result.stdout

        assert check_as_nobody()[0] == 0  # readable: clean (the test itself works)
        os.chmod(root / "docs" / "intents", 0o000)
        code, out = check_as_nobody()
        assert code == 2, out
        assert '"incomplete": true' in out and '"unreadable": 1' in out
        assert "docs/intents" in out and "cannot be read (Permission denied)" in out
    finally:
        for folder, _, _ in os.walk(base):
            os.chmod(folder, 0o755)
        (base / "project" / "docs" / "intents").exists() and os.chmod(base / "project" / "docs" / "intents", 0o755)
        shutil.rmtree(base, ignore_errors=True)


# --- the configuration file --------------------------------------------------------------------


def config_error(*args: str) -> tuple[int, str, dict]:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "mkdocs_coherence", "check", *args, "--format", "json"],
                            capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < 30
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    import json

    return result.returncode, result.stderr, json.loads(result.stdout)


def test_the_config_file_has_limits(tmp_path):
    root = project(tmp_path)
    code, err, data = config_error(str(root), "--config", "/dev/zero")
    assert code == 2 and "/dev/zero is not a regular file" in err
    assert data["incomplete"] is True and data["summary"]["unreadable"] == 1 and data["findings"] == []

    os.mkfifo(root / "fifo.yml")  # nobody writes: reading it would hang
    code, err, _ = config_error(str(root), "--config", str(root / "fifo.yml"))
    assert code == 2 and "fifo.yml is not a regular file" in err

    cases = {
        "huge.yml": "site_name: x\nnotes: '" + "x" * 2_100_000 + "'\n",
        "many.yml": "".join(f"k{i}: {i}\n" for i in range(210_000))[:1_990_000] + "site_name: x\n",
        "deep.yml": "site_name: x\nnav: " + "[" * 100_000 + "]" * 100_000 + "\n",  # libyaml's composer would crash
        "bomb.yml": "site_name: x\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
                    + "".join(f"b{i}: &b{i} [{', '.join(['*' + ('a' if i == 0 else f'b{i - 1}')] * 10)}]\n" for i in range(9)),
        "inherits.yml": "INHERIT: /dev/zero\nsite_name: x\n",
    }
    expected = {"huge.yml": "larger than 2,000,000 bytes", "many.yml": "more than 200,000 values",
                "deep.yml": "more than 64 levels deep", "bomb.yml": "alias bomb",
                "inherits.yml": "/dev/zero is not a regular file"}
    for name, text in cases.items():
        (root / name).write_text(text)
        code, err, data = config_error(str(root), "--config", str(root / name))
        assert code == 2 and expected[name] in err, (name, err)
        assert data["incomplete"] is True and data["error"] in err

    # The silent case: a real configuration with aliases, !ENV and INHERIT reads as before.
    (root / "base.yml").write_text("site_name: Base\ntheme: mkdocs\nextra: &shared {a: 1}\nmore: *shared\n")
    (root / "mkdocs.yml").write_text("INHERIT: base.yml\nsite_name: !ENV [NO_SUCH_VARIABLE, Test]\n"
                                     "plugins:\n  - coherence:\n      fail_on: error\n")
    code, err, data = config_error(str(root))
    assert code == 0 and data["incomplete"] is False, err


def test_a_nul_in_a_folder_name_is_a_config_error_naming_the_option(tmp_path, caplog):
    root = project(tmp_path, 'folders:\n  "a\\0b": intent\n')
    code, err, data = config_error(str(root))
    assert code == 2 and "option 'folders'" in err and "control character" in err
    assert "option 'folders'" in build_failure(root, caplog) and "internal error" not in caplog.text
    (root / "mkdocs.yml").write_text(mkdocs_yml("mkdocs", "folders:\n  decisions: decison\n"))
    code, err, data = config_error(str(root))
    assert code == 2 and "maps to 'decison' (did you mean 'decision'?)" in err


# --- serve: decisions/ renamed away and back ------------------------------------------------------


def test_serve_keeps_watching_decisions_after_it_is_renamed_away_and_back(tmp_path):
    root = project(tmp_path, files={"decisions/0001-use-postgres.md": ADR})
    decisions = root / "decisions"
    with mkdocs_serve(root) as served:
        url = served.base + "decisions/0001-use-postgres/"
        deadline = time.monotonic() + 120
        assert "coherence-status--accepted" in wait_for(url, lambda h: "coherence-status--accepted" in h, deadline)

        decisions.rename(root / "decisions-away")  # renamed away: the page goes
        assert "coherence-status" not in wait_for(url, lambda h: "coherence-status" not in h, deadline)
        (root / "decisions-away").rename(decisions)  # and back: the page returns without another edit
        assert "coherence-status--accepted" in wait_for(url, lambda h: "coherence-status--accepted" in h, deadline)
        adr = decisions / "0001-use-postgres.md"
        adr.write_text(ADR.replace("accepted", "rejected"))  # once: no poke, the watch must see it
        assert "coherence-status--rejected" in wait_for(url, lambda h: "coherence-status--rejected" in h, deadline)

        copy = root / "decisions-copy"  # replaced by a new folder (a checkout, a copy back)
        shutil.copytree(decisions, copy)
        shutil.rmtree(decisions)
        copy.rename(decisions)
        time.sleep(1)
        adr.write_text(ADR.replace("accepted", "deprecated"))
        assert "coherence-status--deprecated" in wait_for(url, lambda h: "coherence-status--deprecated" in h, deadline)
        assert served.process.poll() is None
    assert "Traceback" not in served.output
