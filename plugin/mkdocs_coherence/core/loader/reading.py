"""A file's bytes (from disk, or a git blob) to a `Source`; `SourceCache` between builds."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from mkdocs_coherence.core.loader.frontmatter import read_frontmatter
from mkdocs_coherence.core.loader.limits import DEFAULT_LIMITS, Limits
from mkdocs_coherence.core.loader.source import Source


def read_source(path: Path, rel: str, *, expect_document: bool, raw: bytes | None = None,
                limits: Limits = DEFAULT_LIMITS) -> Source:
    """Read one file; every problem becomes a `frontmatter-invalid` finding on the Source.

    `raw`: the file's bytes when they come from elsewhere (a git blob, for history).
    Never raises: what cannot be read is a finding, and the Source is marked unreadable.
    """
    source = Source(path=path, rel=rel)
    try:
        if raw is None:
            if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO or device would block or never end
                source.readable = False
                source.problem("is not a regular file (a pipe, socket or device); it is not read", None)
                return source
            with open(path, "rb") as stream:  # never more than one byte past the limit
                size = os.fstat(stream.fileno()).st_size
                raw = stream.read(limits.file_bytes + 1 if size > limits.file_bytes else -1)
    except (OSError, ValueError) as error:
        source.readable = False
        source.problem(f"cannot read the file: {getattr(error, 'strerror', None) or error}", None)
        return source
    if len(raw) > limits.file_bytes:
        source.readable = False
        source.problem(f"the file is larger than the limit of {limits.file_bytes:,} bytes (option "
                       "limits.file_bytes); it is not checked — split it, or raise the limit", None)
        return source
    try:
        # As MkDocs reads it: a BOM is dropped, newlines are universal.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        source.readable = False
        source.problem(
            f"the file is not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start}); "
            "save it as UTF-8 — it is left out of the site until then", line)
        return source
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        if expect_document:
            source.problem("the file is empty; a document needs front-matter or at least a `# Title`", 1)
        return source
    return read_frontmatter(source, text, limits)


class SourceCache:
    """Sources kept between builds of one process (`mkdocs serve`): a file is read and parsed
    again only when its size, modification time or inode changed, so saving one document
    re-parses one file. Sources are never modified after reading, so sharing them is safe."""

    def __init__(self) -> None:
        self._entries: dict[tuple, tuple[tuple[int, int, int], Source]] = {}
        self._latest: dict[str, Source] = {}  # str(path) -> the Source last returned for it
        self.reads = 0  # files actually read and parsed (the rest came from the cache)

    def cached(self, path: Path) -> Source | None:
        """The Source last read for `path` (as the check passed it, e.g. `Document.path`)."""
        return self._latest.get(str(path))

    def read(self, path: Path, rel: str, *, expect_document: bool, limits: Limits = DEFAULT_LIMITS) -> Source:
        try:
            status = os.stat(path)
        except OSError:  # read_source reports it
            return read_source(path, rel, expect_document=expect_document, limits=limits)
        key = (str(path), rel, expect_document, limits)
        stamp = (status.st_mtime_ns, status.st_size, status.st_ino)
        cached = self._entries.get(key)
        if cached is not None and cached[0] == stamp:
            self._latest[str(path)] = cached[1]
            return cached[1]
        self.reads += 1
        source = read_source(path, rel, expect_document=expect_document, limits=limits)
        self._entries[key] = (stamp, source)
        self._latest[str(path)] = source
        return source
