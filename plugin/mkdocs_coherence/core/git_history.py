"""What git says about the work tree: its state, the first-parent log as commits and per-path
changes, the paths changed since a base, the blobs of a revision (ADR-0009).

One `git log` over the first-parent history lists, per commit, the blob ids of every file it
changed (`--raw`: old and new blob per path). Paths are filtered in Python, never with a
pathspec, and never with one git process per file.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from mkdocs_coherence.core.config import Settings
from mkdocs_coherence.core.git import GitError, run_git

ZERO = "0" * 40  # the blob id git gives a path that does not exist on one side of a change
FULL, SHALLOW, ABSENT = "full", "shallow", "absent"
Entries = dict[str, list[tuple[int, str, str]]]  # path -> (commit index, old blob, new blob), newest first


def blob_id(data: bytes) -> str:
    """The id git gives these bytes as a blob (to tell an edited working file from HEAD's)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass(frozen=True)
class Commit:
    sha: str
    ts: int  # committer date, seconds since the epoch
    day: date  # committer date, in the committer's time zone
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:10]


def locate(settings: Settings) -> tuple[str, Path | None, str]:
    """(state, top level, reason)."""
    if shutil.which("git") is None:
        return ABSENT, None, "git is not installed"
    try:
        out = run_git(settings.config_dir, "rev-parse", "--show-toplevel", "--is-shallow-repository").decode()
    except GitError as error:
        if "not a git repository" in str(error).lower():
            return ABSENT, None, "the project is not in a git repository"
        return ABSENT, None, f"git cannot read the repository: {error}"
    lines = out.splitlines()
    toplevel = Path(lines[0]).resolve()
    try:
        run_git(toplevel, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except GitError:
        return ABSENT, toplevel, "the git repository has no commits yet"
    return (SHALLOW if len(lines) > 1 and lines[1].strip() == "true" else FULL), toplevel, ""


def read_log(toplevel: Path, keep: Callable[[str], bool]) -> tuple[list[Commit], Entries]:
    """Every first-parent commit of HEAD, newest first, and the changes of the paths `keep` wants.
    Raises GitError, ValueError or UnicodeDecodeError when the log cannot be read."""
    raw = run_git(toplevel, "log", "-z", "--raw", "--no-renames", "--no-abbrev", "--first-parent",
                  "--diff-merges=first-parent", "--no-color", "--format=%x1e%H %ct %cI%x1f%s", "HEAD")
    return parse_log(raw, keep)


def parse_log(raw: bytes, keep: Callable[[str], bool]) -> tuple[list[Commit], Entries]:
    commits: list[Commit] = []
    entries: Entries = {}
    for chunk in raw.split(b"\x1e")[1:]:
        header, _, rest = chunk.partition(b"\0")
        meta, _, subject = header.partition(b"\x1f")
        sha, ts, iso = meta.decode("ascii").split(" ")
        index = len(commits)
        commits.append(Commit(sha, int(ts), date.fromisoformat(iso[:10]), subject.decode("utf-8", "replace")))
        tokens = rest.lstrip(b"\n").split(b"\0")
        for i in range(0, len(tokens) - 1, 2):
            info, path = tokens[i], tokens[i + 1]
            if not info.startswith(b":"):
                continue
            fields = info.split(b" ")
            name = path.decode("utf-8", "surrogateescape")
            if keep(name):
                entries.setdefault(name, []).append((index, fields[2].decode(), fields[3].decode()))
    return commits, entries


def changed_paths(settings: Settings, base: str) -> tuple[Path, list[str]]:
    """(top level, paths relative to it) changed between the merge base of `base` and HEAD and
    then in the working tree, untracked files included. Raises GitError."""
    state, toplevel, reason = locate(settings)
    if toplevel is None or state == ABSENT:
        raise GitError(reason)
    if base.startswith("-"):
        raise GitError(f"'{base}' is not a revision")
    try:
        merge_base = run_git(toplevel, "merge-base", base, "HEAD").decode().strip()
    except GitError as error:
        raise GitError(f"no common history with '{base}' in this clone ({error})") from None
    out = run_git(toplevel, "diff", "--name-only", "-z", "--no-renames", merge_base)
    out += run_git(toplevel, "ls-files", "--others", "--exclude-standard", "-z")
    return toplevel, sorted({p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p})


def tree_blobs(toplevel: Path, commit: str) -> dict[str, str]:
    """Path (relative to the top level) -> blob id of every file at `commit`. Raises GitError."""
    listing = run_git(toplevel, "ls-tree", "-r", "-z", "--full-tree", commit)
    blobs: dict[str, str] = {}
    for line in listing.split(b"\0"):
        info, _, name = line.partition(b"\t")
        parts = info.split()
        if len(parts) == 3 and parts[1] == b"blob":
            blobs[name.decode("utf-8", "surrogateescape")] = parts[2].decode()
    return blobs
