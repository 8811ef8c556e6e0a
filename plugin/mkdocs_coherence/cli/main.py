"""The `coherence` command: assembles the parser from one module per command, runs the one
asked for, and turns an unexpected error into a message instead of a traceback.

Each command module imports only argparse at start-up and its core when it runs, so
`coherence --help` stays fast (tests/test_startup.py).
"""

from __future__ import annotations

import argparse
import os
import sys

from mkdocs_coherence.cli import check, context, graph, impact, import_, mcp, new, renumber, review, schema
from mkdocs_coherence.cli.common import EXIT_CLEAN, EXIT_UNKNOWN

COMMANDS = (check, schema, review, impact, context, new, renumber, graph, import_, mcp)  # in the order --help lists them


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="coherence",
        description="Check intents, contracts and decision records for broken contracts and conflicts.",
    )
    commands = main_parser.add_subparsers(dest="command", metavar="COMMAND", title="commands",
                                          description="run `coherence COMMAND --help` for the options of one")
    for command in COMMANDS:
        command.add_parser(commands)
    return main_parser


def main(argv: list[str] | None = None) -> int:
    main_parser = parser()
    args = main_parser.parse_args(argv)
    if args.command is None:  # `coherence` alone: what each command does, not a usage error
        main_parser.print_help()
        return EXIT_CLEAN
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_CLEAN
    except Exception as error:  # never a traceback for the user; keep it for maintainers
        if os.environ.get("COHERENCE_DEBUG"):
            raise
        print(f"coherence: internal error: {type(error).__name__}: {error} "
              "(set COHERENCE_DEBUG=1 for the traceback, and please report it)", file=sys.stderr)
        return EXIT_UNKNOWN


if __name__ == "__main__":
    sys.exit(main())
