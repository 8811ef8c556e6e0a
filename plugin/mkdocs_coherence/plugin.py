"""The MkDocs adapter: routes MkDocs events to the core. Check in `on_files`, render panels
per page, fail in `on_post_build` once every problem (ours and MkDocs') has been shown."""

from __future__ import annotations

import gc
import os
from html import escape
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from mkdocs_coherence.core.config import ConfigError, Settings, parse_settings
from mkdocs_coherence.check import Report, check, collector_paused
from mkdocs_coherence.core.findings import Severity
from mkdocs_coherence.core.loader.frontmatter import fence_unread_frontmatter
from mkdocs_coherence.core.loader.reading import SourceCache
from mkdocs_coherence.site.render import panel_context, panel_renderer

log = get_plugin_logger("coherence")
LOG_LEVEL = {Severity.ERROR: log.error, Severity.WARNING: log.warning, Severity.INFO: log.info}
MAX_SUMMARY_LINES = 50


_SOURCE_CACHES: dict[Path, SourceCache] = {}


def source_cache(config_dir: Path) -> SourceCache:
    """One cache per project for the life of the process. MkDocs keeps one plugin instance
    across serve rebuilds, but also across builds of different projects in one process (it
    caches instances by plugin name), so the cache is keyed by project, not held per instance."""
    return _SOURCE_CACHES.setdefault(config_dir, SourceCache())


class _RealPaths:
    """`os.path.realpath`, normcased, with each folder resolved once: resolving a path lstats
    every component, and one build looks at thousands of files in a few folders."""

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}

    def folder(self, folder) -> str:
        folder = os.path.abspath(folder)
        real = self._folders.get(folder)
        if real is None:
            real = self._folders[folder] = os.path.realpath(folder)
        return real

    def real(self, path) -> str:
        folder, name = os.path.split(os.path.abspath(path))
        joined = os.path.join(self.folder(folder), name)
        return os.path.realpath(joined) if os.path.islink(joined) else joined

    def key(self, path) -> str:
        """One spelling per file: MkDocs gives absolute paths, the core resolved ones."""
        return os.path.normcase(self.real(path))


def _fresh_copy(value):
    """A deep copy of parsed YAML (dicts, lists, tuples, sets; the scalars are immutable), at a
    fraction of copy.deepcopy's cost."""
    if isinstance(value, dict):
        return {key: _fresh_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_fresh_copy(item) for item in value]
    if isinstance(value, tuple):  # !!pairs and !!omap give (key, value) tuples
        return tuple(_fresh_copy(item) for item in value)
    if isinstance(value, set):
        return set(value)
    return value


class CoherenceConfig(base.Config):
    folders = c.Optional(c.Type(dict))
    """Folder (relative to mkdocs.yml) -> kind. Default: `decisions` beside mkdocs.yml, and
    `decisions/`, `intents/`, `contracts/` in docs_dir. Folders outside docs_dir are published."""
    rules = c.Type(dict, default={})
    """Rule slug -> `error`, `warning`, `info` or `off`."""
    gates = c.Optional(c.Type(dict))
    """Risk tier -> requirements, e.g. `{high: [rollback, monitoring, owners>=2]}`."""
    outcome_grace = c.Type((str, int), default="60d")
    """How long after `shipped` an intent may go without recorded outcomes."""
    fail_on = c.Type((str, bool), default="error")
    """`error`, `warning` or `never`: the least severe finding that fails `mkdocs build`."""
    base = c.Optional(c.Type(str))
    """Git revision for breaking-change checks (or the COHERENCE_BASE environment variable)."""
    limits = c.Optional(c.Type(dict))
    """What one file may cost to read: `file_bytes`, `frontmatter_bytes`, `expanded_nodes`,
    `nesting_depth` (positive numbers). Past a limit the file gets a finding instead of being
    parsed; see the table of limits in the reliability reference."""


class CoherencePlugin(BasePlugin[CoherenceConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.settings: Settings | None = None
        self.report: Report | None = None
        self.documents: dict[str, object] = {}  # page's abs_src_path, as MkDocs spells it -> Document
        self.pages: dict[str, File] = {}  # document id -> its File, for links
        self.published = None  # publish.Published of the current build
        self.panel = None  # this build's panel renderer: context dict -> HTML
        self.shared_sources: dict[str, object] = {}  # abs_src_path -> loader.Source given to MkDocs
        self.frozen = False  # gc.freeze() called for this build (undone when it ends)

    def on_startup(self, *, command, dirty) -> None:
        self.serving = command == "serve"

    def on_config(self, config):
        config_dir = Path(config.config_file_path or os.getcwd()).parent
        try:
            self.settings = parse_settings(dict(self.config), config_dir=config_dir, docs_dir=Path(config.docs_dir))
        except ConfigError as error:
            raise PluginError(str(error)) from None
        from mkdocs_coherence.publish import configure  # the living site: stylesheet, nav section (DESIGN §8)

        configure(config)
        return config

    def on_files(self, files: Files, config) -> Files:
        with collector_paused():
            files = self._check_and_generate(files, config)
        # What the build knows now (its files, config and theme, our report) lives until the end
        # of the build: frozen, it is left out of every later pass of the cycle collector, which
        # would otherwise walk it again each time the pages' own objects trigger one.
        gc.freeze()
        self.frozen = True
        return files

    def _thaw(self) -> None:
        if self.frozen:
            gc.unfreeze()
            self.frozen = False

    def _check_and_generate(self, files: Files, config) -> Files:
        self.report = report = check(self.settings, cache=source_cache(self.settings.config_dir))
        for finding in report.findings:
            LOG_LEVEL[finding.severity](f"{finding.rule}: {finding.location}: {finding.message}")
        for finding in report.waived:
            reason = f" ({finding.waiver.reason})" if finding.waiver.reason else ""
            log.info(f"waived {finding.rule}: {finding.location}: {finding.message}{reason}")
        self._publish_outside_folders(files, config)
        # Each file is resolved once per build; page events look documents up by abs_src_path.
        paths = _RealPaths()
        unreadable = {paths.key(self.settings.config_dir / rel) for rel in report.corpus.unreadable}
        by_key = {paths.key(d.path): d for d in report.corpus.documents}
        project = {paths.folder(root) for root in (self.settings.docs_dir, *(f.parent for f in self.settings.folders))}
        self.documents, self.pages, self.shared_sources = {}, {}, {}
        for file in list(files):
            if not file.abs_src_path:
                continue
            real = paths.real(file.abs_src_path)
            key = os.path.normcase(real)
            if key in unreadable:
                files.remove(file)  # MkDocs would crash decoding it; the finding says why
            elif self._leaves_repository(file, real, paths, project):
                # MkDocs follows symlinks; a link to ~/.ssh or /etc must not be published.
                log.warning(f"{file.src_uri} is a symbolic link to a file outside the repository; not published")
                files.remove(file)
            elif key in by_key:
                document = self.documents[file.abs_src_path] = by_key[key]
                self.pages.setdefault(document.id, file)
        from mkdocs_coherence.publish import generate  # generated pages, graph.json, llms.txt, context bundles

        self.published = generate(config, files, report, self.pages, source_cache(self.settings.config_dir))
        self.panel = panel_renderer(config.theme.dirs)
        return files

    def _leaves_repository(self, file: File, real: str, paths: _RealPaths, project: set[str]) -> bool:
        """A file of the project (not of a theme) whose real path (`real`, links resolved) is
        outside. `project`: the real paths of docs_dir and of the folders that hold published ones."""
        if not file.abs_src_path or not file.src_dir:
            return False
        if paths.folder(file.src_dir) not in project:
            return False  # a theme's own file
        return real != os.path.abspath(file.abs_src_path) and not self.settings.inside(file.abs_src_path)

    def _publish_outside_folders(self, files: Files, config) -> None:
        """Folders mapped outside docs_dir are published under their own name."""
        docs_dir = self.settings.docs_dir
        for folder in sorted(self.settings.folders):
            if folder.is_relative_to(docs_dir) or not folder.is_dir():
                continue
            for root, dirs, names in os.walk(folder):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(n for n in names if not n.startswith(".")):
                    uri = Path(folder.name, Path(root, name).relative_to(folder)).as_posix()
                    if files.get_file_from_path(uri) is not None:
                        log.warning(f"{uri} exists in docs_dir and in {self.settings.relpath(folder)}; "
                                    "the copy in docs_dir is published")
                        continue
                    files.append(File(uri, str(folder.parent), config.site_dir, config.use_directory_urls))

    # --- sharing the front-matter parse with MkDocs (DESIGN §11: parse each file once) -------

    @event_priority(100)  # first: a plugin that supplies a page's source itself runs later and wins
    def on_page_read_source(self, page, config) -> str | None:
        """A document's page with a trivial front-matter block: MkDocs would parse the real one
        again, and the check already did. `_restore_meta` gives the page its meta back. Only for
        front-matter the check read exactly as MkDocs reads it (`Source.mkdocs_meta`)."""
        document = self.documents.get(page.file.abs_src_path)
        source = source_cache(self.settings.config_dir).cached(document.path) if document is not None else None
        if source is None or not (source.has_frontmatter and source.mkdocs_meta):
            return None
        self.shared_sources[page.file.abs_src_path] = source
        # MkDocs' get_data parses "{}" and keeps body.lstrip("\n"), as it would after the real block.
        return "---\n{}\n---\n" + source.body

    @event_priority(100)  # before any other plugin or theme looks at page.meta
    def _restore_meta(self, markdown: str, page, config, files) -> None:
        source = self.shared_sources.pop(page.file.abs_src_path, None)
        # Unless another plugin replaced the source we gave: then MkDocs parsed that one itself.
        if source is not None and page.meta == {} and markdown == source.body.lstrip("\n"):
            page.meta = _fresh_copy(source.meta)  # pages and plugins may change it; the cache may not

    def _escape_title_and_fence(self, markdown: str, page, config, files) -> str:
        # Themes print `page.title` unescaped (nav, <title>); a document's title is front-matter
        # text like any other, so it must reach the HTML as text.
        if page.file.abs_src_path in self.documents:
            title = page.meta.get("title")
            if isinstance(title, str):
                page.meta["title"] = escape(title, quote=False)
            # Front-matter MkDocs could not read stays in the page: show it as code, never as HTML.
            markdown = fence_unread_frontmatter(markdown)
        return markdown

    @event_priority(100)  # first: other plugins see the generated pages whole
    def _finish_generated_page(self, html: str, page, config, files) -> str:
        return self.published.finish_page(page.file, html) if self.published else html

    def _add_panel(self, html: str, page, config, files) -> str:
        document = self.documents.get(page.file.abs_src_path)
        if document is None:
            return html

        urls: dict[str, str | None] = {}  # a neighbour is linked from the lists and the local graph

        def url_of(document_id: str) -> str | None:
            if document_id not in urls:
                target = self.pages.get(document_id)
                urls[document_id] = get_relative_url(target.url, page.url) if target else None
            return urls[document_id]

        context = self.published.context_urls.get(document.id) if self.published else None
        panel = self.panel(panel_context(document, self.report, url_of,
                                         get_relative_url(context, page.url) if context else None))
        # Below the page's own title, above its body.
        head, closed, tail = html.partition("</h1>")
        return head + closed + panel + tail if closed and html.lstrip().startswith("<h1") else panel + html

    on_page_markdown = CombinedEvent(_restore_meta, _escape_title_and_fence)
    on_page_content = CombinedEvent(_finish_generated_page, _add_panel)

    def on_serve(self, server, config, builder):
        for folder in self.settings.folders:
            if not folder.is_relative_to(self.settings.docs_dir) and folder.is_dir():
                server.watch(str(folder))
        return server

    @event_priority(100)  # first: other plugins' post_build may read what we published
    def _finish_writing(self, config) -> None:
        """Wait for the generated files the background writer still has in hand."""
        self._thaw()
        errors = self.published.writer.finish() if self.published else []
        for error in errors[:MAX_SUMMARY_LINES]:
            log.error(f"could not write {error}")
        if len(errors) > MAX_SUMMARY_LINES:
            log.error(f"… and {len(errors) - MAX_SUMMARY_LINES} more files could not be written")
        if errors and not self.serving:
            raise PluginError(f"coherence: {len(errors)} generated files could not be written to "
                              f"{config.site_dir} (see above)")

    def on_build_error(self, error) -> None:
        self._thaw()
        if self.published:
            self.published.writer.finish()  # no thread outlives its build

    def _fail_on_findings(self, config) -> None:
        report = self.report
        if report is None or self.serving or self.settings.fail_on == "never":
            return
        threshold = Severity.ERROR if self.settings.fail_on == "error" else Severity.WARNING
        failing = [f for f in report.findings if f.severity >= threshold]
        if not failing and not report.incomplete:
            return
        lines = [f"  {f.rule}: {f.location}: {f.message}" for f in failing[:MAX_SUMMARY_LINES]]
        if len(failing) > MAX_SUMMARY_LINES:
            lines.append(f"  … and {len(failing) - MAX_SUMMARY_LINES} more (run `coherence check`)")
        raise PluginError(
            f"coherence: {report.count(Severity.ERROR)} errors, {report.count(Severity.WARNING)} warnings "
            f"in {len(report.corpus.documents)} documents; the build fails on {self.settings.fail_on}s "
            "(option fail_on):\n" + "\n".join(lines))

    on_post_build = CombinedEvent(_finish_writing, _fail_on_findings)
