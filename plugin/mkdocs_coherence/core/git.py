"""The one way this package runs git: a subprocess per command (never per file), errors as
GitError in words for the user."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

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
