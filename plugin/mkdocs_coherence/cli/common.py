"""What every command shares: exit codes, the project arguments, finding mkdocs.yml, reading
the settings, and saying why a command stopped.

Only argparse is imported at start-up: `coherence --help` stays fast (tests/test_startup.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from mkdocs_coherence.core.config import Settings

EXIT_CLEAN = 0  # nothing to report, or the command did what it was asked
EXIT_FINDINGS = 1  # the check found errors (or warnings, with --strict)
EXIT_UNKNOWN = 2  # the answer is unknown, or the command could not run
CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


def project_arguments(command: argparse.ArgumentParser, positional: bool = True) -> None:
    """PATH (or --project) and --config: where the project's mkdocs.yml is, for every command."""
    if positional:
        command.add_argument("path", nargs="?", default=".", help="project folder holding mkdocs.yml (default: .)")
    else:
        command.add_argument("--project", dest="path", default=".", metavar="PATH",
                             help="project folder holding mkdocs.yml (default: .)")
    command.add_argument("--config", "-f", help="the mkdocs.yml to read (default: PATH/mkdocs.yml)")


def config_file(path: str, config: str | None) -> Path:
    """The mkdocs.yml to read: --config, PATH itself, or the nearest mkdocs.yml at or above PATH
    within its git work tree (found upward, like git finds its repository: `coherence check`
    works from any subfolder); FileNotFoundError otherwise."""
    from pathlib import Path

    if config:
        return Path(config)
    candidate = Path(path)
    if candidate.is_file():
        return candidate
    for folder in _upward(candidate):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
    raise FileNotFoundError(f"no mkdocs.yml in {candidate.resolve()} or above it in its git repository; "
                            "pass the project folder or --config FILE")


def _upward(folder: Path) -> list[Path]:
    """`folder` and its parents up to the top of its git work tree (a folder holding `.git`);
    outside git, `folder` alone: a mkdocs.yml of some unrelated folder above is never picked."""
    start = folder.absolute()
    chain = []
    for candidate in (start, *start.parents):
        chain.append(candidate)
        if (candidate / ".git").exists():
            return chain
    return [start]


def read_settings(args: argparse.Namespace) -> Settings:
    """The project's settings; ConfigError or FileNotFoundError when they cannot be read."""
    from mkdocs_coherence.core.config import read_mkdocs_yml
    from mkdocs_coherence.rules.catalogue import RULES

    return read_mkdocs_yml(config_file(args.path, args.config), RULES)


def load_settings(args: argparse.Namespace) -> Settings | None:
    """The project's settings, or None after saying why they cannot be read."""
    from mkdocs_coherence.core.config import ConfigError

    try:
        return read_settings(args)
    except FileNotFoundError as error:
        fail(str(error))
    except ConfigError as error:
        fail(str(error).removeprefix("coherence: "))
    return None


def fail(message: str) -> int:
    """Say why the command stopped, on stderr; the exit code for an unknown answer."""
    print(f"coherence: {message}", file=sys.stderr)
    return EXIT_UNKNOWN


def shown(path: Path | str) -> str:
    """A path as the user can open it from the current directory."""
    from pathlib import Path

    relative = os.path.relpath(path, Path.cwd())
    return Path(path).as_posix() if relative.startswith("..") else Path(relative).as_posix()
