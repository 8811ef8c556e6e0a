"""What one MkDocs build takes from the check, decided without MkDocs.

The plugin (`plugin.py`) passes plain paths and strings in and turns the answers into
MkDocs' own objects: which of the build's files are documents and which must not be
published, which files of folders outside docs_dir to add, the front-matter the check
already parsed (DESIGN §11: each file is parsed once), a document page's Markdown as the
theme may show it, and where the panel goes in a page's HTML.
"""

from __future__ import annotations

import gc
import os
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from mkdocs_coherence.check import Report
from mkdocs_coherence.core.config import Settings
from mkdocs_coherence.core.findings import Severity
from mkdocs_coherence.core.loader.frontmatter import fence_unread_frontmatter
from mkdocs_coherence.core.loader.reading import SourceCache
from mkdocs_coherence.core.loader.source import Source
from mkdocs_coherence.core.model import Document
from mkdocs_coherence.core.schema import KEYS, Invalid
from mkdocs_coherence.site.escape import html_text

_SOURCE_CACHES: dict[Path, SourceCache] = {}


def source_cache(config_dir: Path) -> SourceCache:
    """One cache per project for the life of the process. MkDocs keeps one plugin instance
    across serve rebuilds, but also across builds of different projects in one process (it
    caches instances by plugin name), so the cache is keyed by project, not held per instance."""
    return _SOURCE_CACHES.setdefault(config_dir, SourceCache())


class RealPaths:
    """`os.path.realpath`, normcased, with each folder resolved once: resolving a path lstats
    every component, and one build looks at thousands of files in a few folders."""

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}

    def folder(self, folder: str | Path) -> str:
        folder = os.path.abspath(folder)
        real = self._folders.get(folder)
        if real is None:
            real = self._folders[folder] = os.path.realpath(folder)
        return real

    def real(self, path: str | Path) -> str:
        folder, name = os.path.split(os.path.abspath(path))
        joined = os.path.join(self.folder(folder), name)
        return os.path.realpath(joined) if os.path.islink(joined) else joined

    def key(self, path: str | Path) -> str:
        """One spelling per file: MkDocs gives absolute paths, the core resolved ones."""
        return os.path.normcase(self.real(path))


class Dropped(Enum):
    """Why a file of the build is taken out of it."""

    UNREADABLE = "unreadable"  # MkDocs would crash decoding it; the check's finding says why
    LINK_OUT = "link out"  # MkDocs follows links; one to ~/.ssh or /etc must not be published


class BuildFiles:
    """The build's files sorted against the report: each is resolved once per build."""

    def __init__(self, settings: Settings, report: Report) -> None:
        self.settings = settings
        self.paths = paths = RealPaths()
        self.unreadable = {paths.key(settings.config_dir / rel) for rel in report.corpus.unreadable}
        self.documents = {paths.key(d.path): d for d in report.corpus.documents}
        # The real paths of docs_dir and of the folders that hold published ones: a file in
        # another source folder is a theme's own.
        self.project = {paths.folder(root) for root in (settings.docs_dir, *(f.parent for f in settings.folders))}

    def place(self, abs_src_path: str, src_dir: str | None) -> Document | Dropped | None:
        """The document a file of the build is, why it is dropped, or None for any other file."""
        real = self.paths.real(abs_src_path)
        key = os.path.normcase(real)
        if key in self.unreadable:
            return Dropped.UNREADABLE
        if src_dir and self.paths.folder(src_dir) in self.project and real != os.path.abspath(abs_src_path) \
                and not self.settings.inside(abs_src_path):
            return Dropped.LINK_OUT
        document = self.documents.get(key)
        translations = self.settings.translations
        if document is None and translations is not None:  # x.fr.md shows the document x.md is
            original = translations.original(real, str(self.settings.docs_dir))
            document = self.documents.get(os.path.normcase(original)) if original is not None else None
        return document


@dataclass(frozen=True)
class OutsideFile:
    uri: str  # where it is published: under the folder's own name
    src_dir: str  # the folder holding the configured folder
    folder: str  # the configured folder, as findings show it


def outside_folder_files(settings: Settings) -> Iterator[OutsideFile]:
    """The files of folders mapped outside docs_dir, which are published under their own name."""
    for folder in sorted(settings.folders):
        if folder.is_relative_to(settings.docs_dir) or not folder.is_dir():
            continue
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(n for n in names if not n.startswith(".")):
                uri = Path(folder.name, Path(root, name).relative_to(folder)).as_posix()
                yield OutsideFile(uri, str(folder.parent), settings.relpath(folder))


def fresh_copy(value: Any) -> Any:
    """A deep copy of parsed YAML (dicts, lists, tuples, sets; the scalars are immutable), at a
    fraction of copy.deepcopy's cost."""
    if isinstance(value, dict):
        return {key: fresh_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [fresh_copy(item) for item in value]
    if isinstance(value, tuple):  # !!pairs and !!omap give (key, value) tuples
        return tuple(fresh_copy(item) for item in value)
    if isinstance(value, set):
        return set(value)
    return value


class SharedFrontmatter:
    """The front-matter the check parsed, handed to MkDocs instead of being parsed again: a
    page gets a trivial block as its source, then its meta back. Only for front-matter the
    check read exactly as MkDocs reads it (`Source.mkdocs_meta`)."""

    def __init__(self, cache: SourceCache) -> None:
        self.cache = cache
        self.given: dict[str, Source] = {}  # abs_src_path -> the Source whose body MkDocs got

    def source(self, abs_src_path: str, document: Document | None) -> str | None:
        """The page source to give MkDocs, or None to let it read the file itself."""
        if document is not None and not _same_file(str(document.path), abs_src_path):
            return None  # a translation (x.fr.md) shows the panel of x.md, with a text of its own
        source = self.cache.cached(document.path) if document is not None else None
        if source is None or not (source.has_frontmatter and source.mkdocs_meta):
            return None
        self.given[abs_src_path] = source
        # MkDocs' get_data parses "{}" and keeps body.lstrip("\n"), as it would after the real block.
        return "---\n{}\n---\n" + source.body

    def meta(self, abs_src_path: str, markdown: str, meta: dict) -> dict | None:
        """The page's meta, or None when MkDocs parsed a source itself (another plugin replaced ours)."""
        source = self.given.pop(abs_src_path, None)
        if source is not None and meta == {} and markdown == source.body.lstrip("\n"):
            return fresh_copy(source.meta)  # pages and plugins may change it; the cache may not
        return None


def _same_file(a: str, b: str) -> bool:
    if os.path.normcase(a) == os.path.normcase(b):
        return True
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def document_markdown(markdown: str) -> str:
    """A document page's Markdown as the theme may show it: front-matter MkDocs could not read
    stays in the page, shown as code, never as HTML."""
    return fence_unread_frontmatter(markdown)


_STATUS_WORD = re.compile(r"[A-Za-z0-9_-]+")


def theme_meta(meta: dict, document: Document | None, theme_file: Callable[[str], bool]) -> list[str]:
    """Make a page's meta safe for the theme, in place (DESIGN §10): MkDocs and Material print
    `title`, `subtitle`, `status`, `tags` and `description` unescaped (a class attribute, a meta
    tag, the search results), and a wrong `icon` or `template` stops the build. A value that is
    not valid is dropped, never handed on; text is escaped. A document's `status` becomes the
    lifecycle word the check validated, or none. `theme_file(name)`: whether the theme has that
    file. Returns what was dropped and no finding says: everything, for an ordinary page (the
    check does not validate those); for a document, only an icon or template the theme lacks."""
    dropped: list[str] = []

    def keep(key: str, check: Callable[[Any], Any]) -> Any:
        try:
            return check(meta[key])
        except Invalid as error:
            del meta[key]
            if document is None:
                dropped.append(f"{key} {error}; not shown")
            return None

    if "status" in meta:
        if document is not None:
            if document.status is None:
                del meta["status"]
            else:
                meta["status"] = document.status
        elif not (isinstance(meta["status"], str) and _STATUS_WORD.fullmatch(meta["status"])):
            del meta["status"]
            dropped.append("status must be one word (letters, digits, '-', '_'); not shown")
    if "title" in meta:
        if document is not None:
            title = keep("title", KEYS["title"].check)
            if title is not None:
                meta["title"] = html_text(title)
        elif not isinstance(meta["title"], str):
            keep("title", _not_text)
    for key in ("subtitle", "description"):
        if key in meta:
            text = keep(key, KEYS[key].check)
            if text is not None:
                meta[key] = html_text(text)
    if "tags" in meta:
        tags = meta["tags"]
        if not isinstance(tags, list):
            keep("tags", KEYS["tags"].check)
        else:
            safe = [tag for tag in tags if _valid(KEYS["tags"].check, [tag])]
            if len(safe) < len(tags) and document is None:
                dropped.append(f"tags: {len(tags) - len(safe)} of {len(tags)} are not plain text without < > \"; "
                               "not shown")
            meta["tags"] = safe
    for key in ("icon", "template"):
        value = keep(key, KEYS[key].check) if key in meta else None
        if value is not None:
            name = f".icons/{value}.svg" if key == "icon" else value
            if not theme_file(name):
                del meta[key]
                dropped.append(f"{key} '{value}': the theme has no {name}; not used")
    if "hide" in meta:
        hide = meta["hide"]
        if isinstance(hide, list):
            meta["hide"] = [item for item in hide if isinstance(item, str)]
        else:
            keep("hide", KEYS["hide"].check)
    return dropped


def _valid(check: Callable[[Any], Any], value: Any) -> bool:
    try:
        check(value)
    except Invalid:
        return False
    return True


def _not_text(value: Any) -> None:
    raise Invalid("must be text")


ERROR_STATUS = "coherence-errors-"  # + the count: a page status of mkdocs-material's navigation


class ErrorMarks:
    """Which documents have errors in their own file, shown in mkdocs-material's navigation as
    its page status (ADR-0024): `coherence-errors-2`, titled "2 errors in this document", with
    an error icon (coherence.css) in place of the lifecycle status's icon. Our own status words
    and titles: nothing from front-matter reaches the theme this way."""

    def __init__(self, report: Report) -> None:
        self.counts: dict[str, int] = {}  # rel path -> errors located in it
        for finding in report.findings:
            if finding.severity is Severity.ERROR and finding.path:
                self.counts[finding.path] = self.counts.get(finding.path, 0) + 1

    def titles(self) -> dict[str, str]:
        """The `extra.status` titles of this build's error statuses."""
        return {f"{ERROR_STATUS}{n}": f"{n} error{'s' if n > 1 else ''} in this document"
                for n in sorted(set(self.counts.values()))}

    def mark(self, meta: dict, document: Document | None) -> None:
        """Give a document page with errors the error status, in place."""
        count = self.counts.get(document.rel) if document is not None else None
        if count:
            meta["status"] = f"{ERROR_STATUS}{count}"


def with_panel(html: str, panel: str) -> str:
    """The page's HTML with the panel below its own title, above its body."""
    head, closed, tail = html.partition("</h1>")
    return head + closed + panel + tail if closed and html.lstrip().startswith("<h1") else panel + html


def relative_urls(page_url_of: Callable[[str], str | None], relative: Callable[[str], str],
                  index: Mapping[str, Document] | None = None) -> Callable[[str], str | None]:
    """`url_of(id)`: a neighbour's page relative to this page, each worked out once (a neighbour
    is linked from the lists and from the local graph); an imported document (`index` gives it)
    links to its owners' page, absolute, as core/imports.py checked it (http or https only)."""
    urls: dict[str, str | None] = {}

    def url_of(document_id: str) -> str | None:
        if document_id not in urls:
            document = index.get(document_id) if index is not None else None
            if document is not None and document.external is not None:
                urls[document_id] = document.external.url
            else:
                target = page_url_of(document_id)
                urls[document_id] = relative(target) if target is not None else None
        return urls[document_id]

    return url_of


def write_errors(errors: list[str], site_dir: str, limit: int) -> tuple[list[str], str | None]:
    """What to log about generated files that could not be written (at most `limit` lines,
    then a count), and why the build fails (None when every file was written)."""
    lines = [f"could not write {error}" for error in errors[:limit]]
    if len(errors) > limit:
        lines.append(f"… and {len(errors) - limit} more files could not be written")
    failure = f"coherence: {len(errors)} generated files could not be written to {site_dir} (see above)"
    return lines, failure if errors else None


class FrozenHeap:
    """What a build knows after its check (its files, config and theme, our report) lives until
    the build ends: frozen, it is left out of every later pass of the cycle collector, which
    would otherwise walk it again each time the pages' own objects trigger one."""

    def __init__(self) -> None:
        self.frozen = False

    def freeze(self) -> None:
        gc.freeze()
        self.frozen = True

    def thaw(self) -> None:
        if self.frozen:
            gc.unfreeze()
            self.frozen = False


def theme_file(dirs: list[str]) -> Callable[[str], bool]:
    """`exists(name)`: whether one of the theme's folders holds that file (an icon, a template),
    each name looked up once per build."""
    found: dict[str, bool] = {}

    def exists(name: str) -> bool:
        if name not in found:
            found[name] = ".." not in Path(name).parts and any(os.path.isfile(os.path.join(d, name)) for d in dirs)
        return found[name]

    return exists
