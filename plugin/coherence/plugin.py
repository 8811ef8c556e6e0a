"""The MkDocs adapter: routes MkDocs events to the core. Check in `on_files`, render panels
per page, fail in `on_post_build` once every problem (ours and MkDocs') has been shown."""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from .config import ConfigError, Settings, parse_settings
from .engine import Report, check
from .findings import Severity
from .loader import SourceCache, fence_unread_frontmatter
from .render import environment, panel_context, render_panel

log = get_plugin_logger("coherence")
LOG_LEVEL = {Severity.ERROR: log.error, Severity.WARNING: log.warning, Severity.INFO: log.info}
MAX_SUMMARY_LINES = 50


_SOURCE_CACHES: dict[Path, SourceCache] = {}


def source_cache(config_dir: Path) -> SourceCache:
    """One cache per project for the life of the process. MkDocs keeps one plugin instance
    across serve rebuilds, but also across builds of different projects in one process (it
    caches instances by plugin name), so the cache is keyed by project, not held per instance."""
    return _SOURCE_CACHES.setdefault(config_dir, SourceCache())


def _key(path) -> str:
    """One spelling per file: MkDocs gives absolute paths, the core resolved ones."""
    return os.path.normcase(os.path.realpath(path))


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
        self.documents: dict[str, object] = {}  # normalised absolute path -> Document
        self.pages: dict[str, File] = {}  # document id -> its File, for links
        self.published = None  # publish.Published of the current build

    def on_startup(self, *, command, dirty) -> None:
        self.serving = command == "serve"

    def on_config(self, config):
        config_dir = Path(config.config_file_path or os.getcwd()).parent
        try:
            self.settings = parse_settings(dict(self.config), config_dir=config_dir, docs_dir=Path(config.docs_dir))
        except ConfigError as error:
            raise PluginError(str(error)) from None
        from .publish import configure  # the living site: stylesheet, nav section (DESIGN §8)

        configure(config)
        return config

    def on_files(self, files: Files, config) -> Files:
        self.report = report = check(self.settings, cache=source_cache(self.settings.config_dir))
        for finding in report.findings:
            LOG_LEVEL[finding.severity](f"{finding.rule}: {finding.location}: {finding.message}")
        for finding in report.waived:
            reason = f" ({finding.waiver.reason})" if finding.waiver.reason else ""
            log.info(f"waived {finding.rule}: {finding.location}: {finding.message}{reason}")
        self._publish_outside_folders(files, config)
        unreadable = {_key(self.settings.config_dir / rel) for rel in report.corpus.unreadable}
        for file in list(files):
            if file.abs_src_path and _key(file.abs_src_path) in unreadable:
                files.remove(file)  # MkDocs would crash decoding it; the finding says why
            elif self._leaves_repository(file):
                # MkDocs follows symlinks; a link to ~/.ssh or /etc must not be published.
                log.warning(f"{file.src_uri} is a symbolic link to a file outside the repository; not published")
                files.remove(file)
        self.documents = {_key(d.path): d for d in report.corpus.documents}
        self.pages = {}
        for file in files:
            document = self.documents.get(_key(file.abs_src_path)) if file.abs_src_path else None
            if document is not None:
                self.pages.setdefault(document.id, file)
        from .publish import generate  # generated pages, graph.json, llms.txt, context bundles

        self.published = generate(config, files, report, self.pages)
        return files

    def _leaves_repository(self, file: File) -> bool:
        """A file of the project (not of a theme) whose real path, links resolved, is outside."""
        if not file.abs_src_path or not file.src_dir:
            return False
        src_dir = os.path.realpath(file.src_dir)
        project = (self.settings.docs_dir, *(folder.parent for folder in self.settings.folders))
        if not any(src_dir == os.path.realpath(root) for root in project):
            return False  # a theme's own file
        return os.path.realpath(file.abs_src_path) != os.path.abspath(file.abs_src_path) \
            and not self.settings.inside(file.abs_src_path)

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

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        # Themes print `page.title` unescaped (nav, <title>); a document's title is front-matter
        # text like any other, so it must reach the HTML as text.
        title = page.meta.get("title")
        if isinstance(title, str) and page.file.abs_src_path and _key(page.file.abs_src_path) in self.documents:
            page.meta["title"] = escape(title, quote=False)
        if page.file.abs_src_path and _key(page.file.abs_src_path) in self.documents:
            # Front-matter MkDocs could not read stays in the page: show it as code, never as HTML.
            markdown = fence_unread_frontmatter(markdown)
        return markdown

    def on_page_content(self, html: str, page, config, files) -> str:
        document = self.documents.get(_key(page.file.abs_src_path)) if page.file.abs_src_path else None
        if document is None:
            return html

        def url_of(document_id: str) -> str | None:
            target = self.pages.get(document_id)
            return get_relative_url(target.url, page.url) if target else None

        env = environment(config.theme.dirs)
        context = self.published.context_urls.get(document.id) if self.published else None
        panel = render_panel(env, panel_context(document, self.report, url_of,
                                                get_relative_url(context, page.url) if context else None))
        # Below the page's own title, above its body.
        head, closed, tail = html.partition("</h1>")
        return head + closed + panel + tail if closed and html.lstrip().startswith("<h1") else panel + html

    def on_serve(self, server, config, builder):
        for folder in self.settings.folders:
            if not folder.is_relative_to(self.settings.docs_dir) and folder.is_dir():
                server.watch(str(folder))
        return server

    def on_post_build(self, config) -> None:
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
