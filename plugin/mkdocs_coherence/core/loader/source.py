"""One Markdown file as read, and the lines of its front-matter keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs_coherence.core.findings import Finding


@dataclass
class Positions:
    """1-based lines of top-level keys, of list items and of sub-keys of mappings."""

    keys: dict[str, int] = field(default_factory=dict)
    items: dict[str, list[int]] = field(default_factory=dict)
    subkeys: dict[str, dict[str, int]] = field(default_factory=dict)

    def of(self, key: str, item: int | str | None = None) -> int | None:
        if isinstance(item, int) and item < len(self.items.get(key, ())):
            return self.items[key][item]
        if isinstance(item, str) and item in self.subkeys.get(key, {}):
            return self.subkeys[key][item]
        return self.keys.get(key)


@dataclass
class Source:
    """One Markdown file as read: its front-matter (if any) and what went wrong reading it."""

    path: Path
    rel: str
    meta: dict[str, Any] = field(default_factory=dict)
    positions: Positions = field(default_factory=Positions)
    body: str = ""
    body_line: int = 1  # the file line on which `body` starts (after front-matter)
    head: str = ""  # the front-matter block with its fences: `head + body` is the text as read
    has_frontmatter: bool = False
    readable: bool = True  # False: MkDocs itself cannot read it (keep it out of the build)
    # `kind:` as written in front-matter that could not be parsed: the file is still that kind
    # of document, so its page gets a panel showing why its front-matter was not read.
    kind_hint: str | None = None
    findings: list[Finding] = field(default_factory=list)
    # `meta` is exactly what MkDocs' own front-matter parse gives (no key was rewritten), so the
    # plugin may hand it to MkDocs instead of letting MkDocs parse the block a second time.
    mkdocs_meta: bool = False
    # Its reading looked at the other records of its folder (an ambiguous date, `date_order: auto`):
    # what it says then depends on more than this file, so it is never kept between runs.
    reads_folder: bool = False

    def problem(self, message: str, line: int | None = 1) -> None:
        self.findings.append(Finding("frontmatter-invalid", message, self.rel, line))
