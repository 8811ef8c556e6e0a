"""The MkDocs side of the living site: turns the core's pages and data into MkDocs `File`s.

Called by the plugin once per build (so `mkdocs serve` always shows the current state);
everything is generated in memory with `File.generated` and nothing is written into
docs_dir. A file of the user's at one of our paths wins, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files as package_files

from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files

from mkdocs_coherence.site.bundles import ContextBundles
from mkdocs_coherence.check import Report
from mkdocs_coherence.site.graph_json import dumps, graph_data, llms_txt, schema_text, script_safe
from mkdocs_coherence.core.loader.reading import SourceCache
from mkdocs_coherence.site.pages import PAGES, HtmlBlocks, markdown_environment, render_pages
from mkdocs_coherence.site.model import SiteModel
from mkdocs_coherence.site.writer import BackgroundWriter

log = get_plugin_logger("coherence")

PAGES_DIR = "coherence"  # generated pages: coherence/index.md, coherence/graph.md, ...
ASSETS_DIR = "assets/coherence"
CSS = f"{ASSETS_DIR}/coherence.css"
NAV_TITLE = "Coherence"


class PublishedFile(File):
    """A generated file published as it is, even with a `.md` name (the context bundles),
    written by the build's background writer when it has one."""

    writer: BackgroundWriter | None = None

    def is_documentation_page(self) -> bool:
        return False

    def copy_file(self, dirty: bool = False) -> None:
        if self.writer is None or self.abs_src_path is not None:  # another plugin gave it a source
            return super().copy_file(dirty)
        self.writer.write(self.abs_dest_path, self.content_bytes)


def _package_text(*parts: str) -> str:
    return package_files("mkdocs_coherence").joinpath(*parts).read_text(encoding="utf-8")


def configure(config) -> None:
    """on_config: our stylesheet, and a nav section when the user wrote a nav without one."""
    if CSS not in [str(item) for item in config.extra_css]:
        config.extra_css.append(CSS)
    if config.nav and not _mentions(config.nav, PAGES_DIR + "/"):
        config.nav.append({NAV_TITLE: [{spec.title: f"{PAGES_DIR}/{spec.name}.md"} for spec in PAGES]})


def _mentions(nav, prefix: str) -> bool:
    if isinstance(nav, str):
        return nav.startswith(prefix)
    if isinstance(nav, dict):
        return any(_mentions(value, prefix) for value in nav.values())
    if isinstance(nav, list):
        return any(_mentions(item, prefix) for item in nav)
    return False


@dataclass
class Published:
    """What one build generated: the context bundle of each document, for the panels, and the
    generated pages, whose HTML blocks go in once MkDocs has converted their Markdown."""

    context_urls: dict[str, str] = field(default_factory=dict)  # id -> URL relative to the site root
    pages: dict[str, tuple[File, HtmlBlocks]] = field(default_factory=dict)  # src_uri -> (file, blocks)
    writer: BackgroundWriter = field(default_factory=BackgroundWriter)  # writes the PublishedFiles

    def finish_page(self, file: File, html: str) -> str:
        """The HTML of a converted page, with a generated page's HTML blocks put in."""
        generated = self.pages.get(file.src_uri)
        return generated[1].inject(html) if generated is not None and generated[0] is file else html


def generate(config, files: Files, report: Report, pages: dict[str, File], sources: SourceCache | None = None) -> Published:
    """Add the generated pages, assets and machine-readable files of this build to `files`.
    `sources`: the check's source cache, so the context bundles need not read each file again."""
    def page_url(document_id: str) -> str | None:
        file = pages.get(document_id)
        return file.url if file is not None else None

    model = SiteModel(report, page_url)
    published = Published({i: f"context/{slug}.md" for i, slug in model.slugs.items()})

    def add(file: File) -> None:
        if isinstance(file, PublishedFile):
            file.writer = published.writer
        if files.get_file_from_path(file.src_uri) is not None:
            log.warning(f"{file.src_uri} exists in docs_dir; it is published instead of the generated one")
            return
        files.append(file)

    # Static assets first: pages link to them.
    assets: dict[str, str] = {}
    for name, parts in (("coherence.css", ("assets", "coherence.css")), ("graph.js", ("assets", "graph.js")),
                        ("cytoscape.min.js", ("assets", "vendor", "cytoscape.min.js")),
                        ("cytoscape.LICENSE", ("assets", "vendor", "cytoscape.LICENSE"))):
        uri = f"{ASSETS_DIR}/{'vendor/' if 'vendor' in parts else ''}{name}"
        add(PublishedFile.generated(config, uri, content=_package_text(*parts)))
        assets[name] = uri

    graph_json = dumps(graph_data(model, context_url=lambda i: published.context_urls.get(i)))
    machine = {
        "graph.json": graph_json,
        "graph.schema.json": schema_text(),
        f"{ASSETS_DIR}/graph-data.js": "window.coherenceGraph = " + script_safe(graph_json.rstrip("\n")) + ";\n",
        "llms.txt": llms_txt(model, config.site_name, config.site_description, page_url,
                             lambda i: published.context_urls[i]),
    }
    for uri, content in machine.items():
        add(PublishedFile.generated(config, uri, content=content))
        assets[uri.rsplit("/", 1)[-1]] = uri
    bundles = ContextBundles(report, sources)
    for document_id, uri in published.context_urls.items():
        add(PublishedFile.generated(config, uri, content=bundles.bundle(document_id)))

    page_files = {spec.name: File.generated(config, f"{PAGES_DIR}/{spec.name}.md", content="")
                  for spec in PAGES}
    env = markdown_environment(config.theme.dirs)
    rendered = render_pages(model, env, {name: f.url for name, f in page_files.items()},
                            {name: f.src_uri for name, f in page_files.items()}, assets)
    for name, file in page_files.items():
        file.content_string = rendered[name].markdown
        published.pages[file.src_uri] = (file, rendered[name].html)
        add(file)
    return published
