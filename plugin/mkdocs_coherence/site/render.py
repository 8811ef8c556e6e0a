"""Jinja2 rendering of panels: autoescaped, templates overridable from the theme's custom_dir."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

import jinja2
from markupsafe import Markup

from mkdocs_coherence.check import Report
from mkdocs_coherence.core.findings import Severity
from mkdocs_coherence.core.graph import Edge
from mkdocs_coherence.core.model import Document

# Admonition classes understood by mkdocs-material and styled by the built-in theme too.
ADMONITION = {Severity.ERROR: "danger", Severity.WARNING: "warning", Severity.INFO: "info"}
CATEGORY_ADMONITION = {"error": "danger", "conflict": "warning", "stale": "note", "warning": "warning",
                       "info": "info"}


def environment(template_dirs: Iterable[str] = ()) -> jinja2.Environment:
    """Templates under `coherence/` in any of `template_dirs` win over the packaged ones."""
    return _environment(tuple(template_dirs))


@lru_cache(maxsize=1)
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between processes: compiling the panel and page templates costs
    about a tenth of a plain 1,000-page build, every build. Jinja's own default place (a private
    folder in the system temp dir, owner and mode checked), never the repository: a repository
    could ship a crafted cache."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no safe temp dir: compile every time, as before
        return None


def template_environment(template_dirs: tuple[str, ...], **options) -> jinja2.Environment:
    """Autoescaped, strict; `template_dirs` (the theme's) win over the packaged templates."""
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(list(template_dirs)),
        jinja2.PackageLoader("mkdocs_coherence", "templates"),
    ])
    env = jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined, bytecode_cache=bytecode_cache(), **options)
    # A finding's `backticks` as <code>, the rest escaped: in HTML (the panel), in a page's Markdown.
    env.filters["code_spans"] = _code_spans
    env.filters["markdown_code_spans"] = _markdown_code_spans
    return env


def _code_spans(value) -> Markup:
    from mkdocs_coherence.site.escape import html_code_spans

    return Markup(html_code_spans(value))


def _markdown_code_spans(value) -> Markup:
    from mkdocs_coherence.site.escape import markdown_code_spans

    return Markup(markdown_code_spans(value))


@lru_cache(maxsize=8)
def _environment(template_dirs: tuple[str, ...]) -> jinja2.Environment:
    # One environment per theme: it caches compiled templates (and reloads edited ones), so a
    # panel costs a render, not a compile.
    return template_environment(template_dirs)


@dataclass(frozen=True, slots=True)
class Link:
    """A panel's view of one edge from the other end: that document's id, title and page."""

    edge: Edge
    id: str
    title: str
    url: str | None

    @property
    def type(self) -> str:
        return self.edge.type

    @property
    def detail(self) -> str | None:
        """The range it pins, or the fact it assumes."""
        return self.edge.range.text if self.edge.range is not None else self.edge.fact


SOURCE_ROWS = 50  # derived facts listed on a panel; the rest are counted (graph.json has them all)


def source_link(repo_url: str | None) -> Callable[[str], str | None]:
    """A link to a file of the repository (path from its root) on its host, from mkdocs.yml's
    `repo_url`: GitHub and the like `blob/HEAD/`, GitLab `-/blob/HEAD/`, Bitbucket `src/HEAD/`;
    nothing without a `repo_url` (or with one that is not http(s))."""
    from urllib.parse import quote

    from mkdocs_coherence.site.escape import safe_link_target

    base = safe_link_target((repo_url or "").strip().rstrip("/")) if repo_url else None
    if not base or not base.lower().startswith(("http://", "https://")):
        return lambda path: None
    host = base.split("/")[2].lower()
    middle = "-/blob/HEAD" if "gitlab" in host else "src/HEAD" if "bitbucket" in host else "blob/HEAD"
    return lambda path: f"{base}/{middle}/{quote(path)}"


def source_panel(document: Document, source_url: Callable[[str], str | None]) -> dict | None:
    """What a contract bound to code (`source`) shows: the file and pointer, a link to it where
    the site has a `repo_url`, and the derived facts as (fact, value, required) rows."""
    from mkdocs_coherence.core.values import show_fact

    artifact = getattr(document, "artifact", None)
    if artifact is None:
        return None
    path = artifact.repo_path or artifact.path
    rows = [(fact, show_fact(value) + (" or null" if fact in artifact.nullable else ""),
             "yes" if fact in artifact.required else "no") for fact, value in artifact.facts.items()]
    return {
        "shown": f"{path}#{artifact.pointer}" if artifact.pointer else path,
        "url": source_url(artifact.repo_path) if artifact.repo_path else None,
        "readable": artifact.ok,
        "rows": rows[:SOURCE_ROWS] if artifact.ok else [],
        "more": max(0, len(rows) - SOURCE_ROWS) if artifact.ok else 0,
    }


def panel_context(document: Document, report: Report, url_of: Callable[[str], str | None],
                  context_url: str | None = None, source_url: Callable[[str], str | None] = lambda path: None) -> dict:
    """What a document's panel shows; `url_of(id)` gives a link relative to the page, or None;
    `context_url` the document's context bundle, relative to the page; `source_url(path)` a
    link to a file of the repository (see `source_link`), or None."""
    from mkdocs_coherence.site.local_graph import graph_data, local_graph
    from mkdocs_coherence.site.model import category, what_to_do

    graph = report.graph
    index = graph.index

    def link(edge: Edge, other_id: str) -> Link:
        other = index.get(other_id)
        return Link(edge, other_id, other.title if other else other_id, url_of(other_id))

    outgoing = [link(edge, edge.target) for edge in graph.out_edges(document.id)]
    incoming = [link(edge, edge.source) for edge in graph.in_edges(document.id)]
    unresolved = graph.unresolved_of.get(document.id, []) if index.get(document.id) is document else []
    findings, waived, resolved = report.about(document)
    # Errors, then warnings, then infos; by line within each (those about the whole file last).
    findings = sorted(findings, key=lambda f: (-f.severity, f.line is None, f.line or 0))
    categories = [category(f) for f in findings]
    values = document.values
    facts = [(name, values.get(name)) for name in ("version", "goal", "risk", "decides", "date")]
    layout = local_graph(graph, document.id, url_of)
    return {
        "document": document,
        "owners": document.owners,
        "facts": [(name, value) for name, value in facts if value],
        "outgoing": sorted(outgoing, key=lambda l: (l.type, l.id)),
        "incoming": sorted(incoming, key=lambda l: (l.type, l.id)),
        "unresolved": unresolved,
        "findings": [(CATEGORY_ADMONITION[c], f) for c, f in zip(categories, findings)],
        # (admonition class, category: error/conflict/stale/warning/info, finding, what to do)
        "categorised": [(CATEGORY_ADMONITION[c], c, f, what_to_do(f)) for c, f in zip(categories, findings)],
        "waived": waived,
        "resolved": resolved,
        "status": graph.effective_status(document),
        "tags": [str(tag) for tag in values.get("tags") or []],
        "source": source_panel(document, source_url),
        "local_graph": layout,
        # What assets/panel.js draws the graph from (`data-graph`): local_graph, as compact JSON.
        "local_graph_data": graph_data(layout) if layout is not None else None,
        "context_url": context_url,
    }


PANEL_TEMPLATE = "coherence/panel.html"


def overrides_panel(template_dirs: Iterable[str]) -> bool:
    """Does one of the theme's folders (its `custom_dir` first) hold its own panel template?"""
    return any(os.path.isfile(os.path.join(folder, PANEL_TEMPLATE)) for folder in template_dirs)


def panel_renderer(template_dirs: Iterable[str] = ()) -> Callable[[dict], str]:
    """How this build draws a panel from `panel_context`: the theme's own template when it has
    one, else the packaged panel written in Python (`panel_html`, the same bytes as the packaged
    template, about five times faster). Chosen once per build, so an override added or edited
    under `mkdocs serve` is picked up by the next build."""
    template_dirs = tuple(template_dirs)
    if overrides_panel(template_dirs):
        return environment(template_dirs).get_template(PANEL_TEMPLATE).render
    from mkdocs_coherence.site.panel_html import default_panel

    return default_panel
