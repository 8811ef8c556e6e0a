"""The living site's generated files, decided without MkDocs: the stylesheet and scripts,
graph.json with its schema, llms.txt, one context bundle per document, and the nav section
for the generated pages. `publish.py` turns them into MkDocs files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files as package_files
from typing import Any, Callable

from mkdocs_coherence.check import Report
from mkdocs_coherence.core.loader.reading import SourceCache
from mkdocs_coherence.site.bundles import ContextBundles
from mkdocs_coherence.site.escape import script_json
from mkdocs_coherence.site.graph_json import dumps, graph_data, llms_txt, schema_text
from mkdocs_coherence.site.model import SiteModel
from mkdocs_coherence.site.pages import PAGES

PAGES_DIR = "coherence"  # generated pages: coherence/index.md, coherence/graph.md, ...
ASSETS_DIR = "assets/coherence"
CSS = f"{ASSETS_DIR}/coherence.css"
PANEL_JS = f"{ASSETS_DIR}/panel.js"  # draws each panel's local graph (ADR-0024)
NAV_TITLE = "Coherence"
ASSETS = (("coherence.css", ("assets", "coherence.css")), ("panel.js", ("assets", "panel.js")),
          ("graph.js", ("assets", "graph.js")),
          ("decision-log.js", ("assets", "decision-log.js")),
          ("cytoscape.min.js", ("assets", "vendor", "cytoscape.min.js")),
          ("cytoscape.LICENSE", ("assets", "vendor", "cytoscape.LICENSE")))  # name -> file in the package


# mkdocs-material shows a page's `status:` as an icon in the navigation (its page-status
# feature) with the title it finds in `extra.status`; without one, every status is the same
# unexplained icon. These are the titles for the lifecycles of DESIGN §4; the icons are in
# coherence.css (`.md-status--accepted` ...). A title the user wrote in `extra.status` wins.
STATUS_TITLES = {
    "draft": "Draft: being written, not agreed yet",
    "proposed": "Proposed: a decision under discussion",
    "active": "Active: in force, or being built",
    "accepted": "Accepted: a decision in force",
    "shipped": "Shipped: delivered",
    "deprecated": "Deprecated: still in force, on its way out",
    "superseded": "Superseded: replaced by a later decision",
    "retired": "Retired: no longer in force",
    "rejected": "Rejected: a decision not taken",
    "abandoned": "Abandoned: work stopped",
}


def status_titles(configured: Any) -> dict[str, str]:
    """`extra.status` with a title for every lifecycle status the user left undefined."""
    titles = dict(STATUS_TITLES)
    if isinstance(configured, dict):
        titles.update(configured)
    return titles


def nav_section(nav: Any) -> dict | None:
    """The nav section of the generated pages to append to the user's nav; None when there is
    no nav (MkDocs lists every page) or it already names one of them."""
    if not nav or _mentions(nav, PAGES_DIR + "/"):
        return None
    return {NAV_TITLE: [{spec.title: page_uri(spec.name)} for spec in PAGES]}


def _mentions(nav: Any, prefix: str) -> bool:
    if isinstance(nav, str):
        return nav.startswith(prefix)
    if isinstance(nav, dict):
        return any(_mentions(value, prefix) for value in nav.values())
    if isinstance(nav, list):
        return any(_mentions(item, prefix) for item in nav)
    return False


def page_uri(name: str) -> str:
    return f"{PAGES_DIR}/{name}.md"


def context_urls(model: SiteModel) -> dict[str, str]:
    """Each document's context bundle: id -> URL relative to the site root."""
    return {document_id: f"context/{slug}.md" for document_id, slug in model.slugs.items()}


@dataclass
class GeneratedFiles:
    files: list[tuple[str, str]] = field(default_factory=list)  # (uri, content), assets first: pages link to them
    assets: dict[str, str] = field(default_factory=dict)  # file name -> uri, for the generated pages' links


def _package_text(*parts: str) -> str:
    return package_files("mkdocs_coherence").joinpath(*parts).read_text(encoding="utf-8")


def generated_files(model: SiteModel, report: Report, sources: SourceCache | None, site_name: str,
                    site_description: str | None, page_url: Callable[[str], str | None],
                    bundle_urls: dict[str, str], site_url: str | None = None) -> GeneratedFiles:
    """Every generated file but the pages. `sources`: the check's source cache, so the context
    bundles need not read each file again."""
    generated = GeneratedFiles()
    for name, parts in ASSETS:
        uri = f"{ASSETS_DIR}/{'vendor/' if 'vendor' in parts else ''}{name}"
        generated.files.append((uri, _package_text(*parts)))
        generated.assets[name] = uri
    graph_json = dumps(graph_data(model, context_url=lambda i: bundle_urls.get(i), site_url=site_url))
    machine = {
        "graph.json": graph_json,
        "graph.schema.json": schema_text(),
        f"{ASSETS_DIR}/graph-data.js": "window.coherenceGraph = " + script_json(graph_json.rstrip("\n")) + ";\n",
        "llms.txt": llms_txt(model, site_name, site_description, page_url, lambda i: bundle_urls[i]),
    }
    for uri, content in machine.items():
        generated.files.append((uri, content))
        generated.assets[uri.rsplit("/", 1)[-1]] = uri
    bundles = ContextBundles(report, sources)
    generated.files += [(uri, bundles.bundle(document_id)) for document_id, uri in bundle_urls.items()]
    return generated
