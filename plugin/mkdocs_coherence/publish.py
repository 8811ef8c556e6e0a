"""The MkDocs side of the living site: turns what `site/` generates into MkDocs `File`s.

Called by the plugin once per build (so `mkdocs serve` always shows the current state);
everything is generated in memory with `File.generated` and nothing is written into
docs_dir. A file of the user's at one of our paths wins, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section

from mkdocs_coherence.check import Report
from mkdocs_coherence.core.config import Settings
from mkdocs_coherence.core.loader.reading import SourceCache
from mkdocs_coherence.core.model import Document
from mkdocs_coherence.site.build import BuildFiles, Dropped, outside_folder_files
from mkdocs_coherence.site.generated import (CSS, NAV_TITLE, PANEL_JS, context_urls, generated_files, nav_section,
                                             page_uri, status_titles)
from mkdocs_coherence.site.model import SiteModel
from mkdocs_coherence.site.pages import PAGES, HtmlBlocks, markdown_environment, render_pages
from mkdocs_coherence.site.writer import BackgroundWriter

log = get_plugin_logger("coherence")


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


def configure(config: MkDocsConfig) -> None:
    """on_config: our stylesheet and the panels' script, titles for mkdocs-material's status
    icons (where the user gave none), and a nav section when the user wrote a nav without one."""
    if CSS not in [str(item) for item in config.extra_css]:
        config.extra_css.append(CSS)
    if PANEL_JS not in [str(item) for item in config.extra_javascript]:
        config.extra_javascript.append(PANEL_JS)
    if isinstance(config.extra.get("status"), (dict, type(None))):  # anything else is the user's to mend
        config.extra["status"] = status_titles(config.extra.get("status"))
    section = nav_section(config.nav)
    if section is not None:
        config.nav.append(section)


def collect(files: Files, config: MkDocsConfig, settings: Settings,
            report: Report) -> tuple[dict[str, Document], dict[str, File]]:
    """on_files: add the folders outside docs_dir, drop what must not be published; the documents
    by abs_src_path as MkDocs spells it (page events look them up) and their files by id (links)."""
    for outside in outside_folder_files(settings):
        if files.get_file_from_path(outside.uri) is not None:
            log.warning(f"{outside.uri} exists in docs_dir and in {outside.folder}; the copy in docs_dir is published")
        else:
            files.append(File(outside.uri, outside.src_dir, config.site_dir, config.use_directory_urls))
    build_files, documents, pages = BuildFiles(settings, report), {}, {}
    for file in [f for f in files if f.abs_src_path]:
        place = build_files.place(file.abs_src_path, file.src_dir)
        if isinstance(place, Dropped):
            files.remove(file)
            if place is Dropped.LINK_OUT:
                log.warning(f"{file.src_uri} is a symbolic link to a file outside the repository; not published")
        elif place is not None:
            documents[file.abs_src_path] = place
            pages.setdefault(place.id, file)
    return documents, pages


def with_nav_section(nav: Navigation, published: Published | None) -> Navigation:
    """on_nav: a nav that a plugin built after on_config (literate-nav's SUMMARY.md, awesome-nav's
    .nav.yml) gets the Coherence section appended, unless it lists a generated page itself."""
    ours = [file for file, *_ in published.pages.values()] if published else []
    listed = {page.file.src_uri for page in nav.pages}
    if not ours or any(file.src_uri in listed for file in ours):
        return nav
    titled = [(spec.title, file.page) for spec, file in zip(PAGES, ours) if file.page is not None]
    if not titled:
        return nav
    pages = [page for _, page in titled]
    section = Section(NAV_TITLE, list(pages))
    for title, page in titled:
        page.title, page.parent = title, section
    for before, after in zip([*nav.pages[-1:], *pages], pages):
        before.next_page, after.previous_page = after, before
    nav.items.append(section)
    nav.pages.extend(pages)
    return nav


def language_prefix(config: MkDocsConfig) -> str:
    """mkdocs-static-i18n builds each other language again, into `<locale>/`: the generated
    files of that build go there too (it relocates the files of docs_dir, not ours)."""
    i18n = config.plugins.get("i18n")
    if i18n is None or getattr(i18n, "is_default_language_build", True):
        return ""
    locale = getattr(i18n, "current_language", None)
    return f"{locale}/" if isinstance(locale, str) and locale else ""


@dataclass
class Published:
    """What one build generated: the context bundle of each document, for the panels, and the
    generated pages, whose HTML blocks go in once MkDocs has converted their Markdown."""

    context_urls: dict[str, str] = field(default_factory=dict)  # id -> URL relative to the site root
    # src_uri -> (file, its HTML blocks, whether they are in the content the search plugins index)
    pages: dict[str, tuple[File, HtmlBlocks, bool]] = field(default_factory=dict)
    writer: BackgroundWriter = field(default_factory=BackgroundWriter)  # writes the PublishedFiles

    def finish_page(self, file: File, html: str) -> str:
        """The HTML of a converted page, with a generated page's HTML blocks put in, or for a
        page kept out of the search index, their places marked (`finish_output` fills them)."""
        generated = self.pages.get(file.src_uri)
        if generated is None or generated[0] is not file:
            return html
        return generated[1].inject(html) if generated[2] else generated[1].mark(html)

    def finish_output(self, file: File, output: str) -> str:
        """The final HTML of a page, with the HTML blocks `finish_page` only marked put in."""
        generated = self.pages.get(file.src_uri)
        return generated[1].fill(output) if generated is not None and generated[0] is file and not generated[2] \
            else output


def generate(config: MkDocsConfig, files: Files, report: Report, pages: dict[str, File],
             sources: SourceCache | None = None) -> Published:
    """Add the generated pages, assets and machine-readable files of this build to `files`."""
    def page_url(document_id: str) -> str | None:
        file = pages.get(document_id)
        return file.url if file is not None else None

    model = SiteModel(report, page_url)
    published = Published(context_urls(model))

    def add(file: File) -> None:
        if isinstance(file, PublishedFile):
            file.writer = published.writer
        if files.get_file_from_path(file.src_uri) is not None:
            log.warning(f"{file.src_uri} exists in docs_dir; it is published instead of the generated one")
            return
        files.append(file)

    generated = generated_files(model, report, sources, config.site_name, config.site_description, page_url,
                                published.context_urls, config.site_url or None)
    prefix = language_prefix(config)

    def made(kind: type[File], uri: str, content: str) -> File:
        file = kind.generated(config, uri, content=content)
        if prefix:  # set before anything reads the file's url or abs_dest_path
            file.dest_uri = prefix + file.dest_uri
        return file

    for uri, content in generated.files:
        add(made(PublishedFile, uri, content))
    page_files = {spec.name: made(File, page_uri(spec.name), "") for spec in PAGES}
    rendered = render_pages(model, markdown_environment(config.theme.dirs), {n: f.url for n, f in page_files.items()},
                            {n: f.src_uri for n, f in page_files.items()}, generated.assets)
    searchable = {spec.name: spec.searchable for spec in PAGES}
    for name, file in page_files.items():
        file.content_string = rendered[name].markdown
        published.pages[file.src_uri] = (file, rendered[name].html, searchable[name])
        add(file)
    return published
