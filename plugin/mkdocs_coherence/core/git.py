"""The one way this package runs git: a subprocess per command (never per file), one long-running
`git cat-file --batch` for blob contents, errors as GitError in words for the user."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

GIT_TIMEOUT = 600


class GitError(Exception):
    """git could not answer; the message says why, in words for the user."""


def run_git(cwd: Path, *args: str, input: bytes | None = None) -> bytes:
    if shutil.which("git") is None:
        raise GitError("git is not installed")
    try:
        result = subprocess.run(["git", "-c", "core.quotePath=false", "--no-pager", *args], cwd=cwd,
                                input=input, capture_output=True, timeout=GIT_TIMEOUT)
    except (OSError, subprocess.SubprocessError) as error:
        raise GitError(f"git could not run: {error}") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return result.stdout


def verify_revision(cwd: Path, revision: str) -> str:
    """The commit id `revision` names here; GitError with a readable message otherwise."""
    if revision.startswith("-"):
        raise GitError(f"'{revision}' is not a revision")
    try:
        return run_git(cwd, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(f"revision '{revision}' is not in this clone") from None


def toplevel(cwd: Path) -> Path:
    """The root of the work tree holding `cwd`, links resolved."""
    return Path(run_git(cwd, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape").strip()).resolve()


@contextmanager
def checked_out(top: Path, revision: str) -> Iterator[Path]:
    """A temporary work tree of `revision` (`git worktree add --detach`), removed on exit: the
    base of a pull request as it was, with its own first-parent history (HEAD is `revision`) and
    every file (contract `source` artifacts, `governs` paths), so a check there reports what the
    base itself reports. Ours alone: git records the work tree under .git/worktrees until it is
    removed, and nothing of the user's files is touched."""
    commit = verify_revision(top, revision)
    folder = Path(tempfile.mkdtemp(prefix="coherence-base-"))
    tree = folder / "tree"
    try:
        run_git(top, "worktree", "add", "--detach", "--quiet", str(tree), commit)
        yield tree
    finally:
        try:
            run_git(top, "worktree", "remove", "--force", str(tree))
        except GitError:
            pass
        shutil.rmtree(folder, ignore_errors=True)
        try:
            run_git(top, "worktree", "prune")
        except GitError:
            pass


class BlobReader:
    """One `git cat-file --batch` process for every blob a run needs, started on first use."""

    def __init__(self, toplevel: Path):
        self.toplevel = toplevel
        self.process: subprocess.Popen | None = None
        self.reads = 0

    def read(self, sha: str) -> bytes | None:
        if self.process is None:
            try:
                self.process = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.toplevel,
                                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                stderr=subprocess.DEVNULL)
            except OSError:
                return None
        process = self.process
        try:
            process.stdin.write(sha.encode("ascii") + b"\n")
            process.stdin.flush()
            header = process.stdout.readline().split()
            if len(header) != 3:
                return None  # "<sha> missing"
            size = int(header[2])
            data = process.stdout.read(size)
            process.stdout.read(1)  # the newline after the contents
        except (OSError, ValueError):
            self.close()
            return None
        self.reads += 1
        return data if header[1] == b"blob" else None

    def close(self) -> None:
        if self.process is not None:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except (OSError, subprocess.SubprocessError):
                self.process.kill()
            self.process = None
