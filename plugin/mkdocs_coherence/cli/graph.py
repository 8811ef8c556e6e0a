"""`coherence graph`: the dependency graph as Mermaid, DOT or JSON."""

from __future__ import annotations

import argparse

from mkdocs_coherence.cli.common import EXIT_CLEAN, EXIT_UNKNOWN, fail, load_settings, project_arguments


def add_parser(commands: argparse._SubParsersAction) -> None:
    graph = commands.add_parser("graph", help="print the dependency graph (mermaid, dot or json)")
    project_arguments(graph)
    graph.add_argument("--format", choices=("mermaid", "dot", "json"), default="mermaid", help="output format")
    graph.add_argument("--around", metavar="ID", help="only the documents near this one")
    graph.add_argument("--depth", type=int, default=1, metavar="N", help="with --around: how many links away (default 1)")
    graph.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mkdocs_coherence.check import check
    from mkdocs_coherence.core.corpus import load_corpus
    from mkdocs_coherence.core.graph import build_graph
    from mkdocs_coherence.site.graph_export import UnknownNode, as_json, render_diagram

    settings = load_settings(args)
    if settings is None:
        return EXIT_UNKNOWN
    if args.depth < 0:
        return fail("--depth must be 0 or more")
    try:
        if args.format == "json":  # graph.json's shape: the findings too
            print(as_json(check(settings), args.around, args.depth))
        else:  # a diagram needs only the graph
            print(render_diagram(build_graph(load_corpus(settings)), args.format, args.around, args.depth))
    except UnknownNode as problem:
        return fail(str(problem))
    return EXIT_CLEAN
