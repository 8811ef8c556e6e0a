"""The generated pages (overview, decision log, intent board, contract catalogue, conflicts,
stale context, graph): Markdown rendered from Jinja2 templates under `coherence/pages/`,
overridable from the theme's custom_dir like the panel.

Every value a template prints goes through `markdown_text` unless it is `Markup` built here:
front-matter text reaches the Markdown as character references, so no title can open a
link, a table cell, emphasis or raw HTML. Knows nothing of MkDocs: URLs come in as strings.

Large tables and lists are written as HTML inside `{% call html() %}…{% endcall %}`: the
Markdown holds a placeholder paragraph and `HtmlBlocks.inject` puts the HTML in its place
after MkDocs converted the page. Python-Markdown is slow on large tables (and would run its
HTML parser over a raw HTML block), while headings stay Markdown for the table of contents.
"""

from __future__ import annotations

import os
import posixpath
import re
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from mkdocs_coherence.site.escape import html_attribute, markdown_text
from mkdocs_coherence.site.page_tables import contract_catalogue, intent_board
from mkdocs_coherence.site.render import template_environment
from mkdocs_coherence.site.model import RULES, SiteModel, TIERS, category, relative_url, tier_of, what_to_do

def _finalize(value):
    if isinstance(value, Markup) or hasattr(value, "__html__"):
        return value
    return Markup(markdown_text(value))


def markdown_environment(template_dirs: Iterable[str] = ()) -> jinja2.Environment:
    return _markdown_environment(tuple(template_dirs))


@lru_cache(maxsize=8)
def _markdown_environment(template_dirs: tuple[str, ...]) -> jinja2.Environment:
    # One per theme, as for the panel: compiling the page templates costs more than rendering
    # them, and `mkdocs serve` rebuilds would compile them again on every save.
    return template_environment(template_dirs, finalize=_finalize, keep_trailing_newline=True)


@dataclass
class HtmlBlocks:
    """The HTML blocks of one generated page, by the placeholder that stands for each in its
    Markdown. Placeholders carry a random nonce, so no text of the page can spell one."""

    nonce: str = field(default_factory=lambda: secrets.token_hex(8))
    blocks: dict[str, str] = field(default_factory=dict)

    def __call__(self, caller) -> Markup:
        """`{% call html() %}…{% endcall %}`: keep the rendered HTML, print its placeholder."""
        token = f"coherencehtml{self.nonce}n{len(self.blocks)}"
        self.blocks[token] = str(caller()).strip("\n")
        return Markup(f"\n\n{token}\n\n")

    def inject(self, html: str) -> str:
        """The converted page with each placeholder paragraph replaced by its HTML."""
        if not self.blocks:
            return html
        return self._placeholders().sub(lambda m: self.blocks.get(m.group(1) or m.group(2), m.group(0)), html)

    def mark(self, html: str) -> str:
        """The converted page with each placeholder paragraph replaced by a comment that `fill`
        replaces with its HTML: the page's content carries the blocks' places but not their
        HTML, so the search plugins (and any plugin that parses page.content) skip them."""
        if not self.blocks:
            return html
        return self._placeholders().sub(
            lambda m: f"<!--{m.group(1) or m.group(2)}-->" if (m.group(1) or m.group(2)) in self.blocks else m.group(0),
            html)

    def fill(self, output: str) -> str:
        """The page's final HTML with each comment `mark` left replaced by its block."""
        if not self.blocks or f"<!--coherencehtml{self.nonce}n" not in output:
            return output
        return re.sub(f"<!--(coherencehtml{self.nonce}n[0-9]+)-->", lambda m: self.blocks.get(m.group(1), m.group(0)),
                      output)

    def _placeholders(self) -> re.Pattern:
        return re.compile(f"<p>(coherencehtml{self.nonce}n[0-9]+)</p>|(coherencehtml{self.nonce}n[0-9]+)")


@dataclass
class GeneratedPage:
    markdown: str
    html: HtmlBlocks  # to inject into the page's HTML once MkDocs converted `markdown`


@dataclass(frozen=True)
class PageSpec:
    name: str  # template and file stem
    title: str
    # Whether the page's HTML blocks are in its content, where the search plugins index them.
    # The listings of documents (each with its own page) are not: their blocks go in after the
    # search plugins parsed the page (ADR-0027); the findings on conflicts and stale stay.
    searchable: bool = True


PAGES = (
    PageSpec("index", "Overview", searchable=False),
    PageSpec("decisions", "Decision log", searchable=False),
    PageSpec("intents", "Intent board", searchable=False),
    PageSpec("contracts", "Contract catalogue", searchable=False),
    PageSpec("conflicts", "Conflicts"),
    PageSpec("stale", "Stale context"),
    PageSpec("graph", "Graph"),
)


PYTHON_PAGES = {  # name -> the packaged template's bytes written in Python (site/page_tables.py)
    "intents": lambda env, model, link, status_badge, html: intent_board(env, model, link, html),
    "contracts": contract_catalogue,
}


def _theme_overrides(env: jinja2.Environment, name: str) -> bool:
    """Does the theme (a folder searched before the packaged templates) have its own template
    of page `name`, or of the macros it imports? Unknown loaders count as overriding."""
    loader = env.loader
    first = loader.loaders[0] if isinstance(loader, jinja2.ChoiceLoader) and loader.loaders else None
    if not isinstance(first, jinja2.FileSystemLoader):
        return True
    return any(os.path.isfile(os.path.join(folder, "coherence", "pages", template))
               for folder in first.searchpath for template in (f"{name}.md", "_macros.md"))


def render_pages(model: SiteModel, env: jinja2.Environment, page_urls: dict[str, str], sources: dict[str, str],
                 assets: dict[str, str], graph_stats: dict | None = None,
                 python_pages: bool = True) -> dict[str, GeneratedPage]:
    """Every generated page. `page_urls[name]` is each page's URL, `sources[name]` its source
    path, and `assets[name]` each published file's path, all relative to the site root. HTML
    links (`link`, `href`) are relative to the page's URL; Markdown links (`page`, `src`) to its
    source, as MkDocs resolves them. `html` keeps a block of HTML out of the Markdown. With
    `python_pages`, the pages `PYTHON_PAGES` has are written in Python unless the theme
    overrides their templates."""
    out = {}
    badges: dict[str, Markup] = {}

    def status_badge(document) -> Markup:
        """What the `status` macro of `_macros.md` prints, made once per status: a catalogue
        prints one per consumer row."""
        status = model.status(document)
        if status not in badges:
            shown = markdown_text(status)
            badges[status] = Markup(f'<span class="coherence-badge coherence-status coherence-status--{shown}">'
                                    f"{shown}</span>")
        return badges[status]

    for spec in PAGES:
        here = page_urls[spec.name]
        hrefs: dict[str, Markup] = {}  # a document is linked from many rows of one page
        links: dict[tuple[str, str | None], Markup] = {}

        def href(url: str, here=here, hrefs=hrefs) -> Markup:
            if url not in hrefs:
                hrefs[url] = Markup(html_attribute(quote(relative_url(url, here), safe="/#%.:-_~")))
            return hrefs[url]

        def link(document_id: str, title: str | None = None, links=links, href=href) -> Markup:
            if not (isinstance(document_id, str) and (title is None or isinstance(title, str))):
                return make_link(document_id, title, href)  # whatever a custom template passes
            if (document_id, title) not in links:
                links[document_id, title] = make_link(document_id, title, href)
            return links[document_id, title]

        def make_link(document_id: str, title: str | None, href) -> Markup:
            document = model.by_id.get(document_id)
            text = markdown_text(title if title is not None else (document.title if document else document_id))
            target = model.url(document_id)
            if target is None:
                return Markup(text)
            if document is not None and document.external is not None:  # the owners' site, absolute
                where = html_attribute(quote(target, safe="/#%.:-_~?=&"))
                return Markup(f'<a href="{where}" class="coherence-external">{text}</a>')
            css = ' class="coherence-superseded"' if document is not None and \
                model.graph.effective_status(document) == "superseded" else ""
            return Markup(f'<a href="{href(target)}"{css}>{text}</a>')

        def page(name: str, anchor: str = "") -> Markup:
            """A Markdown link target to another generated page (they share one folder)."""
            return Markup(html_attribute(quote(f"{name}.md" + (f"#{anchor}" if anchor else ""), safe="/#%.:-_~")))

        def src(uri: str, folder=posixpath.dirname(sources[spec.name])) -> Markup:
            """A Markdown link target to a generated file, relative to this page's source."""
            return Markup(html_attribute(quote(posixpath.relpath(uri, folder or "."), safe="/#%.:-_~")))

        blocks = HtmlBlocks()
        context = {
            "status_badge": status_badge,
            "m": model, "link": link, "href": href, "page": page, "src": src,
            "html": blocks, "pages": PAGES, "assets": assets, "RULES": RULES, "TIERS": TIERS,
            "category": category, "tier_of": tier_of, "what_to_do": what_to_do, "stats": graph_stats or {},
        }
        fast = PYTHON_PAGES.get(spec.name) if python_pages and not _theme_overrides(env, spec.name) else None
        if fast is not None:  # the board and the catalogue: the template's bytes, in Python
            markdown = fast(env, model, link, status_badge, blocks)
        else:
            markdown = env.get_template(f"coherence/pages/{spec.name}.md").render(**context)
        out[spec.name] = GeneratedPage(markdown, blocks)
    return out
