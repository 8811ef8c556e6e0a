"""Jinja2 rendering of panels: autoescaped, templates overridable from the theme's custom_dir."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

import jinja2

from .engine import Report
from .findings import Severity
from .model import Document

# Admonition classes understood by mkdocs-material and styled by the built-in theme too.
ADMONITION = {Severity.ERROR: "danger", Severity.WARNING: "warning", Severity.INFO: "info"}
CATEGORY_ADMONITION = {"error": "danger", "conflict": "warning", "stale": "note", "warning": "warning",
                       "info": "info"}


def environment(template_dirs: Iterable[str] = ()) -> jinja2.Environment:
    """Templates under `coherence/` in any of `template_dirs` win over the packaged ones."""
    return _environment(tuple(template_dirs))


@lru_cache(maxsize=8)
def _environment(template_dirs: tuple[str, ...]) -> jinja2.Environment:
    # One environment per theme: it caches compiled templates (and reloads edited ones), so a
    # panel costs a render, not a compile.
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(list(template_dirs)),
        jinja2.PackageLoader("coherence", "templates"),
    ])
    return jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined)


@dataclass
class Link:
    type: str
    id: str
    title: str
    url: str | None
    detail: str | None = None


def panel_context(document: Document, report: Report, url_of: Callable[[str], str | None],
                  context_url: str | None = None) -> dict:
    """What a document's panel shows; `url_of(id)` gives a link relative to the page, or None;
    `context_url` the document's context bundle, relative to the page."""
    from .local_graph import local_graph
    from .site import category, what_to_do

    index = report.graph.index

    def link(other_id: str, edge: dict) -> Link:
        other = index.get(other_id)
        detail = edge.get("range") or edge.get("fact")
        return Link(edge["type"], other_id, other.title if other else other_id, url_of(other_id), detail)

    graph = report.graph.graph
    outgoing = [link(target, data) for _, target, data in graph.out_edges(document.id, data=True)] \
        if document.id in graph else []
    incoming = [link(source, data) for source, data in report.graph.references_to(document.id)] \
        if document.id in graph else []
    unresolved = report.graph.unresolved_of.get(document.id, []) if index.get(document.id) is document else []
    findings, waived, resolved = report.about(document)
    facts = [("version", document.values.get("version")), ("goal", document.values.get("goal")),
             ("risk", document.values.get("risk")), ("decides", document.values.get("decides")),
             ("date", document.values.get("date"))]
    return {
        "document": document,
        "owners": document.owners,
        "facts": [(name, value) for name, value in facts if value],
        "outgoing": sorted(outgoing, key=lambda l: (l.type, l.id)),
        "incoming": sorted(incoming, key=lambda l: (l.type, l.id)),
        "unresolved": unresolved,
        "findings": [(CATEGORY_ADMONITION[category(f)], f) for f in findings],
        # (admonition class, category: error/conflict/stale/warning/info, finding, what to do)
        "categorised": [(CATEGORY_ADMONITION[category(f)], category(f), f, what_to_do(f)) for f in findings],
        "waived": waived,
        "resolved": resolved,
        "status": report.graph.effective_status(document),
        "tags": [str(tag) for tag in document.values.get("tags") or []],
        "local_graph": local_graph(report.graph, document.id, url_of),
        "context_url": context_url,
    }


def render_panel(env: jinja2.Environment, context: dict) -> str:
    return env.get_template("coherence/panel.html").render(**context)

