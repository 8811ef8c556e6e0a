"""Staleness from git history in one pass (DESIGN §5 staleness order, §11 known costs; ADR-0009).

When did each document last change *materially*, and which earlier version did a stamp
fingerprint? The git side (one `git log`, blobs through one `git cat-file --batch`) is in
`git_history` and `git`; each version of a file is read by the corpus builder, exactly as the
check reads the working tree; its material content is cached by blob id (`cache`), so a
rebuild reads only blobs it has never seen.

Git is optional: without git, outside a repository, or in a shallow clone, `History.state`
says so and the stale rules fall back to stamps and front-matter dates. Nothing here raises
for git's sake: every failure becomes a degraded state with a reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import time
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator

from mkdocs_coherence.core.cache import BlobCache
from mkdocs_coherence.core.config import Settings
from mkdocs_coherence.core.corpus import FolderKinds, load_document
from mkdocs_coherence.core.fingerprints import describe, hash_material, material
from mkdocs_coherence.core.git import BlobReader, GitError, verify_revision
from mkdocs_coherence.core.git_history import (ABSENT, FULL, ZERO, Commit, Entries, blob_id, locate, read_log,
                                               tree_blobs)
from mkdocs_coherence.core.globs import glob_regex, literal_prefix
from mkdocs_coherence.core.model import Corpus, Document


@dataclass(frozen=True)
class Change:
    """A material change of a document: when, in which commit (None: uncommitted), and what."""

    day: date
    ts: float | None  # None: known to the day only (front-matter dates)
    commit: Commit | None = None
    before: dict | None = None
    after: dict | None = None
    note: str | None = None  # what is known when the content is not

    @property
    def what(self) -> str:
        return self.note if self.note is not None else describe(self.before, self.after)

    @property
    def when(self) -> str:
        """'2026-03-01 in commit 45d401101b', '2026-03-02 in the working tree (uncommitted)'."""
        if self.commit is not None:
            return f"{self.day.isoformat()} in commit {self.commit.short}"
        if self.ts is not None:
            return f"{self.day.isoformat()} in the working tree (uncommitted)"
        return self.day.isoformat()

    @property
    def key(self) -> tuple:
        return (self.day, self.ts if self.ts is not None else 0.0)


@dataclass(frozen=True)
class Point:
    """When a document was last reviewed: a day (`reviewed:`, `date:`) or an exact commit time."""

    day: date
    ts: float | None
    label: str  # "reviewed 2026-02-01", "last committed 2026-02-01"

    def before(self, change: Change) -> bool:
        """Did `change` happen after this point?"""
        if self.ts is not None and change.ts is not None:
            return change.ts > self.ts
        return change.day > self.day


@dataclass
class History:
    state: str  # full | shallow | absent
    reason: str = ""
    toplevel: Path | None = None
    commits: list[Commit] = field(default_factory=list)  # newest first
    entries: Entries = field(default_factory=dict)  # path -> (commit, old, new), newest first
    prefix: str = ""  # config dir relative to the top level, "" or "sub/dir/"
    working: dict[str, str] = field(default_factory=dict)  # repo path -> blob id of the working file
    changes: dict[str, Change | None] = field(default_factory=dict)  # document rel -> last material change
    # document rel -> every material change, newest first: only for documents whose particular
    # facts others assume (a change elsewhere in them must not make those others stale)
    every_change: dict[str, list[Change]] = field(default_factory=dict)
    seconds: float = 0.0
    blobs_read: int = 0
    stamped: dict[tuple[str, str], dict] = field(default_factory=dict)  # (rel, fingerprint) -> material
    _paths_sorted: list[str] | None = None
    _repo_paths: dict[str, str | None] = field(default_factory=dict)

    @property
    def full(self) -> bool:
        return self.state == FULL

    def repo_path(self, document: Document) -> str | None:
        """The document's path relative to the top level of the work tree (None: outside it)."""
        if self.toplevel is None:
            return None
        if document.rel not in self._repo_paths:
            path = None
            for candidate in (document.path, None):  # resolve only when needed: it is slow
                candidate = candidate or document.path.resolve()
                try:
                    path = candidate.relative_to(self.toplevel).as_posix()
                    break
                except ValueError:
                    continue
            self._repo_paths[document.rel] = path
        return self._repo_paths[document.rel]

    def modified(self, path: str) -> bool:
        """The working file differs from HEAD's (or is not committed at all)."""
        entries = self.entries.get(path)
        head = entries[0][2] if entries else ZERO
        return self.working.get(path) != head

    def last_commit(self, document: Document) -> Commit | None:
        path = self.repo_path(document)
        entries = self.entries.get(path or "")
        return self.commits[entries[0][0]] if entries and entries[0][2] != ZERO else None

    def last_touch(self, document: Document, now: float) -> Point | None:
        """The document's last change of any kind: the default `reviewed` (DESIGN §4)."""
        path = self.repo_path(document)
        if path is None:
            return None
        if path in self.working and self.modified(path):
            return Point(date.fromtimestamp(now), now, "edited now, uncommitted")
        commit = self.last_commit(document)
        return Point(commit.day, commit.ts, f"last committed {commit.day.isoformat()}") if commit else None

    def material_change(self, document: Document) -> Change | None:
        return self.changes.get(document.rel)

    def relevant_change(self, document: Document, project: Callable[[dict | None], object],
                        tell: Callable[[dict | None], dict | None]) -> Change | None:
        """The latest material change of `document` that changed `project(material)` (what a
        dependent relies on), told with `tell(material)`, or None."""
        changes = self.every_change.get(document.rel)
        if changes is None:  # not walked in full: the latest change is all that is known
            change = self.changes.get(document.rel)
            changes = [change] if change is not None else []
        for change in changes:
            if project(change.before) != project(change.after):
                return Change(change.day, change.ts, change.commit, tell(change.before), tell(change.after),
                              change.note)
        return None

    def earlier_material(self, document: Document, fp: str) -> dict | None:
        """The material content of an earlier version with fingerprint `fp` (to describe a stamp)."""
        return self.stamped.get((document.rel, fp))

    # --- governed code paths

    def to_repo_glob(self, pattern: str) -> str:
        return posixpath.normpath(self.prefix + pattern.lstrip("/")) + ("/" if pattern.endswith("/") else "")

    def governed(self, patterns: Iterable[str], since: Point) -> list[tuple[Commit, list[str]]]:
        """Commits after `since` that changed a path matching a pattern (relative to mkdocs.yml),
        newest first, each with the matching paths it changed."""
        if self._paths_sorted is None:
            self._paths_sorted = sorted(self.entries)
        paths = self._paths_sorted
        hits: dict[int, set[str]] = {}
        for pattern in patterns:
            repo_glob = self.to_repo_glob(pattern)
            regex, start = glob_regex(repo_glob), literal_prefix(repo_glob)
            for i in range(bisect_left(paths, start), len(paths)):
                path = paths[i]
                if not path.startswith(start):
                    break
                if not regex.match(path):
                    continue
                for index, _, _ in self.entries[path]:
                    commit = self.commits[index]
                    if since.before(Change(commit.day, commit.ts)):
                        hits.setdefault(index, set()).add(path)
                    else:
                        break  # entries are newest first
        return [(self.commits[i], sorted(hits[i])) for i in sorted(hits)]


class _Materials:
    """Material content of blobs: from the cache, else read once through the batch reader."""

    def __init__(self, settings: Settings, toplevel: Path):
        self.settings = settings
        self.toplevel = toplevel
        self.folder_kinds = FolderKinds(settings.folders)
        self.cache = BlobCache(settings.config_dir / ".cache" / "coherence")
        self.reader = BlobReader(toplevel)
        self.kinds: dict[str, str | None] = {}

    def __call__(self, path: str, blob: str) -> dict | None:
        if blob == ZERO:
            return None
        absolute = self.toplevel / path
        if path not in self.kinds:
            self.kinds[path] = self.folder_kinds.of(absolute)
        kind = self.kinds[path]
        key = f"{blob}:{kind or '-'}"
        try:
            return self.cache.get(key)
        except KeyError:
            pass
        data = self.reader.read(blob)
        content = None
        if data is not None:
            # Read as the check reads the working tree: the same builder, the same kind.
            document, _, _ = load_document(absolute, self.settings.relpath(absolute), kind, self.settings, raw=data)
            content = material(document) if document is not None else None
        self.cache.put(key, content)
        return content

    def bound(self, path: str, blob: str, tree: dict[str, str], cache: bool = False) -> dict | None:
        """A contract bound to code, at a revision whose blobs are `tree`: its `source` is read
        from that revision too. `cache`: `tree` holds every file the contract reads (its blob
        and its artifact's), so the material is cached under all their blob ids together."""
        key = None
        if cache:
            ids = hashlib.sha1(json.dumps(sorted(tree.items())).encode("utf-8")).hexdigest()
            key = f"bound:{path}:{ids}:{self.kinds.setdefault(path, self.folder_kinds.of(self.toplevel / path)) or '-'}"
            if key in self.cache.entries:
                return self.cache.entries[key]
        content = self._bound(path, blob, tree)
        if key is not None:
            self.cache.entries[key] = content
            self.cache.dirty = True
        return content

    def _bound(self, path: str, blob: str, tree: dict[str, str]) -> dict | None:
        data = self.reader.read(blob)
        if data is None:
            return None
        absolute = self.toplevel / path

        def read(artifact: Path) -> bytes | None:
            try:
                key = Path(os.path.normpath(artifact)).relative_to(self.toplevel).as_posix()
            except ValueError:
                return None
            return self.reader.read(tree[key]) if key in tree else None

        document, _, _ = load_document(absolute, self.settings.relpath(absolute), self.folder_kinds.of(absolute),
                                       self.settings, raw=data, artifacts=read)
        return material(document) if document is not None else None

    def close(self) -> None:
        """After a base revision's blobs: saved unpruned (this pass sees one revision, not the history)."""
        self.reader.close()
        self.cache.save(prune=False)



def read_history(corpus: Corpus, settings: Settings, graph=None, *, now: float | None = None) -> History:
    """Read what the stale rules need: one `git log`, one `git cat-file --batch` (if any
    uncached blob is needed). Never raises: a git failure is a degraded state with a reason."""
    started = time.perf_counter()
    now = time.time() if now is None else now
    state, toplevel, reason = locate(settings)
    history = History(state, reason, toplevel)
    if toplevel is None or state == ABSENT:
        return history
    try:
        prefix = settings.config_dir.relative_to(toplevel).as_posix()
        history.prefix = "" if prefix == "." else prefix + "/"
    except ValueError:
        history.prefix = os.path.relpath(settings.config_dir, toplevel).replace(os.sep, "/") + "/"
    document_paths = {p for p in (history.repo_path(d) for d in corpus.documents) if p}
    artifact_paths = {p for d in corpus.documents for p in _artifact_paths(history, d)}
    wants_all = any(d.values.get("governs") for d in corpus.documents)
    keep = (lambda path: True) if wants_all else (document_paths | artifact_paths).__contains__
    try:
        history.commits, history.entries = read_log(toplevel, keep)
    except (GitError, ValueError, UnicodeDecodeError) as error:
        return History(ABSENT, f"git log could not be read ({error})", toplevel)

    for document in corpus.documents:
        path = history.repo_path(document)
        if path:
            try:
                history.working[path] = blob_id(document.path.read_bytes())
            except OSError:
                pass
    for path in artifact_paths:  # the files contracts bound to code read, as they are now
        try:
            history.working[path] = blob_id((toplevel / path).read_bytes())
        except OSError:
            pass
    if state == FULL:
        materials = _Materials(settings, toplevel)
        try:
            targets = _targets(corpus, graph)
            assumed = _assumed_targets(corpus, graph)
            for document in corpus.documents:
                if document.id in assumed:
                    every = list(_material_changes(history, document, materials, now))
                    history.every_change[document.rel] = every
                    history.changes[document.rel] = every[0] if every else None
                elif document.id in targets:
                    history.changes[document.rel] = next(_material_changes(history, document, materials, now), None)
            _find_stamped(history, corpus, materials)
        finally:
            materials.reader.close()
            materials.cache.save()
        history.blobs_read = materials.reader.reads
    history.seconds = time.perf_counter() - started
    return history


def _targets(corpus: Corpus, graph) -> set[str]:
    """Ids whose material changes matter: everything referenced (all documents without a graph)."""
    if graph is None:
        return {d.id for d in corpus.documents}
    return {target for _, target, _ in graph.edges()}


def _assumed_targets(corpus: Corpus, graph) -> set[str]:
    """Ids some document assumes particular facts of: their whole material history is walked."""
    if graph is None:
        return set()
    return {target for _, target, edge in graph.edges() if edge.type == "assumes"}


def _find_stamped(history: History, corpus: Corpus, materials) -> None:
    """For every stamp that no longer matches, the earlier version it was taken of (if any)."""
    index = corpus.by_id()
    wanted: dict[str, set[str]] = {}
    for document in corpus.documents:
        for target_id, fp in document.values.get("stamps", {}).items():
            target = index.get(target_id)
            if target is not None and fp != hash_material(material(target)):
                wanted.setdefault(target.rel, set()).add(fp)
    by_rel = {d.rel: d for d in corpus.documents}
    for rel, fps in wanted.items():
        target = by_rel[rel]
        path = history.repo_path(target)
        for _, old, new in history.entries.get(path or "", ()):
            for blob in (new, old):
                content = materials(path, blob)
                fp = hash_material(content) if content is not None else None
                if fp in fps:
                    history.stamped[(rel, fp)] = content
                    fps.discard(fp)
            if not fps:
                break


def _artifact_paths(history: History, document: Document) -> list[str]:
    """The files (relative to the top level) a contract bound to code reads: its `source`, and
    the files its `$ref`s reach, as the working tree has them."""
    artifact = document.artifact
    if artifact is None or history.toplevel is None:
        return []
    found = []
    for absolute in artifact.files:
        try:
            found.append(Path(absolute).relative_to(history.toplevel).as_posix())
        except ValueError:
            continue
    return found


def _bound_changes(history: History, document: Document, path: str, materials, now: float) -> Iterator[Change]:
    """The material changes of a contract bound to code: every commit that changed the contract
    or a file its artifact reads, each version read with the artifact of the same commit (ADR-0022).
    Reformatting the schema changes no fact, so it is no change."""
    paths = [path] + [p for p in _artifact_paths(history, document) if p != path]

    def head(p: str) -> str:
        entries = history.entries.get(p)
        return entries[0][2] if entries else ZERO

    def content(after: int) -> dict | None:
        """The material once the commit at index `after` (newest first) was made."""
        blobs: dict[str, str] = {}
        for p in paths:
            for index, _, new in history.entries.get(p, ()):
                if index >= after:
                    if new != ZERO:
                        blobs[p] = new
                    break
        return materials.bound(path, blobs[path], blobs, cache=True) if path in blobs else None

    indexes = sorted({index for p in paths for index, _, _ in history.entries.get(p, ())})
    if any(history.working.get(p, ZERO) != head(p) for p in paths):
        before = content(0) if indexes else None
        current = material(document)
        if before != current:
            yield Change(date.fromtimestamp(now), now, None, before, current)
    for index in indexes:
        after, before = content(index), content(index + 1)
        if after != before:
            commit = history.commits[index]
            yield Change(commit.day, float(commit.ts), commit, before, after)


def _material_changes(history: History, document: Document, materials, now: float) -> Iterator[Change]:
    """The document's material changes, newest first (an uncommitted one first of all): a
    caller that needs only the latest stops after one, and reads no older blob."""
    path = history.repo_path(document)
    if path is None:
        return
    if document.artifact is not None:
        yield from _bound_changes(history, document, path, materials, now)
        return
    entries = history.entries.get(path, [])
    current = material(document)
    if history.modified(path) and path in history.working:
        head = materials(path, entries[0][2]) if entries else None
        if head != current:
            yield Change(date.fromtimestamp(now), now, None, head, current)
    for index, old, new in entries:
        after, before = materials(path, new), materials(path, old)
        if after != before:
            commit = history.commits[index]
            yield Change(commit.day, float(commit.ts), commit, before, after)



# --- a base revision, for breaking-change and impact -------------------------------------


def materials_at(settings: Settings, base: str, paths: dict[str, Document]) -> dict[str, dict | None]:
    """The material content, at revision `base`, of each document (by its rel path) that existed
    there: one `git ls-tree`, blobs through one `git cat-file --batch`. Raises GitError."""
    state, toplevel, reason = locate(settings)
    if toplevel is None or state == ABSENT:
        raise GitError(reason)
    commit = verify_revision(toplevel, base)
    blobs = tree_blobs(toplevel, commit)
    materials = _Materials(settings, toplevel)
    found: dict[str, dict | None] = {}
    try:
        for rel, document in paths.items():
            try:
                repo_path = document.path.resolve().relative_to(toplevel).as_posix()
            except ValueError:
                continue
            if repo_path in blobs and "source" in document.values:
                found[rel] = materials.bound(repo_path, blobs[repo_path], blobs)
            elif repo_path in blobs:
                found[rel] = materials(repo_path, blobs[repo_path])
    finally:
        materials.close()
    return found

