"""The one way this package runs git: a subprocess per command (never per file), errors as
GitError in words for the user."""

from __future__ import annotations

import shutil
import subprocess
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
