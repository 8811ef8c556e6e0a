"""The Markdown files under a folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

MARKDOWN_SUFFIXES = (".md", ".markdown")


def iter_markdown(folder: Path) -> Iterator[Path]:
    """Markdown files under `folder`, sorted; skips hidden entries; never follows directory links."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(MARKDOWN_SUFFIXES):
                yield Path(root) / name

