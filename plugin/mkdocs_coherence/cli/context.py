"""`coherence context ID`: everything to know before working on a document, as Markdown."""

from __future__ import annotations

import argparse
import sys

from mkdocs_coherence.cli.common import EXIT_CLEAN, EXIT_UNKNOWN, project_arguments, read_settings


def add_parser(commands: argparse._SubParsersAction) -> None:
    context = commands.add_parser("context", help="everything to know before working on a document, as Markdown",
                                  description="Print the context bundle of document ID: the document, the contracts "
                                  "it uses or changes with their facts and invariants, the standing decisions that "
                                  "affect them, and open findings (the site publishes the same as context/ID.md).")
    context.add_argument("id", metavar="ID", help="the id of the document (or its path)")
    context.add_argument("--max-tokens", type=int, default=8000, metavar="N",
                         help="token budget: the least important sections are left out first, and the bundle "
                         "says what it left out (default: 8000, as the site publishes it)")
    project_arguments(context)
    context.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mkdocs_coherence.check import check
    from mkdocs_coherence.core.config import ConfigError
    from mkdocs_coherence.site.bundles import ContextBundles
    from mkdocs_coherence.site.graph_export import UnknownNode, find_node

    try:
        if args.max_tokens < 200:
            raise ValueError("--max-tokens must be at least 200")
        report = check(read_settings(args))
        print(ContextBundles(report, max_tokens=args.max_tokens).bundle(find_node(report.graph, args.id)), end="")
    except (ConfigError, FileNotFoundError, UnknownNode, ValueError) as error:
        print(str(error) if isinstance(error, ConfigError) else f"coherence: context: {error}", file=sys.stderr)
        return EXIT_UNKNOWN
    return EXIT_CLEAN
