"""`coherence graph`: the dependency graph as Mermaid, Graphviz DOT or JSON (the shape of the
site's `graph.json`, written by `graph_json`).

Every label is escaped for its format, so a title with quotes, brackets or `#` can never
break the diagram or inject syntax. Output is sorted: the same tree gives the same bytes.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from mkdocs_coherence.core.graph import ADR_REFERENCE, Edge, Graph
from mkdocs_coherence.core.model import Document
from mkdocs_coherence.core.suggest import closest
from mkdocs_coherence.site.escape import dot_string, mermaid_label

if TYPE_CHECKING:
    from mkdocs_coherence.check import Report

GRAPH_FORMATS = ("mermaid", "dot", "json")


class UnknownNode(Exception):
    pass


def find_node(graph: Graph, identifier: str) -> str:
    if identifier in graph.index:
        return identifier
    adr = ADR_REFERENCE.match(identifier)
    if adr and f"ADR-{int(adr.group(1)):04d}" in graph.index:
        return f"ADR-{int(adr.group(1)):04d}"
    by_path = {document.rel: document.id for document in graph.index.values()}
    if identifier in by_path:
        return by_path[identifier]
    close = closest(identifier, graph.index)
    raise UnknownNode(f"no document has the id '{identifier}'" + (f"; did you mean '{close}'?" if close else ""))


def neighbourhood(graph: Graph, centre: str, depth: int) -> set[str]:
    """Nodes within `depth` links of `centre`, following links in both directions."""
    seen = {centre}
    queue = deque([(centre, 0)])
    while queue:
        node, distance = queue.popleft()
        if distance >= depth:
            continue
        for other in [*graph.succ[node], *graph.pred[node]]:
            if other not in seen:
                seen.add(other)
                queue.append((other, distance + 1))
    return seen


def selection(graph: Graph, around: str | None, depth: int) -> tuple[list[Document], list[Edge]]:
    nodes = set(graph.index) if around is None else neighbourhood(graph, find_node(graph, around), depth)
    node_list = [graph.index[n] for n in sorted(nodes)]
    edges = sorted((edge for u, v, edge in graph.edges() if u in nodes and v in nodes),
                   key=lambda e: (e.source, e.target, e.type, e.fact or ""))
    return node_list, edges


def _edge_label(edge: Edge, with_fact: bool) -> str:
    label = edge.type
    if edge.range is not None:
        label += f" @{edge.range.text}"
    if with_fact and edge.fact:
        label += f" {edge.fact}"
    return label


def as_json(report: Report, around: str | None = None, depth: int = 1) -> str:
    """The graph as the site's `graph.json` has it (one serializer, one schema), without the
    site's URLs; `around` keeps the neighbourhood and the findings that name it."""
    from mkdocs_coherence.site.graph_json import dumps, graph_data
    from mkdocs_coherence.site.model import SiteModel

    only = None if around is None else neighbourhood(report.graph, find_node(report.graph, around), depth)
    return dumps(graph_data(SiteModel(report, lambda document_id: None), only=only)).rstrip("\n")


# --- Mermaid ---------------------------------------------------------------------------

_MERMAID_SHAPES = {"intent": ('(["', '"])'), "contract": ('["', '"]'), "decision": ('{{"', '"}}')}


def _label(document) -> str:
    status = f" · {document.status}" if document.status else ""
    return f"{document.id}: {document.title}{status}" if document.title != document.id else f"{document.id}{status}"


def as_mermaid(graph: Graph, around: str | None = None, depth: int = 1) -> str:
    documents, edges = selection(graph, around, depth)
    names = {d.id: f"n{i}" for i, d in enumerate(documents)}
    lines = ["flowchart LR"]
    for document in documents:
        opening, closing = _MERMAID_SHAPES.get(document.kind, ('["', '"]'))
        lines.append(f"  {names[document.id]}{opening}{mermaid_label(_label(document))}{closing}:::{document.kind}")
    for edge in edges:
        arrow = "-.->" if edge.type == "assumes" else "-->"
        lines.append(f'  {names[edge.source]} {arrow}|"{mermaid_label(_edge_label(edge, True))}"| {names[edge.target]}')
    lines += ["  classDef intent fill:#e3f2fd,stroke:#1565c0",
              "  classDef contract fill:#e8f5e9,stroke:#2e7d32",
              "  classDef decision fill:#fff3e0,stroke:#ef6c00"]
    return "\n".join(lines)


# --- Graphviz DOT ----------------------------------------------------------------------

_DOT_SHAPES = {"intent": "ellipse", "contract": "box", "decision": "hexagon"}


def as_dot(graph: Graph, around: str | None = None, depth: int = 1) -> str:
    documents, edges = selection(graph, around, depth)
    lines = ["digraph coherence {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    for document in documents:
        lines.append(f"  {dot_string(document.id)} [label={dot_string(_label(document))}, "
                     f"shape={_DOT_SHAPES.get(document.kind, 'box')}, tooltip={dot_string(document.rel)}];")
    for edge in edges:
        style = ", style=dashed" if edge.type == "assumes" else ""
        lines.append(f"  {dot_string(edge.source)} -> {dot_string(edge.target)} "
                     f"[label={dot_string(_edge_label(edge, False))}{style}];")
    lines.append("}")
    return "\n".join(lines)


def render_diagram(graph: Graph, fmt: str, around: str | None = None, depth: int = 1) -> str:
    return {"mermaid": as_mermaid, "dot": as_dot}[fmt](graph, around, depth)
