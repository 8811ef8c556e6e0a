"""Real git repositories for the history tests: dated commits, shallow clones. No mocks."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

IDENTITY = ("-c", "user.name=Test Author", "-c", "user.email=author@example.com", "-c", "commit.gpgsign=false",
            "-c", "init.defaultBranch=main", "-c", "core.autocrlf=false")


def git_env(when: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["GIT_CONFIG_GLOBAL"] = os.devnull
    if when:
        stamp = when if "T" in when else f"{when}T12:00:00+00:00"
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = stamp
    return env


def git(cwd: Path, *args: str, when: str | None = None) -> str:
    result = subprocess.run(["git", *IDENTITY, *args], cwd=cwd, env=git_env(when), capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


class Repo:
    """A git work tree whose top level holds mkdocs.yml (or `root` of a sub-folder)."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        git(root, "init", "-q")

    def write(self, files: dict[str, str | bytes]) -> None:
        for rel, content in files.items():
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")

    def remove(self, *rels: str) -> None:
        for rel in rels:
            (self.root / rel).unlink()

    def commit(self, when: str, message: str = "change", files: dict[str, str | bytes] | None = None,
               author: str | None = None) -> str:
        """Commit everything on `when`; `author` ("Name <email>") defaults to the test identity."""
        if files:
            self.write(files)
        git(self.root, "add", "-A")
        extra = ("--author", author) if author else ()
        git(self.root, "commit", "-q", "--allow-empty", *extra, "-m", message, when=when)
        return git(self.root, "rev-parse", "HEAD").strip()

    def shallow_clone(self, target: Path) -> Path:
        git(self.root.parent, "clone", "-q", "--depth", "1", self.root.resolve().as_uri(), str(target))
        return target
