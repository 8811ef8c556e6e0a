"""The `coherence` command: parses arguments, calls the core, prints. No logic of its own."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNKNOWN = 0, 1, 2
CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


def _config_file(path: str, config: str | None) -> Path:
    from pathlib import Path  # not at start-up: `coherence --help` stays fast

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
    from mkdocs_coherence.core.config import ConfigError, read_mkdocs_yml
    from mkdocs_coherence.check import check
    from mkdocs_coherence.core.findings import Severity
    from mkdocs_coherence.cli.output import render

    try:
        settings = read_mkdocs_yml(_config_file(args.path, args.config))
    except (ConfigError, FileNotFoundError) as error:
        print(f"coherence: {error}" if isinstance(error, FileNotFoundError) else str(error), file=sys.stderr)
        return EXIT_UNKNOWN
    if getattr(args, "base", None):
        import dataclasses

        settings = dataclasses.replace(settings, base=args.base)
    from mkdocs_coherence.cli.workflow import check_base, only_new

    problem = check_base(settings, args.new_only)
    if problem:
        print(f"coherence: {problem}", file=sys.stderr)
        return EXIT_UNKNOWN
    report = check(settings)
    if args.new_only:
        report = only_new(report, settings)
    print(render(report, args.format))
    if report.incomplete:
        return EXIT_UNKNOWN
    if report.count(Severity.ERROR) or (args.strict and report.count(Severity.WARNING)):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _review(args: argparse.Namespace) -> int:
    from datetime import date

    from mkdocs_coherence.core.config import ConfigError, read_mkdocs_yml
    from mkdocs_coherence.edits.review import ReviewError, record_review

    try:
        settings = read_mkdocs_yml(_config_file(args.path, args.config))
        on = date.fromisoformat(args.date) if args.date else None
        recorded = record_review(settings, args.id, on=on, dry_run=args.dry_run)
    except (ConfigError, FileNotFoundError, ReviewError, ValueError) as error:
        print(f"coherence: review {args.id}: {error}" if not isinstance(error, ConfigError) else str(error),
              file=sys.stderr)
        return EXIT_UNKNOWN
    stamped = ", ".join(f"{key} {value}" for key, value in recorded.stamps.items()) or "nothing to stamp"
    if args.dry_run:
        from mkdocs_coherence.edits.files import diff

        rel = recorded.document.rel
        sys.stdout.write(diff(rel, recorded.before.decode("utf-8"), recorded.after.decode("utf-8")))
        print(f"{rel}: would record review {recorded.reviewed.isoformat()} (dry run: nothing written)", file=sys.stderr)
        return EXIT_CLEAN
    from mkdocs_coherence.site.escape import terminal_text  # ids and references are document text

    print(f"{terminal_text(recorded.document.rel, line_start=True)}: reviewed {recorded.reviewed.isoformat()}; "
          f"stamps: {terminal_text(stamped)}")
    if recorded.skipped:
        print(f"coherence: not stamped (no such document): {terminal_text(', '.join(recorded.skipped))}",
              file=sys.stderr)
    return EXIT_CLEAN


def _impact(args: argparse.Namespace) -> int:
    from mkdocs_coherence.core.config import ConfigError, read_mkdocs_yml
    from mkdocs_coherence.site.impact import GitError, as_markdown, compute

    try:
        settings = read_mkdocs_yml(_config_file(args.path, args.config))
        base = args.base or settings.base
        if not base:
            raise ValueError("needs a base revision: pass --base REV (or set the `base` option or COHERENCE_BASE)")
        print(as_markdown(compute(settings, base)), end="")
    except (ConfigError, FileNotFoundError, GitError, ValueError) as error:
        print(str(error) if isinstance(error, ConfigError) else f"coherence: impact: {error}", file=sys.stderr)
        return EXIT_UNKNOWN
    return EXIT_CLEAN


def _context(args: argparse.Namespace) -> int:
    from mkdocs_coherence.core.config import ConfigError, read_mkdocs_yml
    from mkdocs_coherence.site.bundles import bundle
    from mkdocs_coherence.check import check
    from mkdocs_coherence.site.graph_export import UnknownNode, find_node

    try:
        report = check(read_mkdocs_yml(_config_file(args.path, args.config)))
        print(bundle(report, find_node(report.graph, args.id)), end="")
    except (ConfigError, FileNotFoundError, UnknownNode) as error:
        print(str(error) if isinstance(error, ConfigError) else f"coherence: context: {error}", file=sys.stderr)
        return EXIT_UNKNOWN
    return EXIT_CLEAN


def _schema(args: argparse.Namespace) -> int:
    import json

    from mkdocs_coherence.core.schema import json_schema

    print(json.dumps(json_schema(), indent=2))
    return EXIT_CLEAN


def project_arguments(command: argparse.ArgumentParser, positional: bool = True) -> None:
    """PATH (or --project) and --config: where the project's mkdocs.yml is, for every command."""
    if positional:
        command.add_argument("path", nargs="?", default=".", help="project folder holding mkdocs.yml (default: .)")
    else:
        command.add_argument("--project", dest="path", default=".", metavar="PATH",
                             help="project folder holding mkdocs.yml (default: .)")
    command.add_argument("--config", "-f", help="the mkdocs.yml to read (default: PATH/mkdocs.yml)")


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="coherence",
        description="Check intents, contracts and decision records for broken contracts and conflicts.",
    )
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="report findings without building the site",
                                description="Report findings without building the site. Exit 0 clean, "
                                "1 errors (or warnings with --strict), 2 when the answer is unknown.")
    project_arguments(check)
    check.add_argument("--format", choices=("text", "json", "github", "sarif", "markdown"), default="text",
                       help="output format: text, json, github annotations, sarif (2.1.0), markdown (PR comment)")
    check.add_argument("--base", metavar="REV", help="git revision to compare with (breaking changes, ADR numbers "
                       "the base gained meanwhile); default: the `base` option or COHERENCE_BASE")
    check.add_argument("--new-only", action="store_true",
                       help="with --base: report only findings the change introduces (not on the base revision)")
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    check.set_defaults(run=_check)

    schema = commands.add_parser("schema", help="print the JSON Schema of the front-matter contract")
    schema.set_defaults(run=_schema)

    review = commands.add_parser("review", help="record a review: set `reviewed` and `stamps` in the front-matter",
                                 description="Set `reviewed:` to today and write `stamps:` (the material fingerprint "
                                 "of each document ID depends on), changing nothing else in the file.")
    review.add_argument("id", metavar="ID", help="the id of the document reviewed")
    project_arguments(review)
    review.add_argument("--date", metavar="YYYY-MM-DD", help="the day of the review (default: today)")
    review.add_argument("--dry-run", action="store_true", help="print the diff; write nothing")
    review.set_defaults(run=_review)

    impact = commands.add_parser("impact", help="what a change set touches, as Markdown for a pull request",
                                 description="Documents a change set (base revision to working tree) edits, "
                                 "whose `governs` globs it touches, and that depend on what changed materially.")
    project_arguments(impact)
    impact.add_argument("--base", metavar="REV", help="git revision the change set starts from "
                        "(default: the `base` option or COHERENCE_BASE)")
    impact.set_defaults(run=_impact)

    context = commands.add_parser("context", help="everything to know before working on a document, as Markdown",
                                  description="Print the context bundle of document ID: the document, the contracts "
                                  "it uses or changes with their facts and invariants, the standing decisions that "
                                  "affect them, and open findings (the site publishes the same as context/ID.md).")
    context.add_argument("id", metavar="ID", help="the id of the document (or its path)")
    project_arguments(context)
    context.set_defaults(run=_context)

    from mkdocs_coherence.cli.workflow import add_commands  # new, renumber, graph, import (argparse only; lazy cores)

    add_commands(commands)
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
