"""`coherence import`: rewrite existing ADRs' metadata into front-matter (the module is
`import_` because `import` is a keyword)."""

from __future__ import annotations

import argparse
import sys

from mkdocs_coherence.cli.common import EXIT_CLEAN, EXIT_UNKNOWN, fail, load_settings, project_arguments, shown


def add_parser(commands: argparse._SubParsersAction) -> None:
    importer = commands.add_parser("import", help="rewrite existing ADRs' metadata into front-matter",
                                   description="Move the Status/Date/Deciders lines and supersede links of MADR 2, "
                                   "log4brains and adr-tools records into front-matter; every other line is kept.")
    project_arguments(importer)
    importer.add_argument("--file", dest="files", action="append", default=[], metavar="FILE",
                          help="only this file (repeatable); default: every decision record")
    importer.add_argument("--dry-run", action="store_true", help="print the diff; write nothing")
    importer.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mkdocs_coherence.edits.files import WriteRefused
    from mkdocs_coherence.edits.importer import apply_import, plan_import

    settings = load_settings(args)
    if settings is None:
        return EXIT_UNKNOWN
    plans, problems = plan_import(settings, [Path(f) for f in args.files] or None)
    if args.dry_run:
        for plan in plans:
            sys.stdout.write(plan.diff())
        print(f"{len(plans)} files would be rewritten into front-matter (dry run: nothing written)", file=sys.stderr)
    else:
        try:
            apply_import(plans)
        except WriteRefused as problem:
            return fail(str(problem))
        for plan in plans:
            print(f"imported {shown(plan.path)}")
        print(f"{len(plans)} files rewritten into front-matter", file=sys.stderr)
    for problem in problems:
        print(f"coherence: skipped {problem}", file=sys.stderr)
    return EXIT_UNKNOWN if problems else EXIT_CLEAN
