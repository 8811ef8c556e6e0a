"""The `coherence` command: parses arguments, calls the core, prints. No logic of its own."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNKNOWN = 0, 1, 2
CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


def _config_file(path: str, config: str | None) -> Path:
    if config:
        return Path(config)
    candidate = Path(path)
    if candidate.is_file():
        return candidate
    for name in CONFIG_NAMES:
        if (candidate / name).is_file():
            return candidate / name
    raise FileNotFoundError(f"no mkdocs.yml in {candidate.resolve()}; pass the project folder or --config FILE")


def _check(args: argparse.Namespace) -> int:
    # Imported here so that `coherence --help` starts fast.
    from .config import ConfigError, read_mkdocs_yml
    from .engine import check
    from .findings import Severity
    from .output import render

    try:
        settings = read_mkdocs_yml(_config_file(args.path, args.config))
    except (ConfigError, FileNotFoundError) as error:
        print(f"coherence: {error}" if isinstance(error, FileNotFoundError) else str(error), file=sys.stderr)
        return EXIT_UNKNOWN
    report = check(settings)
    print(render(report, args.format))
    if report.incomplete:
        return EXIT_UNKNOWN
    if report.count(Severity.ERROR) or (args.strict and report.count(Severity.WARNING)):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _schema(args: argparse.Namespace) -> int:
    from .schema import json_schema

    print(json.dumps(json_schema(), indent=2))
    return EXIT_CLEAN


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="coherence",
        description="Check intents, contracts and decision records for broken contracts and conflicts.",
    )
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="report findings without building the site",
                                description="Report findings without building the site. Exit 0 clean, "
                                "1 errors (or warnings with --strict), 2 when the answer is unknown.")
    check.add_argument("path", nargs="?", default=".", help="project folder holding mkdocs.yml (default: .)")
    check.add_argument("--config", "-f", help="the mkdocs.yml to read (default: PATH/mkdocs.yml)")
    check.add_argument("--format", choices=("text", "json", "github"), default="text", help="output format")
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    check.set_defaults(run=_check)

    schema = commands.add_parser("schema", help="print the JSON Schema of the front-matter contract")
    schema.set_defaults(run=_schema)
    return main_parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
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
