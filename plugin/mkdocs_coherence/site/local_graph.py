"""The one-hop graph on a document's panel: laid out here, handed to the page as a small
`data-graph` attribute (`graph_data`) and drawn as SVG by the bundled `assets/panel.js`
(ADR-0024: inline SVG doubled every page's HTML and Material's search index, and broke
Material's instant navigation). Without JavaScript the panel's link lists are the graph.

The document sits in the middle, what it references on the right, what references it on the
left, one box per neighbour with every edge type between the two written on the line. Beyond
`MAX_PER_SIDE` neighbours a side says how many more there are (the panel's link lists always
name them all). `panel.js` uses the same sizes as the constants below.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

from mkdocs_coherence.core.graph import Edge, Graph

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
    # Neighbours it references (right) and the others that reference it (left). A hub has
    # thousands on its left: only the boxes shown get their labels.
    out_of = {n: edges for n, edges in graph.succ[document_id].items() if n != document_id}
    into = {n: edges for n, edges in graph.pred[document_id].items() if n != document_id}
    if not out_of and not into:
        return None
    right = sorted(out_of)  # (a neighbour is in `succ` once an edge to it is added: never without edges)
    left = sorted(n for n in into if n not in out_of)

    def labels(neighbour: str) -> dict[str, list[str]]:
        return {"out": [_edge_label(edge) for edge in out_of.get(neighbour, ())],
                "in": [_edge_label(edge) for edge in into.get(neighbour, ())]}

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
            edge = labels(other_id)
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


def graph_data(layout: LocalGraph) -> str:
    """The layout as the compact JSON of the panel's `data-graph` attribute, which
    `assets/panel.js` draws: `c` the centre (title, kind, status); `n` one row per neighbour
    shown (id, title, kind, status, URL or null, direction seen from the document: 1 it
    references the neighbour, 2 the neighbour references it, 3 both; its line's label), right
    side first, in layout order; `m` how many more each side has (left, right). Escape it for
    the attribute it lands in."""
    rows = [[box.id, box.title, box.kind, box.status, box.url, line.outgoing + 2 * line.incoming, line.label]
            for box, line in zip(layout.boxes, layout.lines)]  # one line per box, in the same order
    centre = layout.centre
    return json.dumps({"c": [centre.title, centre.kind, centre.status], "n": rows,
                       "m": [layout.more_left, layout.more_right]}, ensure_ascii=False, separators=(",", ":"))
