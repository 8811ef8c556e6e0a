"""`coherence renumber [FILE]`: give an ADR the next free number and fix every reference; with
no file, fix every numbering clash (the later-merged file moves) in one transaction."""

from __future__ import annotations

import argparse
import sys

from mkdocs_coherence.cli.common import (CONFIG_NAMES, EXIT_CLEAN, EXIT_UNKNOWN, fail, load_settings,
                                         project_arguments, shown)


def add_parser(commands: argparse._SubParsersAction) -> None:
    renumber = commands.add_parser("renumber", help="give an ADR the next free number and fix every reference",
                                   description="Rename an ADR file to the next free number (or --to N) and rewrite "
                                   "links, nav entries and ADR-N references to it. With no FILE, fix every "
                                   "clash: of two ADRs with one number, the later-merged file moves (with --base, "
                                   "the file the base does not have), all in one transaction.")
    renumber.add_argument("file", nargs="?", help="the ADR file to renumber, e.g. decisions/0008-use-kafka.md "
                          "(default: every file that takes a number another ADR has)")
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
    if args.file is None:
        return _every_clash(args, settings)
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


def _every_clash(args: argparse.Namespace, settings) -> int:
    """`coherence renumber` with no file: every clash the check reports, in one transaction."""
    from mkdocs_coherence.core.corpus import discover, load_corpus
    from mkdocs_coherence.core.numbering import BaseUnreadable, base_decisions, merge_order
    from mkdocs_coherence.edits.files import WriteRefused, diff
    from mkdocs_coherence.edits.renumber import apply_all, find_clashes, plan_all

    if args.to is not None:
        return fail("--to needs a FILE: with no file, each moved ADR takes the next free number")
    base = args.base or settings.base
    decisions = None
    try:
        if base:
            decisions = base_decisions(settings, base)
    except BaseUnreadable as problem:
        return fail(f"base revision '{base}' cannot be read ({problem})")
    corpus = load_corpus(settings)
    numbered = [d.path for d in corpus.documents if d.kind == "decision"]
    try:
        order = merge_order(settings, numbered)
    except BaseUnreadable:
        order = {}  # outside git: only a base (or nothing) can say which file came later
    clashes, undecided = find_clashes(settings, corpus.documents, decisions, order)
    for paths in undecided:
        print(f"coherence: {', '.join(shown(p) for p in paths)} share one number and nothing tells which came "
              f"later; renumber one by name: `coherence renumber {shown(paths[-1])}`", file=sys.stderr)
    if not clashes:
        if undecided:
            return EXIT_UNKNOWN
        print("no ADR numbering clash: nothing to renumber")
        return EXIT_CLEAN
    config = next((settings.config_dir / n for n in CONFIG_NAMES if (settings.config_dir / n).is_file()), None)
    files = discover(settings) + ([config] if config else [])
    movers = [path for clash in clashes for path in clash.moves]
    sides = {}
    if decisions is None and order:  # the other side of a mover: what arrived on this branch before it
        from mkdocs_coherence.core.numbering import BaseDecisions

        for mover in movers:
            arrived = order.get(mover)
            sides[mover] = BaseDecisions("merge order", {settings.relpath(p) for p, o in order.items()
                                                         if o is not None and (arrived is None or o < arrived)})
    try:
        plans, final, original = plan_all(settings, movers, decisions, corpus.documents, files, sides)
    except (ValueError, WriteRefused) as problem:
        return fail(str(problem))
    for plan in plans:
        if plan.new_path.exists():
            return fail(f"{shown(plan.new_path)} already exists; renumber {shown(plan.old_path)} by name with --to")
    verb = "would rename" if args.dry_run else "renamed"
    keeper = {path: clash.keeps for clash in clashes for path in clash.moves}
    for plan in plans:
        print(f"{verb} {shown(plan.old_path)} -> {shown(plan.new_path)} ({plan.old_id} -> {plan.new_id}; "
              f"{shown(keeper[plan.old_path])} keeps {plan.old_id})")
    rewritten = sorted({p for plan in plans for p in plan.rewritten}, key=str)
    for doc_path in rewritten:
        print(f"{'would update' if args.dry_run else 'updated'} references in {shown(doc_path)}")
    if args.dry_run:
        moved = {plan.old_path.resolve(): plan.new_path for plan in plans}
        for path, text in final.items():
            sys.stdout.write(diff(settings.relpath(moved.get(path, path)), original[path], text))
    else:
        try:
            apply_all(plans, final, original)
        except WriteRefused as problem:
            return fail(str(problem))
    for doc_path in sorted({p for plan in plans for p in plan.ambiguous}, key=str):
        print(f"coherence: {shown(doc_path)} names an ADR number two files claimed; left as is — check which one "
              "it means (pass --base REV to decide by branch)", file=sys.stderr)
    return EXIT_UNKNOWN if undecided else EXIT_CLEAN
