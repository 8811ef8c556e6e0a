"""`coherence check`: report findings without building the site."""

from __future__ import annotations

import argparse

from mkdocs_coherence.cli.common import EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNKNOWN, fail, project_arguments, read_settings, shown

FORMATS = ("text", "json", "github", "sarif", "markdown", "gitlab")


def add_parser(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser("check", help="report findings without building the site",
                                description="Report findings without building the site. Exit 0 clean, "
                                "1 errors (or warnings with --strict or fail_on: warning), 2 when the answer is unknown.")
    project_arguments(check)
    check.add_argument("--format", choices=FORMATS, default="text",
                       help="output format: text, json, github annotations, sarif (2.1.0), markdown (PR comment), "
                       "gitlab (code-quality report)")
    check.add_argument("--base", metavar="REV", help="git revision to compare with (breaking changes, ADR numbers "
                       "the base gained meanwhile); default: the `base` option or COHERENCE_BASE")
    check.add_argument("--new-only", action="store_true",
                       help="with --base: report only findings the change introduces (not on the base revision)")
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too, as `mkdocs build --strict` "
                       "fails on them (so does `fail_on: warning`; `fail_on: never` lets only the build pass)")
    check.add_argument("--no-cache", action="store_true",
                       help="read and parse every file, and leave the cache in .cache/coherence/ alone "
                       "(also COHERENCE_NO_CACHE=1)")
    check.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import dataclasses

    from mkdocs_coherence.check import base_problem, check, only_new
    from mkdocs_coherence.cli.output import render
    from mkdocs_coherence.core.git import GitError

    from mkdocs_coherence.core.config import ConfigError

    try:
        settings = read_settings(args)
    except (FileNotFoundError, ConfigError) as error:
        message = str(error).removeprefix("coherence: ")
        if args.format == "json":  # still one JSON object: a CI consumer sees why (stderr says it too)
            from mkdocs_coherence.cli.output import config_error_json

            unread = getattr(error, "unread", None)
            print(config_error_json(message, shown(unread) if unread else None))
        return fail(message)
    if args.base:
        settings = dataclasses.replace(settings, base=args.base)
    problem = base_problem(settings, args.new_only)
    if problem:
        return fail(problem)
    store = document_store(settings, args.no_cache)
    try:
        report = check(settings, cache=store, freeze=True)  # this process ends with the check
    finally:
        store.save()  # and stops the pool, if one was started
    if args.new_only:
        try:
            report = only_new(report, settings)
        except GitError as error:
            return fail(f"base revision '{settings.base}' cannot be read ({error})")
    print(render(report, args.format, settings))
    # `fail_on: warning` makes the check as strict as the build; `never` only lets the *site*
    # publish a broken tree: the check still answers 1 on errors (DESIGN §9), so CI stays a gate.
    return exit_code(report, "warning" if args.strict or settings.fail_on == "warning" else "error")


def document_store(settings, no_cache: bool):
    """Validated files from earlier runs (`.cache/coherence/` beside mkdocs.yml), and a process
    pool for the files to load when they are many (ADR-0020, ADR-0028); in memory only with
    --no-cache."""
    import os

    from mkdocs_coherence.core.cache import DocumentStore

    off = no_cache or os.environ.get("COHERENCE_NO_CACHE", "").strip() not in ("", "0")
    return DocumentStore(None if off else settings.config_dir / ".cache" / "coherence", settings)


def exit_code(report, fail_on: str) -> int:
    """One notion of failing, shared with `mkdocs build`: errors fail, and `--strict` (of either
    command) or `fail_on: warning` makes warnings fail too. Whatever the threshold, an answer that
    is unknown (something unread, a rule crashed) is exit 2, never clean."""
    from mkdocs_coherence.check import Verdict

    if report.incomplete:
        return EXIT_UNKNOWN
    return EXIT_FINDINGS if report.verdict(fail_on) is Verdict.FAILING else EXIT_CLEAN
