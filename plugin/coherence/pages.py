"""The generated pages (overview, decision log, intent board, contract catalogue, conflicts,
stale context, graph): Markdown rendered from Jinja2 templates under `coherence/pages/`,
overridable from the theme's custom_dir like the panel.

Every value a template prints goes through `markdown_text` unless it is `Markup` built here:
front-matter text reaches the Markdown as character references, so no title can open a
link, a table cell, emphasis or raw HTML. Knows nothing of MkDocs: URLs come in as strings.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from .site import RULES, SiteModel, TIERS, category, relative_url, tier_of, what_to_do

# Characters with a meaning in Markdown, its usual extensions (tables, attr_list, emoji,
# arithmatex, magiclink, critic, …) or HTML: written as numeric character references.
_SPECIAL = set("&<>\"'\\`*_{}[]()#+!|~^=:$@")


def markdown_text(value) -> str:
    """Inline Markdown that displays `value` literally: one line, specials as `&#NN;`."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return "".join(f"&#{ord(c)};" if c in _SPECIAL else c for c in text)


def _finalize(value):
    if isinstance(value, Markup) or hasattr(value, "__html__"):
        return value
    return Markup(markdown_text(value))


def markdown_environment(template_dirs: Iterable[str] = ()) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(list(template_dirs)),
        jinja2.PackageLoader("coherence", "templates"),
    ])
    return jinja2.Environment(loader=loader, autoescape=True, finalize=_finalize, trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


@dataclass(frozen=True)
class PageSpec:
    name: str  # template and file stem
    title: str


PAGES = (
    PageSpec("index", "Overview"),
    PageSpec("decisions", "Decision log"),
    PageSpec("intents", "Intent board"),
    PageSpec("contracts", "Contract catalogue"),
    PageSpec("conflicts", "Conflicts"),
    PageSpec("stale", "Stale context"),
    PageSpec("graph", "Graph"),
)


def render_pages(model: SiteModel, env: jinja2.Environment, page_urls: dict[str, str], sources: dict[str, str],
                 assets: dict[str, str], graph_stats: dict | None = None) -> dict[str, str]:
    """Markdown of every generated page. `page_urls[name]` is each page's URL, `sources[name]` its
    source path, and `assets[name]` each published file's path, all relative to the site root.
    HTML links (`link`, `href`) are relative to the page's URL; Markdown links (`page`, `src`)
    to its source, as MkDocs resolves them."""
    out = {}
    for spec in PAGES:
        here = page_urls[spec.name]

        def href(url: str, here=here) -> Markup:
            return Markup(escape(quote(relative_url(url, here), safe="/#%.:-_~")))

        def link(document_id: str, title: str | None = None, here=here) -> Markup:
            document = model.by_id.get(document_id)
            text = markdown_text(title if title is not None else (document.title if document else document_id))
            target = model.url(document_id)
            if target is None:
                return Markup(text)
            css = ' class="coherence-superseded"' if document is not None and \
                model.graph.effective_status(document) == "superseded" else ""
            return Markup(f'<a href="{href(target)}"{css}>{text}</a>')

        def page(name: str, anchor: str = "") -> Markup:
            """A Markdown link target to another generated page (they share one folder)."""
            return Markup(escape(quote(f"{name}.md" + (f"#{anchor}" if anchor else ""), safe="/#%.:-_~")))

        def src(uri: str, folder=posixpath.dirname(sources[spec.name])) -> Markup:
            """A Markdown link target to a generated file, relative to this page's source."""
            return Markup(escape(quote(posixpath.relpath(uri, folder or "."), safe="/#%.:-_~")))

        context = {
            "m": model, "link": link, "href": href, "page": page, "src": src, "pages": PAGES, "assets": assets,
            "RULES": RULES, "TIERS": TIERS, "category": category, "tier_of": tier_of,
            "what_to_do": what_to_do, "stats": graph_stats or {},
        }
        out[spec.name] = env.get_template(f"coherence/pages/{spec.name}.md").render(**context)
    return out
