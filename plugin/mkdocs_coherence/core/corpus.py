"""The one corpus builder: which files are documents, of which kind, and what each one says.

Folder → kind (`FolderKinds`) and file → document (`load_document`) are answered here only,
for the working tree (the check) and for earlier versions of a file (git blobs, for history
and fingerprints alike), so a file is the same document whichever of them reads it.
"""

from __future__ import annotations

import os
import re
import stat
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from mkdocs_coherence.core.adr_formats import is_decision_record
from mkdocs_coherence.core.config import Settings
from mkdocs_coherence.core.findings import Finding
from mkdocs_coherence.core.loader.discovery import MARKDOWN_SUFFIXES
from mkdocs_coherence.core.loader.reading import SourceCache, read_source
from mkdocs_coherence.core.loader.source import Source
from mkdocs_coherence.core.model import Corpus, Document
from mkdocs_coherence.core.schema import build_document
from mkdocs_coherence.core.suggest import closest

if TYPE_CHECKING:  # (core/cache.py imports this module)
    from mkdocs_coherence.core.cache import DocumentStore


class FolderKinds:
    """Folder → kind: the kind of the most specific configured folder containing a path."""

    def __init__(self, folders: dict[Path, str]) -> None:
        # Kept as `folder + os.sep` strings, longest first: a string prefix test per folder is
        # measured (once per file of a check); Path.is_relative_to costs far more.
        self._prefixes = sorted(((str(folder) + os.sep, kind) for folder, kind in folders.items()),
                                key=lambda item: len(item[0]), reverse=True)

    def of(self, path: Path | str) -> str | None:
        text = str(path)
        for prefix, kind in self._prefixes:
            if text.startswith(prefix):
                return kind
        return None


@dataclass(frozen=True)
class Unread:
    """A folder whose files were not read: the answer of the check is then unknown (exit 2)."""

    rel: str  # the folder (or link), as findings show paths
    finding: Finding  # what it is and what to do


@dataclass
class Discovery:
    paths: list[Path] = field(default_factory=list)  # the Markdown files to read, sorted
    unread: list[Unread] = field(default_factory=list)


def discover(settings: Settings) -> list[Path]:
    """Every Markdown file under docs_dir and the configured folders, once each, sorted."""
    return discover_all(settings).paths


def discover_all(settings: Settings) -> Discovery:
    """The Markdown files under docs_dir and the folders, and every folder that could not be read.

    Links to folders are followed as MkDocs follows them (it publishes what they hold), when
    they stay in the repository; a link out of it is reported, never followed. A folder the
    user configured must exist and be read; a default folder (`decisions/`, `docs/intents`, …)
    may be absent. A file reached twice (a link to a folder also walked directly) is read once.
    """
    found = Discovery()
    roots = [settings.docs_dir]
    if not _usable_root(settings, settings.docs_dir, "docs_dir", found):
        roots = []
    for folder in sorted(settings.folders):
        required = folder in settings.configured_folders
        if folder == settings.docs_dir or folder.is_relative_to(settings.docs_dir):
            hidden = [part for part in folder.relative_to(settings.docs_dir).parts if part.startswith(".")]
            if required and hidden:
                found.unread.append(_config_problem(
                    settings, folder, f"folder '{_shown(settings, folder)}' is skipped: a folder whose name starts "
                    "with '.' is not read or published (MkDocs leaves it out); nothing was read from it — rename it"))
            elif required:
                _usable_root(settings, folder, "folders", found)  # the walk of docs_dir reads it
        elif _usable_root(settings, folder, "folders" if required else None, found):
            roots.append(folder)
    seen: dict[str, Path] = {}
    linked: list[Path] = []
    entered: set[str] = set()  # the real folders entered through a link: each once, so no loop
    for root in roots:
        for path, via_link in _walk(root, settings, found, entered):
            key = os.path.normcase(path)
            if key not in seen:
                seen[key] = path
                if via_link:
                    linked.append(path)
    _read_once(seen, linked, FolderKinds(settings.folders))
    if settings.translations is not None:
        _drop_translations(seen, settings)
    # In Path order (part by part), but comparing split strings: Path comparisons would cost
    # as much as walking the folders.
    found.paths = [seen[key] for key in sorted(seen, key=lambda key: key.split(os.sep))]
    return found


def _drop_translations(seen: dict[str, Path], settings: Settings) -> None:
    """mkdocs-static-i18n: `x.fr.md` is `x.md` in French, one document; the check reads `x.md`
    (a translation without its original is read as the document it is)."""
    docs_dir = str(settings.docs_dir)
    for key, path in list(seen.items()):
        original = settings.translations.original(str(path), docs_dir)
        if original is not None and os.path.normcase(original) in seen:
            del seen[key]


def _usable_root(settings: Settings, folder: Path, option: str | None, found: Discovery) -> bool:
    """Whether `folder` can be walked. `option`: the setting that names it (it must then exist);
    None for a default folder, which may be absent."""
    try:
        status = os.stat(folder)
    except FileNotFoundError:
        if option is not None:
            found.unread.append(_config_problem(settings, folder, _missing(settings, folder, option)))
        return False
    except (OSError, ValueError) as error:
        found.unread.append(_folder_problem(settings, folder, f"cannot be reached ({_reason(error)}); the documents "
                                            "in it were not checked — make it and the folders above it readable"))
        return False
    if not stat.S_ISDIR(status.st_mode):
        if option is not None:
            found.unread.append(_config_problem(settings, folder, f"{_named(option, settings, folder)} is not a folder; "
                                                "nothing was read from it — name a folder"))
        return False
    if os.path.islink(folder) and not settings.inside(folder):
        found.unread.append(_folder_problem(settings, folder, LINK_OUT))
        return False
    return True


LINK_OUT = ("is a symbolic link to a folder outside the repository; it is not followed, read or published — copy "
            "the folder into the repository, or name it in the `folders` option")


def _walk(root: Path, settings: Settings, found: Discovery, entered: set[str]) -> Iterator[tuple[Path, bool]]:
    """(Markdown file, reached through a link) under `root`; skips hidden entries."""
    stack: list[tuple[str, bool]] = [(str(root), False)]
    while stack:
        folder, via_link = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except OSError as error:
            found.unread.append(_folder_problem(settings, Path(folder), f"cannot be read ({_reason(error)}); the "
                                                "documents in it were not checked — make it readable by the user "
                                                "running the check"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_folder, is_link = entry.is_dir(), entry.is_symlink()
            except OSError:
                is_folder, is_link = False, False
            if not is_folder:
                if entry.name.lower().endswith(MARKDOWN_SUFFIXES):
                    yield Path(entry.path), via_link
            elif not is_link:
                stack.append((entry.path, via_link))
            elif not settings.inside(entry.path):
                found.unread.append(_folder_problem(settings, Path(entry.path), LINK_OUT))
            else:
                real = os.path.realpath(entry.path)
                if real not in entered:
                    entered.add(real)
                    stack.append((entry.path, True))


def _read_once(seen: dict[str, Path], linked: list[Path], kinds: FolderKinds) -> None:
    """A file reached through a link and directly is one document: keep the path in a folder
    of a kind (the one that makes it a document), else the file's own path."""
    for path in linked:
        real = os.path.normcase(os.path.realpath(path))
        direct = seen.get(real)
        if direct is None or real == os.path.normcase(path):
            continue
        if kinds.of(path) is not None and kinds.of(direct) is None:
            del seen[real]
        else:
            del seen[os.path.normcase(path)]


def _reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error)


def _shown(settings: Settings, folder: Path) -> str:
    return settings.relpath(folder)


def _named(option: str, settings: Settings, folder: Path) -> str:
    return f"docs_dir '{_shown(settings, folder)}'" if option == "docs_dir" else \
        f"option 'folders': folder '{_shown(settings, folder)}'"


def _missing(settings: Settings, folder: Path, option: str) -> str:
    """What a missing folder is, with the closest existing folder beside it."""
    suggestion = ""
    try:
        siblings = [entry.name for entry in os.scandir(folder.parent) if entry.is_dir() and not entry.name.startswith(".")]
    except OSError:
        siblings = []
    close = closest(folder.name, siblings)
    if close:
        suggestion = f" (did you mean '{_shown(settings, folder.parent / close)}'?)"
    where = settings.config_file.name if settings.config_file else "mkdocs.yml"
    return (f"{_named(option, settings, folder)} does not exist{suggestion}; nothing was read from it — correct the "
            f"path in {where} or create the folder")


def _config_problem(settings: Settings, folder: Path, message: str) -> Unread:
    """A folder the configuration names that cannot be used: the finding points at mkdocs.yml."""
    rel = settings.relpath(settings.config_file) if settings.config_file else None
    line = _config_line(settings, folder) if settings.config_file else None
    return Unread(settings.relpath(folder), Finding("frontmatter-invalid", message, rel, line))


def _folder_problem(settings: Settings, folder: Path, message: str) -> Unread:
    rel = settings.relpath(folder)
    return Unread(rel, Finding("frontmatter-invalid", f"folder {message}", rel, None))


def _config_line(settings: Settings, folder: Path) -> int | None:
    """The line of mkdocs.yml naming `folder` (a key of `folders`, or `docs_dir`), if it is there."""
    names = {settings.relpath(folder), os.path.relpath(folder, settings.config_dir)}
    pattern = re.compile(r"^\s*(?:docs_dir\s*:\s*)?['\"]?(" + "|".join(re.escape(n) for n in names) + r")/?['\"]?\s*(?::|$|#)")
    try:
        with open(settings.config_file, encoding="utf-8-sig", errors="replace") as stream:
            for number, line in enumerate(stream, 1):
                if number > 100_000:
                    break
                if pattern.match(line):
                    return number
    except OSError:
        pass
    return None


def load_corpus(settings: Settings, paths: list[Path] | None = None,
                cache: SourceCache | DocumentStore | None = None) -> Corpus:
    """Read and validate every file; with `cache`, unchanged files are not read again (a
    DocumentStore: nor validated again)."""
    kinds = FolderKinds(settings.folders)
    corpus = Corpus()
    whole_tree = paths is None
    if paths is None:
        found = discover_all(settings)
        paths = found.paths
        for unread in found.unread:  # never "clean" when a folder was not read (exit 2)
            corpus.findings.append(unread.finding)
            corpus.unreadable.append(unread.rel)
    jobs = [(path, settings.relpath(path), kinds.of(path)) for path in paths]
    # A DocumentStore (core/cache.py, `coherence check`) keeps validated files between runs and
    # may load the rest in a process pool; a SourceCache (`mkdocs serve`) keeps parsed files.
    store = cache if hasattr(cache, "load") else None
    if store is not None:
        store.prepare(jobs)
    for path, rel, kind in jobs:
        corpus.sources += 1
        try:
            if store is not None:
                document, findings, readable = store.load(path, rel, kind)
            else:
                document, findings, readable = load_document(path, rel, kind, settings, cache=cache)
        except Exception as error:  # one file must never stop the others from being checked
            where = traceback.extract_tb(error.__traceback__)[-1]
            document, readable = None, False
            findings = [Finding("frontmatter-invalid", f"could not be checked: {type(error).__name__} in "
                                f"{Path(where.filename).name}:{where.lineno}; please report it — the other files "
                                "were checked normally", rel, None)]
        corpus.findings.extend(findings)
        if not readable:
            corpus.unreadable.append(rel)
        elif document is not None:
            corpus.documents.append(document)
    if settings.imports and whole_tree:  # the whole tree: other projects' documents too
        from mkdocs_coherence.core.imports import load_imports

        load_imports(settings, corpus)
    return corpus


def load_document(path: Path, rel: str, kind: str | None, settings: Settings, *, raw: bytes | None = None,
                  cache: SourceCache | None = None, artifacts=None) -> tuple[Document | None, list[Finding], bool]:
    """(document or None, findings, readable) for one file; `kind` is its folder's kind.

    `raw`: the bytes of an earlier version of the file (a git blob); the file itself is then
    not opened, so the guard against links out of the repository does not apply. A contract's
    `source` is then read through `artifacts` (absolute path -> bytes at that revision), or
    not at all without it.
    """
    if raw is None and os.path.islink(path) and not settings.inside(path):
        return link_out(rel)
    if raw is not None:
        source = read_source(path, rel, expect_document=kind is not None, raw=raw, limits=settings.limits)
    else:
        read = cache.read if cache is not None else read_source
        source = read(path, rel, expect_document=kind is not None, limits=settings.limits)
    document, findings, readable = validate_source(source, path, kind, settings)
    if raw is None or artifacts is not None:
        bind_source(document, settings, artifacts)
    return document, findings, readable


def link_out(rel: str) -> tuple[None, list[Finding], bool]:
    """A link out of the repository (to ~/.ssh, /etc, ...): never read, never published."""
    return None, [Finding("frontmatter-invalid", "is a symbolic link to a file outside the repository; it is not "
                          "followed, read or published — copy the file into the repository instead", rel, None)], False


def validate_source(source: Source, path: Path, kind: str | None,
                    settings: Settings) -> tuple[Document | None, list[Finding], bool]:
    """One file as read to (document or None, findings, readable): what depends on this file
    and the settings alone (a contract's `source` is bound apart: `bind_source`)."""
    if not source.readable:
        return None, source.findings, False
    kind = kind or source.kind_hint  # front-matter that did not parse still names its kind
    if kind == "decision" and not is_decision_record(path, source.meta):  # a README, index or template
        return None, source.findings, True
    if not (source.has_frontmatter or kind is not None):
        return None, source.findings, True
    document, findings = build_document(source, kind, settings.gates, settings.catalogue, settings.reading)
    if document is not None:
        findings += _escaping_globs(document, settings)
    return document, source.findings + findings, True


def bind_source(document: Document | None, settings: Settings, artifacts=None) -> None:
    """Bind a contract to its `source` schema, if it names one (`bind_artifact`)."""
    if document is not None and document.kind == "contract" and "source" in document.values:
        bind_artifact(document, settings, artifacts)


def bind_artifact(document: Document, settings: Settings, read=None) -> None:
    """Read the facts of a contract's `source`: when it reads cleanly they are what the contract
    defines in the artifact's namespace (what it declared stays in `values['defines']`, for
    contract-drift), next to the facts it declares outside that namespace (`profile.edit_mode`
    beside a `customer` schema: behaviour no schema holds); else the declared facts stand and
    the problems wait for contract-drift to report them (ADR-0022)."""
    from mkdocs_coherence.core.artifacts import derive

    artifact = derive(document.values["source"], document.path, settings.repository,
                      prefix=document.values.get("facts_prefix"), read=read, limits=settings.limits)
    document.artifact = artifact
    if artifact.ok:
        declared = document.values.get("defines") or {}
        document.defines = {**dict(artifact.facts),
                            **{fact: value for fact, value in declared.items() if not artifact.owns(fact)}}


def _escaping_globs(document: Document, settings: Settings) -> list[Finding]:
    """`governs` globs are relative to mkdocs.yml and must stay in the repository."""
    findings = []
    root = settings.repository
    for index, pattern in enumerate(document.values.get("governs", [])):
        where = os.path.normpath(os.path.join(settings.config_dir, pattern.lstrip("/")))
        if not (where == str(root) or where.startswith(str(root).rstrip(os.sep) + os.sep)):
            findings.append(Finding(
                "schema", f"governs `{pattern}` points outside the repository; globs are relative to mkdocs.yml and "
                "only match files of this repository — write a path inside it", document.rel,
                document.line("governs", index) or document.line("governs"), (document.id,)))
    return findings
