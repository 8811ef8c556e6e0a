"""The one-hop graph on a document's panel: laid out and drawn as inline SVG here (`svg`), so
a panel costs a few string joins rather than a hundred template lookups.

No JavaScript: the document sits in the middle, what it references on the right, what
references it on the left, one box per neighbour with every edge type between the two
written on the line. Beyond `MAX_PER_SIDE` neighbours a side says how many more there are
(the panel's link lists above the graph always name them all).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from markupsafe import Markup

from mkdocs_coherence.core.graph import Edge, Graph
from mkdocs_coherence.site.escape import html_attribute, html_text

MAX_PER_SIDE = 8
ROW = 34
BOX_W, BOX_H = 168, 26
WIDTH = 720
LEFT_X, CENTRE_X, RIGHT_X = 4, (WIDTH - BOX_W) // 2, WIDTH - BOX_W - 4
MAX_LABEL = 24


def _short(text: str, limit: int = MAX_LABEL) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass
class Box:
    id: str
    label: str
    title: str  # full text, for the tooltip
    kind: str
    status: str
    url: str | None
    x: int
    y: int


@dataclass
class Line:
    x1: int
    y1: int
    x2: int
    y2: int
    label: str
    lx: int
    ly: int
    anchor: str
    outgoing: bool
    incoming: bool
    types: str

    @property
    def d(self) -> str:
        """A curve that leaves and enters the boxes horizontally, so labels sit clear of it."""
        bend = (self.x2 - self.x1) // 2
        return (f"M {self.x1} {self.y1} C {self.x1 + bend} {self.y1}, {self.x2 - bend} {self.y2}, "
                f"{self.x2} {self.y2}")


@dataclass
class LocalGraph:
    width: int
    height: int
    centre: Box
    boxes: list[Box] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    more_left: int = 0
    more_right: int = 0


def local_graph(graph: Graph, document_id: str, url_of: Callable[[str], str | None]) -> LocalGraph | None:
    """Layout of `document_id` and its neighbours, or None when it has none."""
    if document_id not in graph.succ:
        return None
    links: dict[str, dict[str, list[str]]] = {}  # neighbour -> {"out": [...], "in": [...]}
    for target, edges in graph.succ[document_id].items():
        if target != document_id:
            links.setdefault(target, {"out": [], "in": []})["out"].extend(_edge_label(edge) for edge in edges)
    for source, edges in graph.pred[document_id].items():
        if source != document_id:
            links.setdefault(source, {"out": [], "in": []})["in"].extend(_edge_label(edge) for edge in edges)
    if not links:
        return None
    right = sorted(n for n, l in links.items() if l["out"])
    left = sorted(n for n, l in links.items() if not l["out"])
    shown_right, shown_left = right[:MAX_PER_SIDE], left[:MAX_PER_SIDE]
    rows = max(len(shown_right) + (len(right) > MAX_PER_SIDE), len(shown_left) + (len(left) > MAX_PER_SIDE), 1)
    height = rows * ROW + 8
    centre_doc = graph.index[document_id]
    centre = Box(document_id, _short(centre_doc.title), centre_doc.title, centre_doc.kind,
                 graph.effective_status(centre_doc) or "none", None, CENTRE_X, (height - BOX_H) // 2)
    result = LocalGraph(WIDTH, height, centre, more_left=len(left) - len(shown_left),
                        more_right=len(right) - len(shown_right))
    for side, ids in (("right", shown_right), ("left", shown_left)):
        count = len(ids) + (len(right if side == "right" else left) > MAX_PER_SIDE)
        top = (height - count * ROW) // 2 + (ROW - BOX_H) // 2
        for row, other_id in enumerate(ids):
            other = graph.index[other_id]
            x = RIGHT_X if side == "right" else LEFT_X
            box = Box(other_id, _short(other.title), other.title, other.kind,
                      graph.effective_status(other) or "none", url_of(other_id), x, top + row * ROW)
            result.boxes.append(box)
            edge = links[other_id]
            parts = [*edge["out"], *("← " + label for label in edge["in"])] if side == "right" \
                else [label + " →" for label in edge["in"]]
            label = _short(", ".join(sorted(dict.fromkeys(parts))), 30)
            cy_centre, cy_other = centre.y + BOX_H // 2, box.y + BOX_H // 2
            if side == "right":
                x1, x2, lx, anchor = CENTRE_X + BOX_W, x, x - 6, "end"
            else:
                x1, x2, lx, anchor = CENTRE_X, x + BOX_W, x + BOX_W + 6, "start"
            result.lines.append(Line(x1, cy_centre, x2, cy_other, label, lx, cy_other - 5, anchor,
                                     outgoing=bool(edge["out"]), incoming=bool(edge["in"]),
                                     types=" ".join(sorted({p.split()[0] for p in edge["out"] + edge["in"]}))))
    return result


def _edge_label(edge: Edge) -> str:
    return f"{edge.type} @{edge.range.text}" if edge.range is not None else edge.type


_DEFS = ('<defs><marker id="coherence-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
         'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
         'class="coherence-arrowhead"/></marker></defs>')


def _node(box: Box, css: str) -> str:
    return (f'<g class="{css}"><title>{html_text(box.id)}: {html_text(box.title)} ({html_text(box.kind)}, '
            f'{html_text(box.status)})</title><rect x="{box.x}" y="{box.y}" width="{BOX_W}" height="{BOX_H}" rx="6"/>'
            f'<text x="{box.x + BOX_W // 2}" y="{box.y + 17}" text-anchor="middle">{html_text(box.label)}</text></g>')


def svg(layout: LocalGraph, document_id: str) -> Markup:
    """The layout as an escaped `<figure>` with inline SVG: edges, then the centre, then the
    neighbours (each a link to its page when it has one), then the "+N more" notes."""
    parts = [
        '<figure class="coherence-local-graph">\n'
        f'<svg viewBox="0 0 {layout.width} {layout.height}" width="{layout.width}" height="{layout.height}" '
        f'role="img" aria-label="{html_attribute(document_id)} and the documents one link away" '
        'xmlns="http://www.w3.org/2000/svg">\n' + _DEFS + "\n"]
    for line in layout.lines:
        markers = (' marker-end="url(#coherence-arrow)"' if line.outgoing and line.x2 > line.x1 else "") \
            + (' marker-start="url(#coherence-arrow)"' if line.incoming else "")
        parts.append(f'<path class="coherence-edge" data-types="{html_attribute(line.types)}" d="{line.d}"{markers}/>\n'
                     f'<text class="coherence-edge-label" x="{line.lx}" y="{line.ly}" '
                     f'text-anchor="{line.anchor}">{html_text(line.label)}</text>\n')
    centre = layout.centre
    parts.append(_node(centre, f"coherence-node coherence-node--centre coherence-kind--{html_attribute(centre.kind)}") + "\n")
    for box in layout.boxes:
        node = _node(box, f'coherence-node coherence-kind--{html_attribute(box.kind)} coherence-status--{html_attribute(box.status)}" '
                          f'data-id="{html_attribute(box.id)}')
        parts.append(f'<a href="{html_attribute(box.url)}">{node}</a>' if box.url else node)
    if layout.more_left:
        parts.append(f'<text class="coherence-more" x="88" y="{layout.height - 8}" text-anchor="middle">'
                     f'+{layout.more_left} more (listed above)</text>')
    if layout.more_right:
        parts.append(f'<text class="coherence-more" x="{layout.width - 88}" y="{layout.height - 8}" '
                     f'text-anchor="middle">+{layout.more_right} more (listed above)</text>')
    parts.append("</svg>\n</figure>")
    return Markup("".join(parts))
