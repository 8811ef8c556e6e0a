"""What one file may cost to read (option `limits`)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_EXPANDED_NODES = 100_000  # an alias bomb expands to billions; real front-matter to hundreds


@dataclass(frozen=True)
class Limits:
    """What one file may cost to read (option `limits`; docs/reference/reliability.md).

    Real front-matter is a few hundred bytes and nests three levels deep; the defaults are
    orders of magnitude above that and far below what would stall a build or exhaust memory.
    Past a limit the file gets a finding and is not parsed further.
    """

    file_bytes: int = 20_000_000  # a larger file is not read at all (unreadable: exit 2)
    frontmatter_bytes: int = 1_000_000  # a larger front-matter block is not parsed
    expanded_nodes: int = MAX_EXPANDED_NODES  # values after expanding aliases (alias bombs)
    nesting_depth: int = 64  # mappings and lists inside one another


DEFAULT_LIMITS = Limits()
