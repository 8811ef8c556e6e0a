"""Pull-request workflow commands: `new`, `renumber`, `graph`, `import`, and `check --new-only`.

Only argparse is imported at start-up; each command imports its core when it runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

from mkdocs_coherence.cli.main import EXIT_CLEAN, EXIT_UNKNOWN, project_arguments


def _fail(message: str) -> int:
    print(f"coherence: {message}", file=sys.stderr)
    return EXIT_UNKNOWN


def _settings(args: argparse.Namespace):
    """Settings from the project's mkdocs.yml, or an error message."""
    from mkdocs_coherence.cli.main import _config_file
    from mkdocs_coherence.core.config import ConfigError, read_mkdocs_yml

    try:
        return read_mkdocs_yml(_config_file(args.path, args.config)), None
    except FileNotFoundError as error:
        return None, str(error)
    except ConfigError as error:
        return None, str(error).removeprefix("coherence: ")


def _shown(path: Path) -> str:
    """A path as the user can open it from the current directory."""
    from pathlib import Path

    relative = os.path.relpath(path, Path.cwd())
    return Path(path).as_posix() if relative.startswith("..") else Path(relative).as_posix()


# --- check --base / --new-only ---------------------------------------------------------


def check_base(settings, new_only: bool) -> str | None:
    """Why the base cannot be used (None when it can, or when none is asked for)."""
    if new_only and not settings.base:
        return "--new-only needs a base revision: pass --base REV (or set the `base` option or COHERENCE_BASE)"
    if not settings.base:
        return None
    from mkdocs_coherence.core.numbering import BaseUnreadable, verify_base

    try:
        verify_base(settings, settings.base)
    except BaseUnreadable as error:
        return (f"base revision '{settings.base}' cannot be read ({error}); in CI, check out with full history "
                "(actions/checkout with fetch-depth: 0) and name a branch that exists, e.g. origin/main")
    return None


def report_at(settings, revision: str):
    """The report of the same project as it was at `revision` (None when it had no mkdocs.yml there)."""
    import dataclasses
    import subprocess
    import tarfile
    import tempfile
    from pathlib import Path

    from mkdocs_coherence.core.config import read_mkdocs_yml
    from mkdocs_coherence.check import check
    from mkdocs_coherence.core.numbering import _git

    top = Path(_git(settings.config_dir, "rev-parse", "--show-toplevel").strip()).resolve()
    config_rel = settings.config_dir.resolve().relative_to(top)
    with tempfile.TemporaryDirectory(prefix="coherence-base-") as folder:
        process = subprocess.Popen(["git", "archive", "--format=tar", revision], cwd=top, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL)
        with tarfile.open(fileobj=process.stdout, mode="r|") as archive:
            for member in archive:
                if member.isfile() and member.name.lower().endswith((".md", ".markdown", ".yml", ".yaml")):
                    archive.extract(member, folder, filter="data")
        process.wait()
        root = Path(folder) / config_rel
        config = next((root / n for n in ("mkdocs.yml", "mkdocs.yaml") if (root / n).is_file()), None)
        if config is None:
            return None
        base_settings = dataclasses.replace(read_mkdocs_yml(config), base=None)
        return check(base_settings, today=None)


def _key(finding) -> tuple:
    return (finding.rule, finding.path, finding.message)


def only_new(report, settings):
    """The report limited to findings the base revision does not have (by rule, file and message)."""
    import dataclasses
    from collections import Counter

    base = report_at(settings, settings.base)
    if base is None:
        return report
    seen = Counter(_key(f) for f in base.findings + base.waived)

    def fresh(findings):
        kept = []
        for finding in findings:
            if seen[_key(finding)] > 0:
                seen[_key(finding)] -= 1
            else:
                kept.append(finding)
        return kept

    return dataclasses.replace(report, findings=fresh(report.findings), waived=fresh(report.waived))


# --- new -------------------------------------------------------------------------------


def _new(args: argparse.Namespace) -> int:
    from mkdocs_coherence.edits.files import WriteRefused
    from mkdocs_coherence.core.numbering import BaseUnreadable, base_decisions
    from mkdocs_coherence.edits.new import ScaffoldError, new_document, plan_document

    settings, error = _settings(args)
    if error:
        return _fail(error)
    if "\n" in args.title or "\r" in args.title:
        return _fail("the title must be one line")
    base_numbers: set[int] = set()
    base = args.base or settings.base
    if args.what == "adr" and base:
        try:
            base_numbers = set(base_decisions(settings, base).by_number)
        except BaseUnreadable as problem:
            return _fail(f"base revision '{base}' cannot be read ({problem})")
    try:
        if args.dry_run:
            path, text = plan_document(settings, args.what, args.title, base_numbers=base_numbers)
            from mkdocs_coherence.edits.files import diff

            sys.stdout.write(diff(settings.relpath(path), None, text))
            print(f"would create {_shown(path)} (dry run: nothing written)", file=sys.stderr)
            return EXIT_CLEAN
        path = new_document(settings, args.what, args.title, base_numbers=base_numbers)
    except (ScaffoldError, WriteRefused) as problem:
        return _fail(str(problem))
    print(_shown(path))
    return EXIT_CLEAN


# --- renumber --------------------------------------------------------------------------


def _renumber(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mkdocs_coherence.core.corpus import discover, load_corpus
    from mkdocs_coherence.edits.files import WriteRefused
    from mkdocs_coherence.core.numbering import BaseUnreadable, adr_number, apply_renumber, base_decisions, plan_renumber

    settings, error = _settings(args)
    if error:
        return _fail(error)
    path = Path(args.file).resolve()
    if not path.is_file():
        return _fail(f"{args.file}: no such file")
    if adr_number(path.name) is None:
        return _fail(f"{args.file}: the file name starts with no ADR number")
    if args.to is not None and args.to < 0:
        return _fail("--to must be a positive number")
    base = args.base or settings.base
    decisions = None
    if base:
        try:
            decisions = base_decisions(settings, base)
        except BaseUnreadable as problem:
            return _fail(f"base revision '{base}' cannot be read ({problem})")
    corpus = load_corpus(settings)
    if not any(d.path.resolve() == path for d in corpus.documents if d.kind == "decision"):
        return _fail(f"{args.file} is not a decision record in a decisions folder of this project")
    if args.to is not None:
        taken = [d.rel for d in corpus.documents if d.kind == "decision" and d.path.resolve() != path
                 and adr_number(d.path.name) == args.to]
        if taken:
            return _fail(f"ADR number {args.to} is taken by {', '.join(taken)}; pick a free one or omit --to")
    config = next((settings.config_dir / n for n in ("mkdocs.yml", "mkdocs.yaml")
                   if (settings.config_dir / n).is_file()), None)
    files = discover(settings) + ([config] if config else [])
    try:
        plan, texts = plan_renumber(settings, path, args.to, decisions, corpus.documents, files)
    except ValueError as problem:
        return _fail(str(problem))
    if plan.new_path.exists():
        return _fail(f"{_shown(plan.new_path)} already exists; pass another --to")
    if args.dry_run:
        from mkdocs_coherence.edits.files import diff

        print(f"would rename {_shown(plan.old_path)} -> {_shown(plan.new_path)} ({plan.old_id} -> {plan.new_id})")
        for doc_path in plan.rewritten:
            print(f"would update references in {_shown(doc_path)}")
        for doc_path, text in texts.items():
            rel = settings.relpath(plan.new_path if doc_path.resolve() == plan.old_path.resolve() else doc_path)
            sys.stdout.write(diff(rel, plan.before[doc_path], text))
    else:
        try:
            apply_renumber(plan, texts)
        except WriteRefused as problem:
            return _fail(str(problem))
        print(f"renamed {_shown(plan.old_path)} -> {_shown(plan.new_path)} ({plan.old_id} -> {plan.new_id})")
        for doc_path in plan.rewritten:
            print(f"updated references in {_shown(doc_path)}")
    for doc_path in plan.ambiguous:
        print(f"coherence: {_shown(doc_path)} names {plan.old_id}, which two files claimed; left as is — check "
              f"which one it means (pass --base REV to decide by branch)", file=sys.stderr)
    return EXIT_CLEAN


# --- graph -----------------------------------------------------------------------------


def _graph(args: argparse.Namespace) -> int:
    from mkdocs_coherence.core.corpus import load_corpus
    from mkdocs_coherence.core.graph import build_graph
    from mkdocs_coherence.site.graph_export import UnknownNode, render_graph

    settings, error = _settings(args)
    if error:
        return _fail(error)
    if args.depth < 0:
        return _fail("--depth must be 0 or more")
    graph = build_graph(load_corpus(settings))
    try:
        print(render_graph(graph, args.format, args.around, args.depth))
    except UnknownNode as problem:
        return _fail(str(problem))
    return EXIT_CLEAN


# --- import ----------------------------------------------------------------------------


def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mkdocs_coherence.edits.files import WriteRefused
    from mkdocs_coherence.edits.importer import apply_import, plan_import

    settings, error = _settings(args)
    if error:
        return _fail(error)
    plans, problems = plan_import(settings, [Path(f) for f in args.files] or None)
    if args.dry_run:
        for plan in plans:
            sys.stdout.write(plan.diff())
        print(f"{len(plans)} files would be rewritten into front-matter (dry run: nothing written)", file=sys.stderr)
    else:
        try:
            apply_import(plans)
        except WriteRefused as problem:
            return _fail(str(problem))
        for plan in plans:
            print(f"imported {_shown(plan.path)}")
        print(f"{len(plans)} files rewritten into front-matter", file=sys.stderr)
    for problem in problems:
        print(f"coherence: skipped {problem}", file=sys.stderr)
    return EXIT_UNKNOWN if problems else EXIT_CLEAN


def add_commands(commands) -> None:
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
    new.set_defaults(run=_new)

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
    renumber.set_defaults(run=_renumber)

    graph = commands.add_parser("graph", help="print the dependency graph (mermaid, dot or json)")
    project_arguments(graph)
    graph.add_argument("--format", choices=("mermaid", "dot", "json"), default="mermaid", help="output format")
    graph.add_argument("--around", metavar="ID", help="only the documents near this one")
    graph.add_argument("--depth", type=int, default=1, metavar="N", help="with --around: how many links away (default 1)")
    graph.set_defaults(run=_graph)

    importer = commands.add_parser("import", help="rewrite existing ADRs' metadata into front-matter",
                                   description="Move the Status/Date/Deciders lines and supersede links of MADR 2, "
                                   "log4brains and adr-tools records into front-matter; every other line is kept.")
    project_arguments(importer)
    importer.add_argument("--file", dest="files", action="append", default=[], metavar="FILE",
                          help="only this file (repeatable); default: every decision record")
    importer.add_argument("--dry-run", action="store_true", help="print the diff; write nothing")
    importer.set_defaults(run=_import)
