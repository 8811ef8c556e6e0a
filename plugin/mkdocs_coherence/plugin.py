"""The MkDocs face: routes MkDocs events to the package and holds no logic of its own. Check
in `on_files`, render panels per page, fail in `on_post_build` once every problem (ours and
MkDocs') has been shown. What each event decides lives in `site/build.py` and `check.py`."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from mkdocs_coherence.check import MAX_SUMMARY_LINES, Report, Verdict, check, collector_paused
from mkdocs_coherence.core.config import ConfigError, Settings, parse_settings
from mkdocs_coherence.core.findings import Severity
from mkdocs_coherence.core.model import Document
from mkdocs_coherence.rules.catalogue import RULES
from mkdocs_coherence.site.build import (ErrorMarks, FrozenHeap, SharedFrontmatter, document_markdown, relative_urls,
                                         source_cache, theme_file, theme_meta, with_panel, write_errors)
from mkdocs_coherence.site.render import panel_context, panel_renderer, source_link

if TYPE_CHECKING:
    from mkdocs.livereload import LiveReloadServer

    from mkdocs_coherence.publish import Published

log = get_plugin_logger("coherence")
LOG_LEVEL = {Severity.ERROR: log.error, Severity.WARNING: log.warning, Severity.INFO: log.info}


class CoherenceConfig(base.Config):
    """The `coherence` entry of mkdocs.yml; core/config.py validates the values (the CLI reads the same)."""

    folders = c.Optional(c.Type(dict))  # folder (relative to mkdocs.yml) -> kind; outside docs_dir: published
    rules = c.Type(dict, default={})  # rule slug -> error, warning, info or off
    gates = c.Optional(c.Type(dict))  # risk tier -> requirements, e.g. {high: [rollback, owners>=2]}
    risk_floor = c.Optional(c.Type(dict))  # {areas: {payments: high}}: tiers inherited by area
    outcome_grace = c.Type((str, int), default="60d")  # how long a shipped intent may go without outcomes
    fail_on = c.Type((str, bool), default="error")  # error, warning or never: what fails `mkdocs build`
    base = c.Optional(c.Type(str))  # git revision for breaking-change checks (or COHERENCE_BASE)
    limits = c.Optional(c.Type(dict))  # what one file may cost to read: file_bytes, frontmatter_bytes, ...
    statuses = c.Optional(c.Type(dict))  # a team's status words -> lifecycle statuses, e.g. {pending: proposed}
    date_order = c.Optional(c.Type(str))  # auto, dmy or mdy: how to read 05/02/2018 in existing ADRs
    imports = c.Optional(c.Type(dict))  # project -> its graph.json (path or https URL), core/imports.py
    exports_to = c.Optional(c.Type(list))  # graph.json of the projects importing this one, for `impact`


class CoherencePlugin(BasePlugin[CoherenceConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = self.dirty = False
        self.panels: dict[str, str] = {}  # under --dirty: each page's panel (abs_src_path -> HTML), last build's
        self.placed: dict[str, str] = {}  # this build's panels waiting for on_post_page (abs_src_path -> HTML)
        # Where a panel goes in page.content; unguessable, so no page can forge it.
        self.marker = f"<!--coherence-panel-{secrets.token_hex(8)}-->"
        self.settings: Settings | None = None
        self.report: Report | None = None
        self.documents: dict[str, Document] = {}  # page's abs_src_path, as MkDocs spells it -> Document
        self.pages: dict[str, File] = {}  # document id -> its File, for links
        self.published: Published | None = None  # what this build generated
        self.panel = None  # this build's panel renderer: context dict -> HTML
        self.shared: SharedFrontmatter | None = None
        self.theme_file: Callable[[str], bool] = lambda name: False  # whether the theme has that file
        self.heap = FrozenHeap()
        self.marks: ErrorMarks | None = None  # which pages the navigation marks as having errors
        self.watch = None  # under `mkdocs serve`: the folders outside docs_dir (site.watch.FolderWatch)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving, self.dirty = command == "serve", dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config_dir = Path(config.config_file_path or os.getcwd()).parent
        try:
            i18n = getattr(config.plugins.get("i18n"), "config", None)  # mkdocs-static-i18n: x.fr.md translates x.md
            self.settings = parse_settings(dict(self.config), config_dir=config_dir, docs_dir=Path(config.docs_dir),
                                           catalogue=RULES, config_file=config.config_file_path, i18n=i18n)
        except ConfigError as error:
            raise PluginError(str(error)) from None
        from mkdocs_coherence.publish import configure  # the living site: stylesheet, nav section (DESIGN §8)

        configure(config)
        return config

    @event_priority(-110)  # last, after mkdocs-static-i18n (-100) chose this language's files
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        from mkdocs_coherence.publish import collect, generate  # pages, graph.json, llms.txt, context bundles

        self.placed = {}  # a build that failed half-way left some
        with collector_paused():
            cache = source_cache(self.settings.config_dir)
            self.report = check(self.settings, cache=cache)
            if self.watch is not None:  # serve: the watches follow the settings and the folders
                self.watch.update(self._outside_folders())
            for severity, line in self.report.log_lines():
                LOG_LEVEL[severity](line)
            self.documents, self.pages = collect(files, config, self.settings, self.report)
            self.published = generate(config, files, self.report, self.pages, cache)
            self.panel, self.shared = panel_renderer(config.theme.dirs), SharedFrontmatter(cache)
            self.theme_file = theme_file(config.theme.dirs)
            self.marks = ErrorMarks(self.report)
            self.source_url = source_link(config.repo_url)
            if isinstance(config.extra.get("status"), dict):  # set by publish.configure unless the user's is odd
                config.extra["status"].update(self.marks.titles())
            self.heap.freeze()  # before the collector resumes, whose first passes would walk all of it
        if self.dirty:
            self._rebuild_changed_panels(files)
        return files

    @event_priority(-110)  # last: after the plugins that build the nav themselves (literate-nav, awesome-nav)
    def on_nav(self, nav, config: MkDocsConfig, files: Files):
        from mkdocs_coherence.publish import with_nav_section

        return with_nav_section(nav, self.published)

    @event_priority(100)  # first: a plugin that supplies a page's source itself runs later and wins
    def on_page_read_source(self, page: Page, config: MkDocsConfig) -> str | None:
        return self.shared.source(page.file.abs_src_path, self.documents.get(page.file.abs_src_path))

    @event_priority(100)  # before any other plugin or theme looks at page.meta
    def _restore_meta(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> None:
        """The meta the check parsed (or MkDocs' own, when another plugin gave the source), made
        safe for the theme: only validated values of the keys it prints itself."""
        meta = self.shared.meta(page.file.abs_src_path, markdown, page.meta)
        page.meta = meta if meta is not None else page.meta
        document = self.documents.get(page.file.abs_src_path)
        for problem in theme_meta(page.meta, document, self.theme_file):
            log.warning(f"{page.file.src_uri}: {problem}")
        self.marks.mark(page.meta, document)

    def _document_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        return document_markdown(markdown) if page.file.abs_src_path in self.documents else markdown

    @event_priority(100)  # first: other plugins see the generated pages whole
    def _finish_generated_page(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self.published.finish_page(page.file, html) if self.published else html

    def _add_panel(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """The panel's place in the content: a marker, filled in `on_post_page` (ADR-0026), so
        the search plugins and every other plugin that parses page.content never parse it."""
        document = self.documents.get(page.file.abs_src_path)
        if document is None:
            return html
        panel = self.panels.get(page.file.abs_src_path)
        self.placed[page.file.abs_src_path] = panel if panel is not None else self._panel_html(document, page.url)
        return with_panel(html, self.marker)

    @event_priority(100)  # first: a minifier (default priority) must not strip the marker before
    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        panel = self.placed.pop(page.file.abs_src_path, None)
        if panel is None:  # a generated page's blocks kept out of the search index go in now (ADR-0027)
            return self.published.finish_output(page.file, output) if self.published else output
        return output.replace(self.marker, panel, 1)

    def _panel_html(self, document: Document, page_url: str) -> str:
        relative = lambda url: get_relative_url(url, page_url)  # noqa: E731
        url_of = relative_urls(lambda i: self.pages[i].url if i in self.pages else None, relative,
                              self.report.graph.index)
        context = self.published.context_urls.get(document.id) if self.published else None
        return self.panel(panel_context(document, self.report, url_of, context and relative(context),
                                                self.source_url))

    def _rebuild_changed_panels(self, files: Files) -> None:
        """--dirty rebuilds only the pages whose file changed, but a panel shows what references
        its document too: a page whose panel differs from the last build's is rebuilt as well."""
        previous, self.panels = self.panels, {}
        for file in files.documentation_pages():
            document = self.documents.get(file.abs_src_path)
            if document is not None:
                panel = self.panels[file.abs_src_path] = self._panel_html(document, file.url)
                if previous.get(file.abs_src_path) != panel:
                    file.is_modified = lambda: True  # this build only: the File is made anew next time

    on_page_markdown = CombinedEvent(_restore_meta, _document_markdown)
    on_page_content = CombinedEvent(_finish_generated_page, _add_panel)

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder: Callable) -> LiveReloadServer:
        from mkdocs_coherence.site.watch import FolderWatch  # folders outside docs_dir, even renamed and back

        self.watch = FolderWatch(server, log.warning)
        self.watch.update(self._outside_folders())
        return server

    def _outside_folders(self) -> list[Path]:
        from mkdocs_coherence.site.watch import artifact_folders, import_folders  # the API, the owners' graph.json

        documents = self.report.corpus.documents if self.report is not None else []
        settings = self.settings
        return [f for f in settings.folders if not f.is_relative_to(settings.docs_dir)] + \
            artifact_folders(documents, settings.docs_dir, settings.config_dir) + \
            import_folders(settings.imports, settings.docs_dir, settings.config_dir)

    @event_priority(100)  # first: other plugins' post_build may read what we published
    def _finish_writing(self, config: MkDocsConfig) -> None:
        """Wait for the generated files the background writer still has in hand."""
        self.heap.thaw()
        lines, failure = write_errors(self.published.writer.finish() if self.published else [], config.site_dir,
                                      MAX_SUMMARY_LINES)
        for line in lines:
            log.error(line)
        if failure and not self.serving:
            raise PluginError(failure)

    def on_build_error(self, error: Exception) -> None:
        self.heap.thaw()
        if self.published:
            self.published.writer.finish()  # no thread outlives its build

    def _fail_on_findings(self, config: MkDocsConfig) -> None:
        fail_on = self.settings.fail_on
        if self.report is not None and not self.serving and self.report.verdict(fail_on) is not Verdict.PASSING:
            raise PluginError(self.report.failure_summary(fail_on))

    on_post_build = CombinedEvent(_finish_writing, _fail_on_findings)
