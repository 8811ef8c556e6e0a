"""The caches this package keeps on disk, under `<config dir>/.cache/coherence/` (outside
docs_dir, ignored by git): material content per git blob (`BlobCache`), and parsed files
between runs of `coherence check` (`SourceStore`, ADR-0020).

This is the only write outside `edits/` and the site writer: it never touches a user's file,
and a tree that cannot be written to only loses the speed-up. Both are JSON, never pickle: a
cache file in a checked-out tree is data someone else may have written.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
import time
import zlib
from dataclasses import astuple
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs_coherence import __version__
from mkdocs_coherence.core.findings import Finding
from mkdocs_coherence.core.loader.limits import DEFAULT_LIMITS, Limits
from mkdocs_coherence.core.loader.reading import SourceCache, read_source
from mkdocs_coherence.core.loader.source import Positions, Source

# 2: a version of a file is read by the one corpus builder (the `kind:` of front-matter that
# did not parse and the `limits` option now count, as in the check).
CACHE_FORMAT = 2


class BlobCache:
    """Material content per (blob id, folder kind), on disk between runs; never required."""

    def __init__(self, folder: Path):
        self.file = folder / "fingerprints-v1.json"
        self.entries: dict[str, Any] = {}
        self.used: set[str] = set()
        self.dirty = False
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            if data.get("format") == CACHE_FORMAT and data.get("coherence") == __version__:
                self.entries = data["entries"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.entries = {}

    def get(self, key: str) -> Any:
        """The cached content for `key` (KeyError when absent); marks it as used by this run."""
        value = self.entries[key]
        self.used.add(key)
        return value

    def put(self, key: str, content: Any) -> None:
        self.entries[key] = content
        self.used.add(key)
        self.dirty = True

    def save(self, prune: bool = True) -> None:
        """Write the cache when this run added to it; `prune`: keep only the entries this run used.
        A history pass that adds an entry has walked the history, so what it did not use belongs
        to commits no longer reachable (rebased away) or to files no longer in the folders."""
        if not self.dirty:
            return
        if prune:
            self.entries = {key: value for key, value in self.entries.items() if key in self.used}
        _write_json(self.file, {"format": CACHE_FORMAT, "coherence": __version__, "entries": self.entries},
                    ".fingerprints-")
        self.dirty = False


def store_import(body_file: Path, meta_file: Path, body: bytes, meta: dict) -> None:
    """Keep an imported graph.json and its ETag (core/imports.py): written whole or not at all; a
    tree that cannot be written to only loses the offline copy."""
    try:
        body_file.parent.mkdir(parents=True, exist_ok=True)
        ignore = body_file.parent.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
        for target, data in ((body_file, body), (meta_file, json.dumps(meta).encode("utf-8"))):
            handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".import-", suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, target)
    except OSError:
        pass


# --- parsed sources between runs (`coherence check`; ADR-0020) ---------------------------------

SOURCES_FORMAT = 1
RACY_NS = 2_000_000_000  # a file changed within 2 s of being read may have changed unseen (git's racy rule)
_DATE = "\x00d"  # the tag of a date in a cached value; a key of real front-matter never starts with NUL


class _Uncacheable(Exception):
    """A value the cache's JSON cannot give back exactly (a set, a time of day, a shared alias)."""


def _plain(value: Any) -> tuple[Any, bool]:
    """(JSON-able copy, whether it holds a tagged date); raises _Uncacheable for anything that
    JSON would not give back as it was: a non-text key, a tuple, a datetime, a float NaN."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value, False
    if kind is float:
        if value != value:
            raise _Uncacheable
        return value, False
    if kind is list:
        tagged = False
        items = []
        for item in value:
            plain, dated = _plain(item)
            items.append(plain)
            tagged = tagged or dated
        return items, tagged
    if kind is dict:
        tagged = False
        mapping = {}
        for key, item in value.items():
            if type(key) is not str or key.startswith("\x00"):
                raise _Uncacheable
            mapping[key], dated = _plain(item)
            tagged = tagged or dated
        return mapping, tagged
    if kind is date:
        return {_DATE: value.isoformat()}, True
    raise _Uncacheable


def _restore(value: Any) -> Any:
    if type(value) is list:
        return [_restore(item) for item in value]
    if type(value) is dict:
        if len(value) == 1 and _DATE in value:
            return date.fromisoformat(value[_DATE])
        return {key: _restore(item) for key, item in value.items()}
    return value


def encode_source(source: Source) -> str | None:
    """One parsed file as cached JSON text; None when it cannot be cached exactly."""
    if "*" in source.head:  # aliases share objects between places; JSON would copy them
        return None
    if any(f.rule != "frontmatter-invalid" or f.path != source.rel or f.ids or f.severity is not None
           for f in source.findings):
        return None
    try:
        meta, tagged = _plain(source.meta)
    except (_Uncacheable, RecursionError):
        return None
    positions = source.positions
    return json.dumps([meta, tagged, positions.keys, positions.items, positions.subkeys, source.head, source.body,
                       source.body_line, source.has_frontmatter, source.readable, source.kind_hint,
                       source.mkdocs_meta, [[f.message, f.line] for f in source.findings]], separators=(",", ":"))


def decode_source(text: str, path: Path, rel: str) -> Source:
    """A fresh Source from `encode_source`'s text (raises on text of another shape)."""
    (meta, tagged, keys, items, subkeys, head, body, body_line, has_frontmatter, readable, kind_hint, mkdocs_meta,
     findings) = json.loads(text)
    if not (type(meta) is dict and type(keys) is dict and type(items) is dict and type(subkeys) is dict
            and type(head) is str and type(body) is str and type(body_line) is int and type(findings) is list):
        raise ValueError("not a cached source")
    return Source(path=path, rel=rel, meta=_restore(meta) if tagged else meta, positions=Positions(keys, items, subkeys),
                  body=body, body_line=body_line, head=head, has_frontmatter=has_frontmatter is True,
                  readable=readable is True, kind_hint=kind_hint, mkdocs_meta=mkdocs_meta is True,
                  findings=[Finding("frontmatter-invalid", message, rel, line) for message, line in findings])


def _stamp(status: os.stat_result) -> list[int]:
    # ctime too: a file rewritten with its old size and modification time still gets a new ctime.
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]


def _digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _read_bytes(path: Path, limits: Limits) -> bytes:
    with open(path, "rb") as stream:  # never more than one byte past the limit, as read_source
        size = os.fstat(stream.fileno()).st_size
        return stream.read(limits.file_bytes + 1 if size > limits.file_bytes else -1)


def read_entry(path: str, rel: str, expect_document: bool, limits: Limits) -> tuple[Source, list | None]:
    """Read and parse one file: (its Source, its cache entry, or None when it cannot be cached).
    The entry: [rel, expect_document, stamp, seen_ns, content digest, source JSON, JSON digest]."""
    seen = time.time_ns()  # before the stat: a change after it is a ctime at or after `seen`
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            raise OSError
        raw = _read_bytes(Path(path), limits)
    except (OSError, ValueError):  # read_source reports what it is; nothing is cached
        return read_source(Path(path), rel, expect_document=expect_document, limits=limits), None
    source = read_source(Path(path), rel, expect_document=expect_document, raw=raw, limits=limits)
    text = encode_source(source)
    if text is None:
        return source, None
    return source, [rel, expect_document, _stamp(status), seen, _digest(raw), text, _digest(text.encode())]


SHARDS = 64  # files the store is split into: an edit rewrites one of them, not the whole cache


def _shard(key: str) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % SHARDS


class SourceStore(SourceCache):
    """Parsed files between runs of `coherence check`, in `.cache/coherence/sources-v1/NN.json`.

    An entry is used when the file's path, size, modification and change times, inode, the
    package and PyYAML versions and the `limits` option all match; a file changed within 2 s of
    being read is compared by content hash first (git's "racy" rule). The file is replaced
    atomically, so two checks at once never corrupt it (the last one wins: worst case a miss);
    entries of files that no longer exist are pruned on save. Never required: a cache that
    cannot be read is empty, one that cannot be written is skipped. `folder=None`: memory only.
    """

    def __init__(self, folder: Path | None, limits: Limits) -> None:
        super().__init__()
        import yaml

        self.folder = folder / "sources-v1" if folder is not None else None
        self.header = {"format": SOURCES_FORMAT, "coherence": __version__, "yaml": yaml.__version__,
                       "libyaml": getattr(yaml, "__with_libyaml__", False), "limits": list(astuple(limits))}
        self.entries: dict[str, list] = {}
        self.used: set[str] = set()
        self.dirty: set[int] = set()  # the shards to write
        self.hits = 0  # files that came from the cache (`reads`: files read and parsed)
        self.pooled = 0  # of `reads`, those read by the process pool
        self._stamps: dict[str, tuple[int, list[int]]] = {}  # from prepare(): (seen_ns, stamp)
        self._pending = None  # the pool's ordered results (core/parallel.py), read as they come
        for shard in range(SHARDS) if self.folder is not None else ():
            try:
                data = json.loads((self.folder / f"{shard:02d}.json").read_text(encoding="utf-8"))
                if data.get("header") == self.header and type(data.get("entries")) is dict:
                    self.entries.update((key, entry) for key, entry in data["entries"].items()
                                        if type(key) is str and _shard(key) == shard)
            except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
                pass  # a shard missing, damaged or of another version: its files are read again

    def prepare(self, jobs: list[tuple[Path, str, bool]], limits: Limits, may_read=lambda path: True) -> None:
        """Before a check reads `jobs` (path, rel, expect_document) in order: stat each file once,
        and read and parse the ones the cache lacks in a process pool when they are many
        (`may_read`: whether the check would open the file at all, e.g. no link out of the tree)."""
        misses = []
        for path, rel, expect in jobs:
            key = str(path)
            seen = time.time_ns()
            try:
                stamp = _stamp(os.stat(key))
            except OSError:
                continue
            self._stamps[key] = (seen, stamp)
            if self._usable(key, rel, expect, seen, stamp) is None and may_read(path):
                misses.append((key, rel, expect))
        from mkdocs_coherence.core.parallel import read_in_pool

        self._pending = read_in_pool(misses, limits)

    def _usable(self, key: str, rel: str, expect: bool, seen: int, stamp: list[int]) -> list | None:
        entry = self.entries.get(key)
        try:
            if entry is None or entry[0] != rel or entry[1] is not expect or entry[2] != stamp:
                return None
            if max(stamp[1], stamp[2]) >= entry[3] - RACY_NS:  # changed near the read: compare contents
                try:
                    raw = _read_bytes(Path(key), self.limits_of())
                except (OSError, ValueError):
                    return None
                if _digest(raw) != entry[4]:
                    return None
                entry[3] = seen  # verified as of `seen`: no doubt next time unless it changes again
                self.dirty.add(_shard(key))
            return entry
        except (TypeError, IndexError, AttributeError):  # an entry of another shape: a miss
            return None

    def limits_of(self) -> Limits:
        return Limits(*self.header["limits"])

    def read(self, path: Path, rel: str, *, expect_document: bool, limits: Limits = DEFAULT_LIMITS) -> Source:
        key = str(path)
        source = self._from_pool(key, path, rel)
        if source is None:
            seen, stamp = self._stamps.pop(key, (None, None))
            if stamp is None:
                seen = time.time_ns()
                try:
                    stamp = _stamp(os.stat(key))
                except OSError:
                    stamp = None
            entry = self._usable(key, rel, expect_document, seen, stamp) if stamp is not None else None
            if entry is not None:
                try:
                    if _digest(entry[5].encode()) != entry[6]:
                        raise ValueError("damaged entry")
                    source = decode_source(entry[5], path, rel)
                    self.hits += 1
                except (ValueError, TypeError, AttributeError, RecursionError):
                    source = None
            if source is None:
                self.reads += 1
                source, entry = read_entry(key, rel, expect_document, limits)
                self._store(key, entry)
        self.used.add(key)  # (no Source is kept: a check keeps its documents, not every file's text)
        return source

    def _from_pool(self, key: str, path: Path, rel: str) -> Source | None:
        """The pool's result for `key` when it read that file (results arrive in reading order)."""
        pending = self._pending
        if pending is None or not pending.expects(key):
            return None
        result = pending.take(key)
        if result is None:  # the pool broke: read here instead
            return None
        source, entry = result
        if source is None:  # sent as its cache entry: decoded as a cached file is
            source = decode_source(entry[5], path, rel)
        self.reads += 1
        self.pooled += 1
        self._stamps.pop(key, None)
        self._store(key, entry)
        return source

    def _store(self, key: str, entry: list | None) -> None:
        if self.folder is None:  # memory only (--no-cache): nothing to keep for a next run
            return
        if entry is None:
            if self.entries.pop(key, None) is not None:
                self.dirty.add(_shard(key))
        else:
            self.entries[key] = entry
            self.dirty.add(_shard(key))

    def close(self) -> None:
        if self._pending is not None:
            self._pending.close()
            self._pending = None

    def save(self) -> None:
        """Write the shards that changed, pruned of files that no longer exist."""
        self.close()
        for key in [key for key in self.entries if key not in self.used]:
            if not os.path.lexists(key):  # kept for another configuration while the file exists
                del self.entries[key]
                self.dirty.add(_shard(key))
        if self.folder is None or not self.dirty:
            return
        shards: dict[int, dict[str, list]] = {shard: {} for shard in self.dirty}
        for key, entry in self.entries.items():
            shard = shards.get(_shard(key))
            if shard is not None:
                shard[key] = entry
        for number, entries in sorted(shards.items()):
            _write_json(self.folder / f"{number:02d}.json", {"header": self.header, "entries": entries}, ".shard-",
                        ignore=self.folder.parent)
        self.dirty = set()


def _write_json(file: Path, data: Any, prefix: str, ignore: Path | None = None) -> None:
    """Atomically (a temporary file renamed over the old one): a reader sees the old or the new.
    `ignore`: the folder that gets the `.gitignore` (default: the file's own)."""
    temp = None
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        ignore = (ignore or file.parent) / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")  # never committed, even without .gitignore
        handle, temp = tempfile.mkstemp(dir=file.parent, prefix=prefix, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, separators=(",", ":"))
        os.replace(temp, file)
        temp = None
    except OSError:
        pass  # a read-only tree: the cache is an optimisation only
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass
