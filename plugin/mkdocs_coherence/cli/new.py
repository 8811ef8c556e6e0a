"""`coherence new adr|intent|contract "Title"`: scaffold a document from a template."""

from __future__ import annotations

import argparse
import sys

from mkdocs_coherence.cli.common import EXIT_CLEAN, EXIT_UNKNOWN, fail, load_settings, project_arguments, shown


def add_parser(commands: argparse._SubParsersAction) -> None:
    new = commands.add_parser("new", help="scaffold an ADR, intent or contract from a template",
                              description="Write a new document from a template and print its path. ADRs get the "
                              "next free number (with --base, also beyond the numbers the base branch has). "
                              "Templates: <dir of mkdocs.yml>/.coherence/templates/{adr,intent,contract}.md "
                              "override the built-in ones.")
    new.add_argument("what", choices=("adr", "intent", "contract"), help="what to create")
    new.add_argument("title", help="the title, in quotes")
    project_arguments(new)
    new.add_argument("--base", metavar="REV", help="also skip the ADR numbers this git revision has")
    new.add_argument("--dry-run", action="store_true", help="print the new file as a diff; write nothing")
    new.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mkdocs_coherence.core.numbering import BaseUnreadable, base_decisions
    from mkdocs_coherence.edits.files import WriteRefused, diff
    from mkdocs_coherence.edits.new import ScaffoldError, new_document, plan_document

    settings = load_settings(args)
    if settings is None:
        return EXIT_UNKNOWN
    if "\n" in args.title or "\r" in args.title:
        return fail("the title must be one line")
    base_numbers: set[int] = set()
    base = args.base or settings.base
    if args.what == "adr" and base:
        try:
            base_numbers = set(base_decisions(settings, base).by_number)
        except BaseUnreadable as problem:
            return fail(f"base revision '{base}' cannot be read ({problem})")
    try:
        if args.dry_run:
            path, text = plan_document(settings, args.what, args.title, base_numbers=base_numbers)
            sys.stdout.write(diff(settings.relpath(path), None, text))
            print(f"would create {shown(path)} (dry run: nothing written)", file=sys.stderr)
            return EXIT_CLEAN
        path = new_document(settings, args.what, args.title, base_numbers=base_numbers)
    except (ScaffoldError, WriteRefused) as problem:
        return fail(str(problem))
    print(shown(path))
    return EXIT_CLEAN
