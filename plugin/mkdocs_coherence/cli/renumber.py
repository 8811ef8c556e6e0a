"""`coherence renumber FILE`: give an ADR the next free number and fix every reference."""

from __future__ import annotations

import argparse
import sys

from mkdocs_coherence.cli.common import (CONFIG_NAMES, EXIT_CLEAN, EXIT_UNKNOWN, fail, load_settings,
                                         project_arguments, shown)


def add_parser(commands: argparse._SubParsersAction) -> None:
    renumber = commands.add_parser("renumber", help="give an ADR the next free number and fix every reference",
                                   description="Rename an ADR file to the next free number (or --to N) and rewrite "
                                   "links, nav entries and ADR-N references to it.")
    renumber.add_argument("file", help="the ADR file to renumber, e.g. decisions/0008-use-kafka.md")
    project_arguments(renumber, positional=False)
    renumber.add_argument("--to", type=int, help="the new number (default: the next free one)")
    renumber.add_argument("--base", metavar="REV", help="also skip the numbers this git revision has, and decide "
                          "ambiguous ADR-N references by which side wrote them")
    renumber.add_argument("--dry-run", action="store_true", help="say what would change and print the diff; "
                          "write nothing")
    renumber.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mkdocs_coherence.core.corpus import discover, load_corpus
    from mkdocs_coherence.core.numbering import BaseUnreadable, adr_number, base_decisions
    from mkdocs_coherence.edits.files import WriteRefused, diff
    from mkdocs_coherence.edits.renumber import apply_renumber, plan_renumber

    settings = load_settings(args)
    if settings is None:
        return EXIT_UNKNOWN
    path = Path(args.file).resolve()
    if not path.is_file():
        return fail(f"{args.file}: no such file")
    if adr_number(path.name) is None:
        return fail(f"{args.file}: the file name starts with no ADR number")
    if args.to is not None and args.to < 0:
        return fail("--to must be a positive number")
    base = args.base or settings.base
    decisions = None
    if base:
        try:
            decisions = base_decisions(settings, base)
        except BaseUnreadable as problem:
            return fail(f"base revision '{base}' cannot be read ({problem})")
    corpus = load_corpus(settings)
    if not any(d.path.resolve() == path for d in corpus.documents if d.kind == "decision"):
        return fail(f"{args.file} is not a decision record in a decisions folder of this project")
    if args.to is not None:
        taken = [d.rel for d in corpus.documents if d.kind == "decision" and d.path.resolve() != path
                 and adr_number(d.path.name) == args.to]
        if taken:
            return fail(f"ADR number {args.to} is taken by {', '.join(taken)}; pick a free one or omit --to")
    config = next((settings.config_dir / n for n in CONFIG_NAMES if (settings.config_dir / n).is_file()), None)
    files = discover(settings) + ([config] if config else [])
    try:
        plan, texts = plan_renumber(settings, path, args.to, decisions, corpus.documents, files)
    except (ValueError, WriteRefused) as problem:
        return fail(str(problem))
    if plan.new_path.exists():
        return fail(f"{shown(plan.new_path)} already exists; pass another --to")
    if args.dry_run:
        print(f"would rename {shown(plan.old_path)} -> {shown(plan.new_path)} ({plan.old_id} -> {plan.new_id})")
        for doc_path in plan.rewritten:
            print(f"would update references in {shown(doc_path)}")
        for doc_path, text in texts.items():
            rel = settings.relpath(plan.new_path if doc_path.resolve() == plan.old_path.resolve() else doc_path)
            sys.stdout.write(diff(rel, plan.before[doc_path], text))
    else:
        try:
            apply_renumber(plan, texts)
        except WriteRefused as problem:
            return fail(str(problem))
        print(f"renamed {shown(plan.old_path)} -> {shown(plan.new_path)} ({plan.old_id} -> {plan.new_id})")
        for doc_path in plan.rewritten:
            print(f"updated references in {shown(doc_path)}")
    for doc_path in plan.ambiguous:
        print(f"coherence: {shown(doc_path)} names {plan.old_id}, which two files claimed; left as is — check "
              f"which one it means (pass --base REV to decide by branch)", file=sys.stderr)
    return EXIT_CLEAN
