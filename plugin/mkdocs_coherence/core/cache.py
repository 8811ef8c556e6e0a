"""The one cache this package keeps on disk: material content per git blob, under
`<config dir>/.cache/coherence/` (outside docs_dir, ignored by git).

This is the only write outside `edits/` and the site writer: it never touches a user's file,
and a tree that cannot be written to only loses the speed-up.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from mkdocs_coherence import __version__

# 2: a version of a file is read by the one corpus builder (the `kind:` of front-matter that
# did not parse and the `limits` option now count, as in the check).
CACHE_FORMAT = 2


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
