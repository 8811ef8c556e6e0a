"""Safe writes: `new`, `review`, `import` and `renumber` replace files in one step (a temporary
file, then a rename), never overwrite a file they were not asked to, keep modes, line endings
and links, and with `--dry-run` print the diff and touch nothing."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_coherence.edits.files import WriteRefused, atomic_write
from conftest import run_cli

CRLF_INTENT = (b"---\r\nkind: intent\r\nstatus: active\r\nuses: [customer-profile@2]\r\n"
               b"success: [{metric: m, target: '>= 1'}]\r\n---\r\n# Checkout\r\n\r\nBody.\r\n")
CONTRACT = "---\nkind: contract\nid: customer-profile\nversion: 2.0.0\n---\n# Customer profile\n"
MADR2_CRLF = (b"# 1. Use Postgres\r\n\r\n* Status: accepted\r\n* Date: 2024-01-02\r\n\r\n"
              b"## Context\r\n\r\nWe need a database.\r\n")


def run_exact(*args: str) -> subprocess.CompletedProcess:
    """The CLI with its output as written (no newline translation: a CRLF diff shows its \\r)."""
    result = subprocess.run([sys.executable, "-m", "mkdocs_coherence", *args], capture_output=True, timeout=120)
    return subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode(), result.stderr.decode())


def snapshot(root: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under root: content, mode, inode (a rename gives a new inode)."""
    result = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            info = path.stat()
            result[path.relative_to(root).as_posix()] = (path.read_bytes(), stat.S_IMODE(info.st_mode), info.st_ino)
    return result


def leftovers(root: Path) -> list[str]:
    return [p.name for p in root.rglob(".*.tmp")]


@pytest.fixture
def project(site):
    root = site({"docs/contracts/customer-profile.md": CONTRACT, "docs/intents/checkout.md": CRLF_INTENT,
                 "decisions/0001-use-postgres.md": MADR2_CRLF})
    for rel in ("docs/intents/checkout.md", "decisions/0001-use-postgres.md"):
        (root / rel).chmod(0o640)
    return root


def test_review_replaces_the_file_in_one_step_keeping_crlf_mode_and_links(project):
    target = project / "docs" / "intents" / "checkout.md"
    link = project / "docs" / "intents" / "checkout-link.md"
    before = snapshot(project)

    dry = run_exact("review", "checkout", str(project), "--date", "2026-02-01", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "+reviewed: 2026-02-01\r\n" in dry.stdout and "+stamps:" in dry.stdout
    assert snapshot(project) == before  # nothing written, not even a temporary file

    done = run_cli("review", "checkout", str(project), "--date", "2026-02-01")
    assert done.returncode == 0, done.stderr
    after = target.read_bytes()
    assert after.count(b"\n") == after.count(b"\r\n")  # CRLF stays CRLF
    assert b"reviewed: 2026-02-01\r\n" in after and after.endswith(b"---\r\n# Checkout\r\n\r\nBody.\r\n")
    info = target.stat()
    assert stat.S_IMODE(info.st_mode) == 0o640
    assert info.st_ino != before["docs/intents/checkout.md"][2]  # replaced by a rename, not rewritten in place
    assert leftovers(project) == []
    # A document reached through a link inside the repository stays a link.
    os.symlink("checkout.md", link)
    os.rename(target, project / "docs" / "intents" / "checkout-real.md")
    os.symlink("checkout-real.md", target)
    again = run_cli("review", "checkout", str(project), "--date", "2026-03-01")
    assert again.returncode == 0, again.stderr
    assert target.is_symlink() and b"reviewed: 2026-03-01\r\n" in (project / "docs/intents/checkout-real.md").read_bytes()


def test_import_dry_run_prints_the_diff_and_the_write_keeps_crlf_and_mode(project):
    record = project / "decisions" / "0001-use-postgres.md"
    before = snapshot(project)
    dry = run_exact("import", str(project), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "-* Status: accepted\r\n" in dry.stdout and "+status: accepted\r\n" in dry.stdout
    assert snapshot(project) == before

    done = run_cli("import", str(project))
    assert done.returncode == 0, done.stderr
    text = record.read_bytes()
    assert text.startswith(b"---\r\nstatus: accepted\r\ndate: 2024-01-02\r\n---\r\n")
    assert text.count(b"\n") == text.count(b"\r\n")
    assert stat.S_IMODE(record.stat().st_mode) == 0o640
    assert record.stat().st_ino != before["decisions/0001-use-postgres.md"][2]
    assert leftovers(project) == []


def test_new_refuses_to_overwrite_and_dry_run_writes_nothing(project):
    before = snapshot(project)
    dry = run_cli("new", "intent", "Checkout", str(project), "--dry-run")
    # The name is taken: even the dry run says so, and the file is untouched.
    assert dry.returncode == 2 and "already exists" in dry.stderr
    dry = run_cli("new", "adr", "Use Kafka", str(project), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "--- /dev/null\n+++ b/decisions/0002-use-kafka.md" in dry.stdout and "Use Kafka" in dry.stdout
    assert snapshot(project) == before

    refused = run_cli("new", "intent", "Checkout", str(project))
    assert refused.returncode == 2 and "already exists" in refused.stderr
    assert snapshot(project) == before
    made = run_cli("new", "adr", "Use Kafka", str(project))
    assert made.returncode == 0, made.stderr
    assert (project / "decisions" / "0002-use-kafka.md").is_file()
    assert leftovers(project) == []


def test_renumber_keeps_crlf_and_modes_refuses_a_taken_name_and_dry_run_shows_the_diff(site):
    project = site({
        "decisions/0001-use-postgres.md": MADR2_CRLF,
        "decisions/0001-use-kafka.md": b"---\r\nstatus: proposed\r\n---\r\n# 1. Use Kafka\r\n",
        "decisions/0002-taken.md": "---\nstatus: proposed\n---\n# 2. Taken\n",
        "docs/intents/events.md": b"---\r\nkind: intent\r\n---\r\n# Events\r\n\r\n"
                                  b"See [Kafka](../../decisions/0001-use-kafka.md).\r\n",
    })
    kafka = project / "decisions" / "0001-use-kafka.md"
    events = project / "docs" / "intents" / "events.md"
    kafka.chmod(0o600)
    events.chmod(0o640)
    before = snapshot(project)

    taken = run_cli("renumber", str(kafka), "--project", str(project), "--to", "2")
    assert taken.returncode == 2 and "taken" in taken.stderr
    assert snapshot(project) == before

    dry = run_exact("renumber", str(kafka), "--project", str(project), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would rename" in dry.stdout and "-# 1. Use Kafka\r\n" in dry.stdout and "+# 3. Use Kafka\r\n" in dry.stdout
    assert "+See [Kafka](../../decisions/0003-use-kafka.md).\r\n" in dry.stdout
    assert snapshot(project) == before

    done = run_cli("renumber", str(kafka), "--project", str(project))
    assert done.returncode == 0, done.stderr
    moved = project / "decisions" / "0003-use-kafka.md"
    assert not kafka.exists() and moved.read_bytes() == b"---\r\nstatus: proposed\r\n---\r\n# 3. Use Kafka\r\n"
    assert events.read_bytes().endswith(b"See [Kafka](../../decisions/0003-use-kafka.md).\r\n")
    assert stat.S_IMODE(moved.stat().st_mode) == 0o600 and stat.S_IMODE(events.stat().st_mode) == 0o640
    assert leftovers(project) == []


def test_a_file_that_changed_since_it_was_read_is_not_overwritten(tmp_path):
    path = tmp_path / "doc.md"
    path.write_bytes(b"edited by someone else\r\n")
    with pytest.raises(WriteRefused, match="changed while the command ran"):
        atomic_write(path, "our version\n", overwrite=True, expected="what we read\n")
    assert path.read_bytes() == b"edited by someone else\r\n" and leftovers(tmp_path) == []
    atomic_write(path, "ours\r\n", overwrite=True, expected=b"edited by someone else\r\n")
    assert path.read_bytes() == b"ours\r\n"
    with pytest.raises(WriteRefused, match="already exists"):
        atomic_write(path, "new\n", overwrite=False)
    assert path.read_bytes() == b"ours\r\n"


# --- all or nothing ---------------------------------------------------------------------


def test_renumber_changes_every_file_or_none(site):
    """One file that cannot be written (here: a name too long for its temporary) stops the whole
    renumbering before anything moves: every file byte-identical, no temporary left."""
    link = "See [Kafka](../../decisions/0001-use-kafka.md).\n"
    unwritable = "docs/intents/" + "z" * 240 + ".md"  # its temporary's name passes the 255-byte limit
    project = site({
        "decisions/0001-use-postgres.md": MADR2_CRLF,
        "decisions/0001-use-kafka.md": "---\nstatus: proposed\n---\n# 1. Use Kafka\n",
        "docs/intents/a-events.md": "---\nkind: intent\n---\n# Events\n\n" + link,
        unwritable: "---\nkind: intent\n---\n# Streams\n\n" + link,
    })
    before = snapshot(project)
    result = run_cli("renumber", str(project / "decisions" / "0001-use-kafka.md"), "--project", str(project))
    assert result.returncode == 2 and "nothing was changed" in result.stderr, result.stderr
    assert snapshot(project) == before
    assert leftovers(project) == []


def test_a_failure_while_moving_files_into_place_puts_back_the_ones_already_moved(tmp_path):
    from mkdocs_coherence.edits.files import Replacement, replace_all

    first, second, edited = tmp_path / "0001-a.md", tmp_path / "0001-b.md", tmp_path / "notes.md"
    first.write_bytes(b"# A\r\n")
    second.write_bytes(b"# B\n")
    edited.write_bytes(b"see 0001-a.md\n")
    taken = tmp_path / "0003-b.md"
    taken.write_bytes(b"someone else's\n")
    first.chmod(0o640)
    before = snapshot(tmp_path)
    with pytest.raises(WriteRefused, match="0003-b.md already exists"):
        replace_all([Replacement(edited, b"see 0002-a.md\n", b"see 0001-a.md\n"),
                     Replacement(first, b"# 2. A\r\n", b"# A\r\n", new_path=tmp_path / "0002-a.md"),
                     Replacement(second, b"# 3. B\n", b"# B\n", new_path=taken)])
    after = snapshot(tmp_path)
    assert {rel: (data, mode) for rel, (data, mode, _) in after.items()} == \
        {rel: (data, mode) for rel, (data, mode, _) in before.items()}
    assert not (tmp_path / "0002-a.md").exists() and leftovers(tmp_path) == []


# --- no write leaves the repository --------------------------------------------------------

ADR_KAFKA = "---\nstatus: proposed\n---\n# 1. Use Kafka\n"
INTENT = "---\nkind: intent\nstatus: active\n---\n# Checkout\n"
EVENTS = "---\nkind: intent\n---\n# Events\n\nSee [Kafka](../../decisions/0001-use-kafka.md).\n"

# command -> what links where: (files in the repository, links {repository path: outside path},
# files outside, arguments after the command (PROJECT: the project folder), the link the refusal names)
LINKED = {
    ("new", "file"): ({}, {"docs/intents/checkout.md": "checkout.md"}, {"checkout.md": INTENT},
                      ["intent", "Checkout", "PROJECT"], "docs/intents/checkout.md"),
    ("new", "folder"): ({}, {"docs/intents": "intents"}, {"intents/other.md": INTENT},
                        ["intent", "Checkout", "PROJECT"], "docs/intents"),
    ("new", "parent folder"): ({}, {"docs": "docs"}, {"docs/index.md": "# Home\n", "docs/intents/other.md": INTENT},
                               ["intent", "Checkout", "PROJECT"], "docs"),
    ("review", "file"): ({}, {"docs/intents/checkout.md": "checkout.md"}, {"checkout.md": INTENT},
                         ["checkout", "PROJECT"], None),  # the check does not read it: no such document
    ("review", "folder"): ({}, {"docs/intents": "intents"}, {"intents/checkout.md": INTENT},
                           ["checkout", "PROJECT"], None),  # folder links are not followed: no such document
    ("review", "parent folder"): ({}, {"docs": "docs"}, {"docs/index.md": "# Home\n", "docs/intents/checkout.md": INTENT},
                                  ["checkout", "PROJECT"], "docs"),
    ("import", "file"): ({}, {"decisions/0001-use-postgres.md": "0001-use-postgres.md"},
                         {"0001-use-postgres.md": MADR2_CRLF}, ["PROJECT"], "decisions/0001-use-postgres.md"),
    ("import", "folder"): ({}, {"decisions": "decisions"}, {"decisions/0001-use-postgres.md": MADR2_CRLF},
                           ["PROJECT"], "decisions"),
    ("import", "parent folder"): ({}, {"docs": "docs"}, {"docs/index.md": "# Home\n",
                                                         "docs/decisions/0001-use-postgres.md": MADR2_CRLF},
                                  ["PROJECT"], "docs"),
    ("renumber", "file"): ({"decisions/0001-use-kafka.md": ADR_KAFKA, "decisions/0001-use-postgres.md": MADR2_CRLF},
                           {"docs/intents/events.md": "events.md"}, {"events.md": EVENTS},
                           ["PROJECT/decisions/0001-use-kafka.md", "--project", "PROJECT"], "docs/intents/events.md"),
    ("renumber", "folder"): ({}, {"decisions": "decisions"}, {"decisions/0001-use-kafka.md": ADR_KAFKA,
                                                              "decisions/0001-use-postgres.md": MADR2_CRLF},
                             ["PROJECT/decisions/0001-use-kafka.md", "--project", "PROJECT"],
                             None),  # a default folder linked out is not followed: no such decision
    ("renumber", "parent folder"): ({}, {"docs": "docs"}, {"docs/index.md": "# Home\n",
                                                           "docs/decisions/0001-use-kafka.md": ADR_KAFKA,
                                                           "docs/decisions/0001-use-postgres.md": MADR2_CRLF},
                                    ["PROJECT/docs/decisions/0001-use-kafka.md", "--project", "PROJECT"], "docs"),
}


@pytest.mark.parametrize("command, linked", list(LINKED), ids=[f"{c}-{k}" for c, k in LINKED])
def test_no_command_writes_through_a_link_out_of_the_repository(tmp_path, command, linked):
    from conftest import mkdocs_yml, write_tree

    inside, links, outside_files, arguments, named = LINKED[(command, linked)]
    project = write_tree(tmp_path / "project", {"mkdocs.yml": mkdocs_yml(), **inside})
    outside = write_tree(tmp_path / "outside", outside_files)
    if "docs" not in links:
        write_tree(project, {"docs/index.md": "# Home\n"})
    for rel, target in links.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(outside / target, project / rel)
    before_outside, before_inside = snapshot(outside), snapshot(project)

    result = run_cli(command, *[a.replace("PROJECT", str(project)) for a in arguments])
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    if named is not None:
        assert f"{named} is a symbolic link to {outside}" in result.stderr
        assert "outside the repository" in result.stderr
    assert snapshot(outside) == before_outside and leftovers(outside) == []
    assert snapshot(project) == before_inside and leftovers(project) == []
