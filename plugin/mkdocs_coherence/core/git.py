"""The one way this package runs git: a subprocess per command (never per file), one long-running
`git cat-file --batch` for blob contents, errors as GitError in words for the user."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
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
def exported_tree(top: Path, revision: str, suffixes: tuple[str, ...]) -> Iterator[Path]:
    """A temporary folder holding the files of `revision` whose names end in `suffixes`,
    removed on exit. Ours alone: nothing of the user's is written."""
    with tempfile.TemporaryDirectory(prefix="coherence-base-") as folder:
        export_files(top, revision, Path(folder), suffixes)
        yield Path(folder)


def export_files(top: Path, revision: str, into: Path, suffixes: tuple[str, ...]) -> None:
    """Copy the files of `revision` whose names end in `suffixes` (lower case) into `into`.

    `into` must be a temporary folder the caller owns: this writes nothing of the user's.
    The archive is streamed from one git process, so a large repository is never in memory."""
    if shutil.which("git") is None:
        raise GitError("git is not installed")
    try:
        process = subprocess.Popen(["git", "archive", "--format=tar", revision], cwd=top, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL)
    except OSError as error:
        raise GitError(f"git could not run: {error}") from None
    try:
        with tarfile.open(fileobj=process.stdout, mode="r|") as archive:
            for member in archive:
                if member.isfile() and member.name.lower().endswith(suffixes):
                    archive.extract(member, into, filter="data")
    except tarfile.TarError as error:
        raise GitError(f"git archive {revision} gave no readable archive ({error})") from None
    finally:
        process.stdout.close()
        returncode = process.wait(timeout=GIT_TIMEOUT)
    if returncode != 0:
        raise GitError(f"git archive {revision} failed")


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
