"""The one corpus builder: which files are documents, of which kind, and what each one says.

Folder → kind (`FolderKinds`) and file → document (`load_document`) are answered here only,
for the working tree (the check) and for earlier versions of a file (git blobs, for history
and fingerprints alike), so a file is the same document whichever of them reads it.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path

from mkdocs_coherence.core.adr_formats import is_decision_record
from mkdocs_coherence.core.config import Settings
from mkdocs_coherence.core.findings import Finding
from mkdocs_coherence.core.loader.discovery import iter_markdown
from mkdocs_coherence.core.loader.reading import SourceCache, read_source
from mkdocs_coherence.core.model import Corpus, Document
from mkdocs_coherence.core.schema import build_document


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


def discover(settings: Settings) -> list[Path]:
    """Every Markdown file under docs_dir and the configured folders, once each, sorted."""
    roots = [settings.docs_dir] + [f for f in settings.folders if not f.is_relative_to(settings.docs_dir)]
    seen: dict[str, Path] = {}
    for root in roots:
        if root.is_dir():
            for path in iter_markdown(root):
                seen.setdefault(os.path.normcase(path), path)
    # In Path order (part by part), but comparing split strings: Path comparisons would cost
    # as much as walking the folders.
    return [seen[key] for key in sorted(seen, key=lambda key: key.split(os.sep))]


def load_corpus(settings: Settings, paths: list[Path] | None = None, cache: SourceCache | None = None) -> Corpus:
    """Read and validate every file; with `cache`, unchanged files are not read again."""
    kinds = FolderKinds(settings.folders)
    corpus = Corpus()
    for path in discover(settings) if paths is None else paths:
        corpus.sources += 1
        rel = settings.relpath(path)
        try:
            document, findings, readable = load_document(path, rel, kinds.of(path), settings, cache=cache)
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
    return corpus


def load_document(path: Path, rel: str, kind: str | None, settings: Settings, *, raw: bytes | None = None,
                  cache: SourceCache | None = None) -> tuple[Document | None, list[Finding], bool]:
    """(document or None, findings, readable) for one file; `kind` is its folder's kind.

    `raw`: the bytes of an earlier version of the file (a git blob); the file itself is then
    not opened, so the guard against links out of the repository does not apply.
    """
    if raw is None and os.path.islink(path) and not settings.inside(path):
        # A link out of the repository (to ~/.ssh, /etc, ...): never read, never published.
        return None, [Finding("frontmatter-invalid", "is a symbolic link to a file outside the repository; it is not "
                              "followed, read or published — copy the file into the repository instead", rel, None)], False
    if raw is not None:
        source = read_source(path, rel, expect_document=kind is not None, raw=raw, limits=settings.limits)
    else:
        read = cache.read if cache is not None else read_source
        source = read(path, rel, expect_document=kind is not None, limits=settings.limits)
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
