"""Git history in one pass (DESIGN §5 staleness order, §11 known costs; ADR-0009).

One `git log` over the first-parent history lists, per commit, the blob ids of every file it
changed (`--raw`: old and new blob per path). Paths are filtered in Python, never with a
pathspec, and never with one git process per file. Blob contents, needed only to fingerprint
document versions, come from one long-running `git cat-file --batch`, and their material
content is cached by blob id in `<config dir>/.cache/coherence/` (outside docs_dir), so a
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
import re
import shutil
import subprocess
import tempfile
import time
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from mkdocs_coherence import __version__
from mkdocs_coherence.core.config import Settings
from mkdocs_coherence.core.fingerprints import describe, hash_material, material, material_of_bytes
from mkdocs_coherence.core.git import GitError, run_git, verify_revision
from mkdocs_coherence.core.model import Corpus, Document

ZERO = "0" * 40
CACHE_FORMAT = 1
FULL, SHALLOW, ABSENT = "full", "shallow", "absent"
def blob_id(data: bytes) -> str:
    """The id git gives these bytes as a blob (to tell an edited working file from HEAD's)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


# --- globs ------------------------------------------------------------------------------


def glob_regex(pattern: str) -> re.Pattern:
    """`governs` globs: `*` and `?` stay within a folder, `**` crosses folders, `[...]` a class;
    a pattern naming a folder also matches everything under it."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 2)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1:end]
                out.append("[" + ("^" + re.escape(body[1:]) if body[:1] in "!^" else re.escape(body)) + "]")
                i = end
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("^" + "".join(out).rstrip("/") + "(?:/.*)?$")


def literal_prefix(pattern: str) -> str:
    """The folder part before the first wildcard: only paths under it can match."""
    cut = min([pattern.find(c) for c in "*?[" if c in pattern] or [len(pattern)])
    head = pattern[:cut]
    return head if cut == len(pattern) else head[: head.rfind("/") + 1]


# --- the cache --------------------------------------------------------------------------


class BlobCache:
    """Material content per (blob id, folder kind), on disk between runs; never required."""

    def __init__(self, folder: Path):
        self.file = folder / "fingerprints-v1.json"
        self.entries: dict[str, Any] = {}
        self.dirty = False
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            if data.get("format") == CACHE_FORMAT and data.get("coherence") == __version__:
                self.entries = data["entries"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.entries = {}

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.file.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")  # never committed, even without .gitignore
            handle, temp = tempfile.mkstemp(dir=self.file.parent, prefix=".fingerprints-", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"format": CACHE_FORMAT, "coherence": __version__, "entries": self.entries}, out,
                          separators=(",", ":"))
            os.replace(temp, self.file)
            self.dirty = False
        except OSError:
            pass  # a read-only tree: the cache is an optimisation only


class BlobReader:
    """One `git cat-file --batch` process for every blob a run needs, started on first use."""

    def __init__(self, toplevel: Path):
        self.toplevel = toplevel
        self.process: subprocess.Popen | None = None
        self.reads = 0

    def read(self, sha: str) -> bytes | None:
        if self.process is None:
            try:
                self.process = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.toplevel,
                                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                stderr=subprocess.DEVNULL)
            except OSError:
                return None
        process = self.process
        try:
            process.stdin.write(sha.encode("ascii") + b"\n")
            process.stdin.flush()
            header = process.stdout.readline().split()
            if len(header) != 3:
                return None  # "<sha> missing"
            size = int(header[2])
            data = process.stdout.read(size)
            process.stdout.read(1)  # the newline after the contents
        except (OSError, ValueError):
            self.close()
            return None
        self.reads += 1
        return data if header[1] == b"blob" else None

    def close(self) -> None:
        if self.process is not None:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except (OSError, subprocess.SubprocessError):
                self.process.kill()
            self.process = None


# --- commits and changes ----------------------------------------------------------------


@dataclass(frozen=True)
class Commit:
    sha: str
    ts: int  # committer date, seconds since the epoch
    day: date  # committer date, in the committer's time zone
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:10]


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
    entries: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)  # path -> (commit, old, new)
    prefix: str = ""  # config dir relative to the top level, "" or "sub/dir/"
    working: dict[str, str] = field(default_factory=dict)  # repo path -> blob id of the working file
    changes: dict[str, Change | None] = field(default_factory=dict)  # document rel -> last material change
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



def changed_paths(settings: Settings, base: str) -> tuple[Path, list[str]]:
    """(top level, paths relative to it) changed between the merge base of `base` and HEAD and
    then in the working tree, untracked files included. Raises GitError."""
    state, toplevel, reason = _locate(settings)
    if toplevel is None or state == ABSENT:
        raise GitError(reason)
    if base.startswith("-"):
        raise GitError(f"'{base}' is not a revision")
    try:
        merge_base = run_git(toplevel, "merge-base", base, "HEAD").decode().strip()
    except GitError as error:
        raise GitError(f"no common history with '{base}' in this clone ({error})") from None
    out = run_git(toplevel, "diff", "--name-only", "-z", "--no-renames", merge_base)
    out += run_git(toplevel, "ls-files", "--others", "--exclude-standard", "-z")
    return toplevel, sorted({p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p})


def _parse_log(raw: bytes, keep) -> tuple[list[Commit], dict[str, list[tuple[int, str, str]]]]:
    commits: list[Commit] = []
    entries: dict[str, list[tuple[int, str, str]]] = {}
    for chunk in raw.split(b"\x1e")[1:]:
        header, _, rest = chunk.partition(b"\0")
        meta, _, subject = header.partition(b"\x1f")
        sha, ts, iso = meta.decode("ascii").split(" ")
        index = len(commits)
        commits.append(Commit(sha, int(ts), date.fromisoformat(iso[:10]), subject.decode("utf-8", "replace")))
        tokens = rest.lstrip(b"\n").split(b"\0")
        for i in range(0, len(tokens) - 1, 2):
            info, path = tokens[i], tokens[i + 1]
            if not info.startswith(b":"):
                continue
            fields = info.split(b" ")
            name = path.decode("utf-8", "surrogateescape")
            if keep(name):
                entries.setdefault(name, []).append((index, fields[2].decode(), fields[3].decode()))
    return commits, entries


def _folder_kinds(settings: Settings) -> list[tuple[Path, str]]:
    return sorted(settings.folders.items(), key=lambda item: len(item[0].parts), reverse=True)


def folder_kind_of(path: Path, folders: list[tuple[Path, str]]) -> str | None:
    for folder, kind in folders:
        if path.is_relative_to(folder):
            return kind
    return None


class _Materials:
    """Material content of blobs: from the cache, else read once through the batch reader."""

    def __init__(self, settings: Settings, toplevel: Path):
        self.settings = settings
        self.toplevel = toplevel
        self.folders = _folder_kinds(settings)
        self.cache = BlobCache(settings.config_dir / ".cache" / "coherence")
        self.reader = BlobReader(toplevel)
        self.kinds: dict[str, str | None] = {}

    def __call__(self, path: str, blob: str) -> dict | None:
        if blob == ZERO:
            return None
        absolute = self.toplevel / path
        if path not in self.kinds:
            self.kinds[path] = folder_kind_of(absolute, self.folders)
        kind = self.kinds[path]
        key = f"{blob}:{kind or '-'}"
        if key in self.cache.entries:
            return self.cache.entries[key]
        data = self.reader.read(blob)
        content = None
        if data is not None:
            rel = os.path.relpath(absolute, self.settings.config_dir).replace(os.sep, "/")
            content = material_of_bytes(data, absolute, rel, kind, self.settings.gates, self.settings.catalogue)
        self.cache.entries[key] = content
        self.cache.dirty = True
        return content

    def close(self) -> None:
        self.reader.close()
        self.cache.save()


def _locate(settings: Settings) -> tuple[str, Path | None, str]:
    """(state, top level, reason)."""
    if shutil.which("git") is None:
        return ABSENT, None, "git is not installed"
    try:
        out = run_git(settings.config_dir, "rev-parse", "--show-toplevel", "--is-shallow-repository").decode()
    except GitError as error:
        if "not a git repository" in str(error).lower():
            return ABSENT, None, "the project is not in a git repository"
        return ABSENT, None, f"git cannot read the repository: {error}"
    lines = out.splitlines()
    toplevel = Path(lines[0]).resolve()
    try:
        run_git(toplevel, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except GitError:
        return ABSENT, toplevel, "the git repository has no commits yet"
    return (SHALLOW if len(lines) > 1 and lines[1].strip() == "true" else FULL), toplevel, ""


def read_history(corpus: Corpus, settings: Settings, graph=None, *, now: float | None = None) -> History:
    """Read what the stale rules need: one `git log`, one `git cat-file --batch` (if any
    uncached blob is needed). Never raises: a git failure is a degraded state with a reason."""
    started = time.perf_counter()
    now = time.time() if now is None else now
    state, toplevel, reason = _locate(settings)
    history = History(state, reason, toplevel)
    if toplevel is None or state == ABSENT:
        return history
    try:
        prefix = settings.config_dir.relative_to(toplevel).as_posix()
        history.prefix = "" if prefix == "." else prefix + "/"
    except ValueError:
        history.prefix = os.path.relpath(settings.config_dir, toplevel).replace(os.sep, "/") + "/"
    document_paths = {p for p in (history.repo_path(d) for d in corpus.documents) if p}
    wants_all = any(d.values.get("governs") for d in corpus.documents)
    keep = (lambda path: True) if wants_all else document_paths.__contains__
    try:
        raw = run_git(toplevel, "log", "-z", "--raw", "--no-renames", "--no-abbrev", "--first-parent",
                   "--diff-merges=first-parent", "--no-color", "--format=%x1e%H %ct %cI%x1f%s", "HEAD")
        history.commits, history.entries = _parse_log(raw, keep)
    except (GitError, ValueError, UnicodeDecodeError) as error:
        return History(ABSENT, f"git log could not be read ({error})", toplevel)

    for document in corpus.documents:
        path = history.repo_path(document)
        if path:
            try:
                history.working[path] = blob_id(document.path.read_bytes())
            except OSError:
                pass
    if state == FULL:
        materials = _Materials(settings, toplevel)
        try:
            targets = _targets(corpus, graph)
            for document in corpus.documents:
                if document.id in targets:
                    history.changes[document.rel] = _last_material_change(history, document, materials, now)
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


def _last_material_change(history: History, document: Document, materials, now: float) -> Change | None:
    path = history.repo_path(document)
    if path is None:
        return None
    entries = history.entries.get(path, [])
    current = material(document)
    if history.modified(path) and path in history.working:
        head = materials(path, entries[0][2]) if entries else None
        if head != current:
            return Change(date.fromtimestamp(now), now, None, head, current)
    for index, old, new in entries:
        after, before = materials(path, new), materials(path, old)
        if after != before:
            commit = history.commits[index]
            return Change(commit.day, float(commit.ts), commit, before, after)
    return None


# --- a base revision, for breaking-change and impact -------------------------------------


def materials_at(settings: Settings, base: str, paths: dict[str, Document]) -> dict[str, dict | None]:
    """The material content, at revision `base`, of each document (by its rel path) that existed
    there: one `git ls-tree`, blobs through one `git cat-file --batch`. Raises GitError."""
    state, toplevel, reason = _locate(settings)
    if toplevel is None or state == ABSENT:
        raise GitError(reason)
    commit = verify_revision(toplevel, base)
    listing = run_git(toplevel, "ls-tree", "-r", "-z", "--full-tree", commit)
    blobs: dict[str, str] = {}
    for line in listing.split(b"\0"):
        info, _, name = line.partition(b"\t")
        parts = info.split()
        if len(parts) == 3 and parts[1] == b"blob":
            blobs[name.decode("utf-8", "surrogateescape")] = parts[2].decode()
    materials = _Materials(settings, toplevel)
    found: dict[str, dict | None] = {}
    try:
        for rel, document in paths.items():
            try:
                repo_path = document.path.resolve().relative_to(toplevel).as_posix()
            except ValueError:
                continue
            if repo_path in blobs:
                found[rel] = materials(repo_path, blobs[repo_path])
    finally:
        materials.close()
    return found

