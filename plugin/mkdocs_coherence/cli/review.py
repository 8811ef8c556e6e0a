"""`coherence review ID`: record a review in the document's front-matter."""

from __future__ import annotations

import argparse
import sys

from mkdocs_coherence.cli.common import EXIT_CLEAN, EXIT_UNKNOWN, project_arguments, read_settings


def add_parser(commands: argparse._SubParsersAction) -> None:
    review = commands.add_parser("review", help="record a review: set `reviewed` and `stamps` in the front-matter",
                                 description="Set `reviewed:` to today and write `stamps:` (the material fingerprint "
                                 "of each document ID depends on), changing nothing else in the file.")
    review.add_argument("id", metavar="ID", help="the id of the document reviewed")
    project_arguments(review)
    review.add_argument("--date", metavar="YYYY-MM-DD", help="the day of the review (default: today)")
    review.add_argument("--dry-run", action="store_true", help="print the diff; write nothing")
    review.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from datetime import date

    from mkdocs_coherence.core.config import ConfigError
    from mkdocs_coherence.edits.review import ReviewError, record_review

    try:
        settings = read_settings(args)
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
