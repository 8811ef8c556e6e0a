"""`coherence impact`: what a change set touches, as Markdown for a pull request."""

from __future__ import annotations

import argparse
import sys

from mkdocs_coherence.cli.common import EXIT_CLEAN, EXIT_UNKNOWN, project_arguments, read_settings


def add_parser(commands: argparse._SubParsersAction) -> None:
    impact = commands.add_parser("impact", help="what a change set touches, as Markdown for a pull request",
                                 description="Documents a change set (base revision to working tree) edits, "
                                 "whose `governs` globs it touches, and that depend on what changed materially.")
    project_arguments(impact)
    impact.add_argument("--base", metavar="REV", help="git revision the change set starts from "
                        "(default: the `base` option or COHERENCE_BASE)")
    impact.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mkdocs_coherence.core.config import ConfigError
    from mkdocs_coherence.site.impact import GitError, as_markdown, compute

    try:
        settings = read_settings(args)
        base = args.base or settings.base
        if not base:
            raise ValueError("needs a base revision: pass --base REV (or set the `base` option or COHERENCE_BASE)")
        print(as_markdown(compute(settings, base)), end="")
    except (ConfigError, FileNotFoundError, GitError, ValueError) as error:
        print(str(error) if isinstance(error, ConfigError) else f"coherence: impact: {error}", file=sys.stderr)
        return EXIT_UNKNOWN
    return EXIT_CLEAN
