"""The caches this package keeps on disk, under `<config dir>/.cache/coherence/` (outside
docs_dir, ignored by git): material content per git blob (`BlobCache`), and validated files
between runs of `coherence check` (`DocumentStore`, ADR-0020 and ADR-0028).

This is the only write outside `edits/` and the site writer: it never touches a user's file,
and a tree that cannot be written to only loses the speed-up. Both are JSON, never pickle: a
cache file in a checked-out tree is data someone else may have written.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
import zlib
from dataclasses import astuple
from pathlib import Path
from typing import Any

from mkdocs_coherence import __version__
from mkdocs_coherence.core.config import Settings
from mkdocs_coherence.core.document_json import decode, encode
from mkdocs_coherence.core.loader.limits import Limits
from mkdocs_coherence.core.loader.reading import read_source

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


# --- validated files between runs (`coherence check`; ADR-0020, ADR-0028) ----------------------

DOCUMENTS_FORMAT = 1  # of the folder `documents-v1/`; bumped whenever what an entry holds changes
RACY_NS = 2_000_000_000  # a file changed within 2 s of being read may have changed unseen (git's racy rule)


def settings_key(settings: Settings) -> str:
    """What validating a file depends on besides the file: the rules `ignore:` may name, the
    risk tiers, how existing ADRs are read, the limits, and where the project lies. Another
    value of any of them and every entry is read again."""
    return repr((sorted(settings.catalogue), sorted((key, list(value)) for key, value in settings.gates.items()),
                 sorted(settings.reading.statuses.items()), settings.reading.date_order, astuple(settings.limits),
                 str(settings.config_dir), str(settings.repository)))


def _stamp(status: os.stat_result) -> list[int]:
    # ctime too: a file rewritten with its old size and modification time still gets a new ctime.
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]


def _digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _read_bytes(path: str, limits: Limits) -> bytes:
    with open(path, "rb") as stream:  # never more than one byte past the limit, as read_source
        size = os.fstat(stream.fileno()).st_size
        return stream.read(limits.file_bytes + 1 if size > limits.file_bytes else -1)


Loaded = tuple  # (Document or None, findings, readable): what `core.corpus.load_document` gives


def load_entry(key: str, rel: str, kind: str | None, settings: Settings,
               keep: bool = True, path: Path | None = None) -> tuple[Loaded, list | None]:
    """Read, parse and validate one file: (its result, its cache entry or None when it cannot be
    kept, or `keep` is false). The entry: [rel, kind, stamp, seen_ns, content digest, the result
    as JSON values].
    A contract's `source` is not bound here (`core.corpus.bind_source`): that reads another file."""
    from mkdocs_coherence.core.corpus import validate_source

    path = Path(key) if path is None else path  # `key` is str(path)
    expect = kind is not None
    seen = time.time_ns()  # before the stat: a change after it is a ctime at or after `seen`
    try:
        status = os.stat(key)
        if not stat.S_ISREG(status.st_mode):
            raise OSError
        raw = _read_bytes(key, settings.limits)
    except (OSError, ValueError):  # read_source reports what it is; nothing is kept
        return validate_source(read_source(path, rel, expect_document=expect, limits=settings.limits), path, kind,
                               settings), None
    source = read_source(path, rel, expect_document=expect, raw=raw, limits=settings.limits)
    result = validate_source(source, path, kind, settings)
    if not keep or "*" in source.head or source.reads_folder:  # aliases share objects; a folder's records are other files
        return result, None
    data = encode(*result)
    if data is None:
        return result, None
    return result, [rel, kind, _stamp(status), seen, _digest(raw), data]


_MISS, _UNSEEN = object(), object()  # prepare()'s looks besides an entry (and None: a link)

SHARDS = 64  # files the store is split into: an edit rewrites one of them, not the whole cache


def _shard(key: str) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % SHARDS


class DocumentStore:
    """Files as `coherence check` read and validated them, between runs, in
    `.cache/coherence/documents-v1/NN.json`: an unchanged file is neither read, parsed nor
    validated again (ADR-0028; ADR-0020 kept parsed files only).

    An entry is used when the file's path, size, modification and change times, inode and
    folder kind, the package and PyYAML versions and the settings validation depends on
    (`settings_key`) all match; a file changed within 2 s of being read is compared by content
    hash first (git's "racy" rule). Each shard carries a digest of its entries and is replaced
    atomically, so two checks at once never corrupt it (the last one wins: worst case a miss);
    entries of files that no longer exist are pruned on save. Never required: a cache that
    cannot be read is empty, one that cannot be written is skipped. `folder=None`: memory only.
    """

    def __init__(self, folder: Path | None, settings: Settings) -> None:
        import yaml

        self.root = folder
        self.folder = folder / f"documents-v{DOCUMENTS_FORMAT}" if folder is not None else None
        self.settings = settings
        self.header = {"coherence": __version__, "yaml": yaml.__version__,
                       "libyaml": getattr(yaml, "__with_libyaml__", False), "settings": settings_key(settings)}
        self.entries: dict[str, list] = {}
        self.texts: dict[str, str] = {}  # key -> its entry's JSON, when a pool's worker wrote it (not written twice)
        self.used: set[str] = set()
        self.dirty: set[int] = set()  # the shards to write
        self.reads = 0  # files read, parsed and validated (the rest came from the cache)
        self.hits = 0  # files that came from the cache
        self.pooled = 0  # of `reads`, those done by the process pool
        self._looks: dict[str, list | None] = {}  # from prepare(): the usable entry, _MISS, or None: a link
        self._pending = None  # the pool's ordered results (core/parallel.py), taken as they come
        self._loaded = False

    def _load_shards(self) -> None:
        """Read the cache (once, when the check starts: the cycle collector is paused then)."""
        if self._loaded:
            return
        self._loaded = True
        for shard in range(SHARDS) if self.folder is not None else ():
            try:  # line 1: the header and the digest of line 2; line 2: the entries
                with open(self.folder / f"{shard:02d}.json", "rb") as stream:
                    head, body = stream.readline(), stream.read()
                data = json.loads(head)
                if data.get("header") != self.header or data.get("digest") != _digest(body):
                    continue
                entries = json.loads(body)
                if type(entries) is dict:
                    self.entries.update((key, entry) for key, entry in entries.items()
                                        if type(key) is str and _shard(key) == shard)
            except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
                pass  # a shard missing, damaged or of another version: its files are read again

    def prepare(self, jobs: list[tuple[Path, str, str | None]]) -> None:
        """Before a check loads `jobs` (path, rel, folder kind) in order: look at each file once,
        and have the ones the cache lacks loaded in a process pool when they are many."""
        self._load_shards()
        misses = []
        looks = self._looks
        for path, rel, kind in jobs:
            key = str(path)
            seen = time.time_ns()
            try:
                status = os.lstat(key)
            except OSError:
                continue
            if stat.S_ISLNK(status.st_mode):  # load() decides whether to follow it
                looks[key] = None
                continue
            entry = self._usable(key, rel, kind, seen, _stamp(status))
            if entry is None:
                looks[key] = _MISS
                misses.append((key, rel, kind))
            else:
                looks[key] = entry
        from mkdocs_coherence.core.parallel import load_in_pool

        # Results travel as cache entries when there is a cache to fill, else as they are (pickled).
        self._pending = load_in_pool(misses, self.settings, self.folder is not None)

    def _usable(self, key: str, rel: str, kind: str | None, seen: int, stamp: list[int]) -> list | None:
        entry = self.entries.get(key)
        try:
            if entry is None or entry[0] != rel or entry[1] != kind or entry[2] != stamp:
                return None
            if max(stamp[1], stamp[2]) >= entry[3] - RACY_NS:  # changed near the read: compare contents
                try:
                    raw = _read_bytes(key, self.settings.limits)
                except (OSError, ValueError):
                    return None
                if _digest(raw) != entry[4]:
                    return None
                entry[3] = seen  # verified as of `seen`: no doubt next time unless it changes again
                self.dirty.add(_shard(key))
            return entry
        except (TypeError, IndexError, AttributeError):  # an entry of another shape: a miss
            return None

    def load(self, path: Path, rel: str, kind: str | None) -> Loaded:
        """What `core.corpus.load_document` gives for this file, from the cache when it is unchanged."""
        from mkdocs_coherence.core.corpus import bind_source, link_out, load_document

        self._load_shards()
        key = str(path)
        self.used.add(key)
        result = self._from_pool(key, path, rel)
        if result is None:
            look = self._looks.pop(key, _UNSEEN)
            if look is None or look is _UNSEEN:  # a link when prepared, or not prepared: look now
                if os.path.islink(key):
                    if not self.settings.inside(path):  # a link out of the repository: never read
                        return link_out(rel)
                    self.reads += 1  # a link in it: read, never kept (its stamps are its target's)
                    self._store(key, None)
                    return load_document(path, rel, kind, self.settings)
                entry = None if look is None else self._look_now(key, rel, kind)
            else:  # prepare() looked at this regular file (lstat once: no second look)
                entry = None if look is _MISS else look
            if entry is not None:
                try:
                    result = decode(entry[5], path, rel)
                    self.hits += 1
                except ValueError:
                    result = None
            if result is None:
                self.reads += 1
                result, entry = load_entry(key, rel, kind, self.settings, keep=self.folder is not None, path=path)
                self._store(key, entry)
        bind_source(result[0], self.settings)
        return result

    def _look_now(self, key: str, rel: str, kind: str | None) -> list | None:
        try:
            return self._usable(key, rel, kind, time.time_ns(), _stamp(os.stat(key)))
        except OSError:
            return None

    def _from_pool(self, key: str, path: Path, rel: str) -> Loaded | None:
        """The pool's result for `key` when it loaded that file (results arrive in order)."""
        pending = self._pending
        if pending is None or not pending.expects(key):
            return None
        taken = pending.take(key)
        if taken is None:  # the pool broke: load it here instead
            return None
        result, entry = taken
        text = None
        if result is None:  # sent as its cache entry's JSON: decoded as a cached file is
            text = entry
            try:
                entry = json.loads(text)
                result = decode(entry[5], path, rel)
            except (ValueError, TypeError, IndexError, KeyError):
                return None
        self.reads += 1
        self.pooled += 1
        self._looks.pop(key, None)
        self._store(key, entry, text)
        return result

    def _store(self, key: str, entry: list | None, text: str | None = None) -> None:
        """Keep `entry` for the next run; `text`: its JSON, as a worker wrote it (saved as it is)."""
        if self.folder is None:  # memory only (--no-cache): nothing to keep for a next run
            return
        if text is None:
            self.texts.pop(key, None)
        else:
            self.texts[key] = text
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
        if not self._loaded:  # nothing was checked with this store
            return
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
        texts = self.texts
        for number, entries in sorted(shards.items()):
            # The JSON of the mapping key -> entry, with the entries the workers wrote as they wrote them.
            body = ("{" + ",".join(f"{compact_json(key)}:{texts.get(key) or compact_json(entry)}"
                                   for key, entry in entries.items()) + "}").encode("utf-8")
            head = compact_json({"header": self.header, "digest": _digest(body)}).encode("utf-8")
            _write_bytes(self.folder / f"{number:02d}.json", head + b"\n" + body, ".shard-", ignore=self.root)
        self.dirty = set()
        old = self.root / "sources-v1"  # ADR-0020's parsed files: superseded by this folder
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def compact_json(value: Any) -> str:
    """JSON without spaces: what every cache file holds."""
    return json.dumps(value, separators=(",", ":"))


def _write_json(file: Path, data: Any, prefix: str, ignore: Path | None = None) -> None:
    _write_bytes(file, compact_json(data).encode("utf-8"), prefix, ignore)


def _write_bytes(file: Path, data: bytes, prefix: str, ignore: Path | None = None) -> None:
    """Atomically (a temporary file renamed over the old one): a reader sees the old or the new.
    `ignore`: the folder that gets the `.gitignore` (default: the file's own)."""
    temp = None
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        ignore = (ignore or file.parent) / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")  # never committed, even without .gitignore
        handle, temp = tempfile.mkstemp(dir=file.parent, prefix=prefix, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
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
