"""`coherence graph`: the dependency graph as Mermaid, Graphviz DOT or JSON.

Every label is escaped for its format, so a title with quotes, brackets or `#` can never
break the diagram or inject syntax. Output is sorted: the same tree gives the same bytes.
"""

from __future__ import annotations

import json
from collections import deque
from datetime import date

from mkdocs_coherence.core.graph import ADR_REFERENCE, Graph
from mkdocs_coherence.core.suggest import closest
from mkdocs_coherence.site.escape import dot_string, mermaid_label

GRAPH_FORMATS = ("mermaid", "dot", "json")
GRAPH_JSON_VERSION = 1


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
    g = graph.graph
    while queue:
        node, distance = queue.popleft()
        if distance >= depth:
            continue
        for other in list(g.successors(node)) + list(g.predecessors(node)):
            if other not in seen:
                seen.add(other)
                queue.append((other, distance + 1))
    return seen


def _date(value) -> str | None:
    return value.isoformat() if isinstance(value, date) else None


def selection(graph: Graph, around: str | None, depth: int) -> tuple[list, list]:
    nodes = set(graph.graph.nodes) if around is None else neighbourhood(graph, find_node(graph, around), depth)
    node_list = [graph.index[n] for n in sorted(nodes)]
    edges = sorted(
        ((u, v, dict(data)) for u, v, data in graph.graph.edges(data=True) if u in nodes and v in nodes),
        key=lambda e: (e[0], e[1], e[2].get("type") or "", e[2].get("fact") or ""))
    return node_list, edges


def as_json(graph: Graph, around: str | None = None, depth: int = 1) -> str:
    documents, edges = selection(graph, around, depth)
    data = {
        "version": GRAPH_JSON_VERSION,
        "nodes": [{"id": d.id, "kind": d.kind, "path": d.rel, "title": d.title, "status": d.status,
                   "date": _date(d.values.get("date"))} for d in documents],
        "edges": [{"source": u, "target": v, "type": data.get("type"),
                   **({"range": data["range"]} if data.get("range") else {}),
                   **({"fact": data["fact"]} if data.get("fact") else {}),
                   **({"derived": True} if data.get("derived") else {})} for u, v, data in edges],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


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
    for u, v, data in edges:
        label = data.get("type") or ""
        if data.get("range"):
            label += f" @{data['range']}"
        if data.get("fact"):
            label += f" {data['fact']}"
        arrow = "-.->" if data.get("type") == "assumes" else "-->"
        lines.append(f'  {names[u]} {arrow}|"{mermaid_label(label)}"| {names[v]}')
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
    for u, v, data in edges:
        label = data.get("type") or ""
        if data.get("range"):
            label += f" @{data['range']}"
        style = ", style=dashed" if data.get("type") == "assumes" else ""
        lines.append(f"  {dot_string(u)} -> {dot_string(v)} [label={dot_string(label)}{style}];")
    lines.append("}")
    return "\n".join(lines)


def render_graph(graph: Graph, fmt: str, around: str | None = None, depth: int = 1) -> str:
    return {"json": as_json, "mermaid": as_mermaid, "dot": as_dot}[fmt](graph, around, depth)
