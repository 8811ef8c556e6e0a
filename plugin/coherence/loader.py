"""Read Markdown files and their front-matter exactly as MkDocs would, keeping key positions.

Front-matter is split with MkDocs' own pattern (so anything MkDocs would render as raw text
is reported) and parsed once with PyYAML's C safe loader, the loader python-frontmatter and
MkDocs use. The composed node tree gives the line of every key; aliases are expanded under
a budget so an alias bomb is a finding, not an out-of-memory kill.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml

from .findings import Finding

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

# MkDocs 1.6, mkdocs/utils/meta.py: the front-matter it reads must match this at offset 0.
MKDOCS_FRONTMATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
OPENING_FENCE = re.compile(r"^-{3}[ \t]*$")
YAML_KEY_LINE = re.compile(r"^[A-Za-z_][\w-]*\s*:")
MARKDOWN_SUFFIXES = (".md", ".markdown")
MAX_EXPANDED_NODES = 100_000  # an alias bomb expands to billions; real front-matter to hundreds


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
    has_frontmatter: bool = False
    readable: bool = True  # False: MkDocs itself cannot read it (keep it out of the build)
    findings: list[Finding] = field(default_factory=list)

    def problem(self, message: str, line: int | None = 1) -> None:
        self.findings.append(Finding("frontmatter-invalid", message, self.rel, line))


class _ExpansionTooLarge(Exception):
    pass


class _RecursiveAlias(Exception):
    pass


def _children(node: yaml.Node) -> Iterable[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return ()


def _check_expansion(root: yaml.Node, budget: int) -> None:
    """Count nodes as if aliases were expanded (memoised, iterative); fail past the budget."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > budget:
                raise _ExpansionTooLarge
            continue
        if key in sizes:
            continue
        open_nodes.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in open_nodes:
                raise _RecursiveAlias
            if id(child) not in sizes:
                stack.append((child, False))


def _record_positions(root: yaml.MappingNode, first_line: int) -> Positions:
    positions = Positions()
    for key_node, value_node in root.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key = key_node.value
        positions.keys.setdefault(key, key_node.start_mark.line + first_line)
        if isinstance(value_node, yaml.SequenceNode):
            positions.items[key] = [item.start_mark.line + first_line for item in value_node.value]
        elif isinstance(value_node, yaml.MappingNode):
            positions.subkeys[key] = {
                str(sub.value): sub.start_mark.line + first_line
                for sub, _ in value_node.value
                if isinstance(sub, yaml.ScalarNode)
            }
    return positions


def parse_frontmatter(source: Source, block: str, first_line: int) -> None:
    """Parse a front-matter block whose first line is `first_line` (1-based) into `source`."""
    loader = _SafeLoader(block)
    try:
        node = loader.get_single_node()
        if node is None:
            source.problem("front-matter is empty; remove the `---` lines or add keys", first_line - 1)
            return
        if not isinstance(node, yaml.MappingNode):
            source.problem(
                "front-matter must be a mapping of `key: value` lines, not a "
                f"{'list' if isinstance(node, yaml.SequenceNode) else 'single value'}; MkDocs ignores it",
                node.start_mark.line + first_line,
            )
            return
        if "*" in block:  # only aliases (`*name`) can expand; most front-matter has none
            _check_expansion(node, MAX_EXPANDED_NODES)
        data = loader.construct_document(node)
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark
        tag = str(error.problem or "").rsplit(" ", 1)[-1].replace("tag:yaml.org,2002:", "!!")
        source.problem(f"YAML tag {tag} is not allowed (tags never construct objects here); remove it",
                       mark.line + first_line if mark else first_line)
        return
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark else first_line
        what = " ".join(str(error.problem or error.context or "syntax error").split())
        source.problem(f"YAML error: {what}; MkDocs will render this front-matter as text", line)
        return
    except yaml.YAMLError as error:
        source.problem(f"YAML error: {' '.join(str(error).split())}", first_line)
        return
    except _ExpansionTooLarge:
        source.problem(
            f"front-matter expands to more than {MAX_EXPANDED_NODES:,} values through aliases "
            "(an alias bomb?); write the values out or remove the aliases", first_line)
        return
    except _RecursiveAlias:
        source.problem("front-matter contains a recursive alias; remove the alias that refers to itself", first_line)
        return
    except RecursionError:
        source.problem("front-matter is nested too deeply to read", first_line)
        return
    finally:
        loader.dispose()
    if not all(isinstance(key, str) for key in data):
        bad = next(key for key in data if not isinstance(key, str))
        source.problem(f"front-matter key {bad!r} is not text; quote it", first_line)
        data = {str(key): value for key, value in data.items()}
    source.meta = data
    source.positions = _record_positions(node, first_line)
    source.has_frontmatter = True


def read_source(path: Path, rel: str, *, expect_document: bool, raw: bytes | None = None) -> Source:
    """Read one file; every problem becomes a `frontmatter-invalid` finding on the Source.

    `raw`: the file's bytes when they come from elsewhere (a git blob, for history).
    """
    source = Source(path=path, rel=rel)
    try:
        raw = path.read_bytes() if raw is None else raw
    except OSError as error:
        source.readable = False
        source.problem(f"cannot read the file: {error.strerror}", None)
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

    match = MKDOCS_FRONTMATTER.match(text)
    if match:
        parse_frontmatter(source, match.group(1), first_line=2)
        source.body = text[match.end():]
        source.body_line = text[: match.end()].count("\n") + 1
        return source

    source.body = text
    first, _, rest = text.partition("\n")
    if OPENING_FENCE.match(first) and YAML_KEY_LINE.match(rest):
        source.problem("front-matter opened with `---` is never closed by a `---` or `...` line", 1)
        return source
    stripped = text.lstrip()
    leading = text[: len(text) - len(stripped)]
    if leading and MKDOCS_FRONTMATTER.match(stripped):
        line = leading.count("\n") + 1
        probe = Source(path=path, rel=rel)
        parse_frontmatter(probe, MKDOCS_FRONTMATTER.match(stripped).group(1), first_line=line + 1)
        if probe.has_frontmatter:
            source.problem(
                f"front-matter starts at line {line}, after blank lines; MkDocs only reads it on the "
                "first line — delete the lines above `---`", line)
    return source


_ATX_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")


def scan_headings(body: str) -> list[tuple[int, str]]:
    """(level, text) of every ATX heading outside fenced code, in order."""
    headings: list[tuple[int, str]] = []
    fence = None
    for line in body.splitlines():
        stripped = line.lstrip()
        if fence:
            if stripped.startswith(fence):
                fence = None
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        if line.startswith("#"):
            match = _ATX_HEADING.match(line)
            if match:
                headings.append((len(match.group(1)), match.group(2).strip()))
    return headings


def first_heading(body: str) -> str | None:
    """The text of the first `# ` heading outside fenced code, as MkDocs would title the page."""
    return next((text for level, text in scan_headings(body) if level == 1), None)


def iter_markdown(folder: Path) -> Iterator[Path]:
    """Markdown files under `folder`, sorted; skips hidden entries; never follows directory links."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(MARKDOWN_SUFFIXES):
                yield Path(root) / name
