"""Read Markdown files and their front-matter exactly as MkDocs would, keeping key positions.

Front-matter is split with MkDocs' own pattern (so anything MkDocs would render as raw text
is reported) and parsed once with PyYAML's C safe loader, the loader python-frontmatter and
MkDocs use. The composed node tree gives the line of every key; aliases are expanded under
a budget so an alias bomb is a finding, not an out-of-memory kill.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml

from mkdocs_coherence.core.findings import Finding

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
_KIND_LINE = re.compile(r"^kind[ \t]*:[ \t]*[\"']?(intent|contract|decision)[\"']?[ \t]*(?:#.*)?$", re.MULTILINE)


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

    def problem(self, message: str, line: int | None = 1) -> None:
        self.findings.append(Finding("frontmatter-invalid", message, self.rel, line))


class _ExpansionTooLarge(Exception):
    pass


class _RecursiveAlias(Exception):
    pass


class _TooDeep(Exception):
    pass


def _children(node: yaml.Node) -> Iterable[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return ()


def _check_expansion(root: yaml.Node, budget: int, max_depth: int | None = None) -> None:
    """Count nodes as if aliases were expanded and measure nesting (memoised, iterative: no
    recursion however deep the tree); fail past the budget or the depth."""
    sizes: dict[int, int] = {}
    heights: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            heights[key] = 1 + max((heights[id(child)] for child in children), default=0) \
                if not isinstance(node, yaml.ScalarNode) else 0
            if sizes[key] > budget:
                raise _ExpansionTooLarge
            if max_depth is not None and heights[key] > max_depth:
                raise _TooDeep
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


_LINE_PREFIX = re.compile(r"^[ \t?:-]*", re.MULTILINE)


def _may_nest_deeper(block: str, depth: int) -> bool:
    """A cheap upper bound (no node walk): each level of nesting needs a `[` or `{`, or one more
    character of indentation or of `- `/`? ` prefix at the start of some line."""
    flow = block.count("[") + block.count("{")
    if flow >= depth:
        return True
    return flow + 1 + max(len(prefix) for prefix in _LINE_PREFIX.findall(block)) > depth


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


def parse_frontmatter(source: Source, block: str, first_line: int, limits: Limits = DEFAULT_LIMITS) -> None:
    """Parse a front-matter block whose first line is `first_line` (1-based) into `source`."""
    size = len(block.encode("utf-8", "surrogatepass"))
    if size > limits.frontmatter_bytes:
        source.kind_hint = _kind_hint(block[:10_000])
        source.problem(
            f"front-matter is {size:,} bytes, over the limit of {limits.frontmatter_bytes:,} (option "
            "limits.frontmatter_bytes); it is not read — move the bulk into the page body", first_line - 1)
        return
    _parse_block(source, block, first_line, limits)
    if not source.has_frontmatter:
        source.kind_hint = _kind_hint(block)


def _kind_hint(block: str) -> str | None:
    match = _KIND_LINE.search(block)
    return match.group(1) if match else None


def _bad_scalar_line(root: yaml.Node) -> int | None:
    """The 0-based line of the first timestamp-looking scalar that is no real date."""
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
            try:
                yaml.constructor.SafeConstructor.construct_yaml_timestamp(_SafeLoader(""), node)
            except (ValueError, OverflowError, TypeError):
                return node.start_mark.line
        stack.extend(reversed(list(_children(node))))
    return None


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


class _Loader(_SafeLoader):
    """The safe loader, with the tag resolution of plain text short-cut: a scalar that is
    quoted, or whose first character starts no implicit type (int, bool, date, …), is a string
    without trying each type's pattern. Same tags as the safe loader, far fewer Python calls
    (the C parser calls back into Python for every node)."""

    def __init__(self, stream) -> None:
        super().__init__(stream)
        # Read per loader, not per process: another library may register resolvers later.
        typed_first = frozenset(self.yaml_implicit_resolvers)  # '' and first characters
        self._shortcut = None if None in typed_first or self.yaml_path_resolvers else typed_first

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and self._shortcut is not None \
                and (not implicit[0] or value[:1] not in self._shortcut):
            return _STR
        return super().resolve(kind, value, implicit)

    def descend_resolver(self, current_node, current_index):
        if self.yaml_path_resolvers:  # none for the safe loader: nothing to track
            super().descend_resolver(current_node, current_index)

    def ascend_resolver(self):
        if self.yaml_path_resolvers:
            super().ascend_resolver()
# Scalar tags built by the safe constructor's own functions (ints, dates, … keep its exact rules).
_SCALAR_TAGS = {f"tag:yaml.org,2002:{name}": getattr(yaml.constructor.SafeConstructor, f"construct_yaml_{name}")
                for name in ("null", "bool", "int", "float", "timestamp")}


class _Unusual(Exception):
    """Something the fast constructor leaves to PyYAML's: merge keys, other tags, non-scalar keys."""


def _construct_fast(loader, node: yaml.Node) -> Any:
    """What `loader.construct_document(node)` returns, for alias-free trees of plain
    mappings, lists and scalars (real front-matter), without PyYAML's per-node generator
    machinery: about five times faster. Anything else raises `_Unusual`."""
    tag, kind = node.tag, type(node)
    if kind is yaml.ScalarNode:
        if tag == _STR:
            return node.value
        build = _SCALAR_TAGS.get(tag)
        if build is None:
            raise _Unusual
        return build(loader, node)
    if kind is yaml.MappingNode and tag == _MAP:
        mapping = {}
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode:
                raise _Unusual  # a list as a key: PyYAML's own error message
            mapping[_construct_fast(loader, key_node)] = _construct_fast(loader, value_node)
        return mapping
    if kind is yaml.SequenceNode and tag == _SEQ:
        return [_construct_fast(loader, item) for item in node.value]
    raise _Unusual


def _construct(loader, node: yaml.Node, block: str) -> Any:
    if "*" not in block:  # aliases share one object between places: PyYAML's constructor keeps that
        try:
            return _construct_fast(loader, node)
        except _Unusual:
            pass
    return loader.construct_document(node)


def _parse_block(source: Source, block: str, first_line: int, limits: Limits) -> None:
    node = None
    loader = _Loader(block)
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
        # Without aliases (`*name`) nothing expands, and most blocks cannot nest this deep.
        if "*" in block or _may_nest_deeper(block, limits.nesting_depth):
            _check_expansion(node, limits.expanded_nodes, limits.nesting_depth)
        data = _construct(loader, node, block)
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark
        line = mark.line + first_line if mark else first_line
        problem = str(error.problem or "")
        if "constructor for the tag" not in problem:  # e.g. a list used as a key
            what = " ".join(" ".join(str(part) for part in (error.context, problem) if part).split())
            source.problem(f"YAML error: {what or 'cannot build this value'}; rewrite the value", line)
            return
        tag = problem.rsplit(" ", 1)[-1].replace("tag:yaml.org,2002:", "!!")
        source.problem(f"YAML tag {tag} is not allowed (tags never construct objects here); remove it", line)
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
    except (ValueError, OverflowError, TypeError) as error:  # e.g. a date like 2026-13-45
        line = _bad_scalar_line(node) if node is not None else None
        source.problem(f"YAML error: a value cannot be read ({error}); MkDocs will render this front-matter as "
                       "text — quote it to keep it as text", (line or 0) + first_line)
        return
    except _ExpansionTooLarge:
        if "*" in block:
            source.problem(
                f"front-matter expands to more than {limits.expanded_nodes:,} values through aliases "
                "(an alias bomb?; option limits.expanded_nodes); write the values out or remove the aliases",
                first_line)
        else:
            source.problem(f"front-matter holds more than {limits.expanded_nodes:,} values (option "
                           "limits.expanded_nodes); move the bulk into the page body", first_line)
        return
    except _TooDeep:
        source.problem(f"front-matter nests lists and mappings more than {limits.nesting_depth} levels deep "
                       "(option limits.nesting_depth); flatten it", first_line)
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
    else:
        source.mkdocs_meta = True
    source.meta = data
    source.positions = _record_positions(node, first_line)
    source.has_frontmatter = True


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

    match = MKDOCS_FRONTMATTER.match(text)
    if match:
        parse_frontmatter(source, match.group(1), first_line=2, limits=limits)
        source.head, source.body = text[:match.end()], text[match.end():]
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
        parse_frontmatter(probe, MKDOCS_FRONTMATTER.match(stripped).group(1), first_line=line + 1, limits=limits)
        if probe.has_frontmatter:
            source.problem(
                f"front-matter starts at line {line}, after blank lines; MkDocs only reads it on the "
                "first line — delete the lines above `---`", line)
    return source


def fence_unread_frontmatter(markdown: str) -> str:
    """A page whose front-matter MkDocs could not read gets it as its first lines, where Markdown
    would render any HTML in it; fence it as code instead (the panel says what is wrong)."""
    stripped = markdown.lstrip("\n")
    first, _, rest = stripped.partition("\n")
    match = MKDOCS_FRONTMATTER.match(stripped) or (  # or never closed: then it is the whole page
        re.match(r".*\Z", stripped, re.DOTALL) if OPENING_FENCE.match(first) and YAML_KEY_LINE.match(rest) else None)
    if not match:
        return markdown
    block = match.group(0)
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", block)), default=0))
    return f"{fence}yaml\n{block.rstrip(chr(10))}\n{fence}\n\n{stripped[match.end():]}"


_ATX_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")


# Line breaks of str.splitlines other than "\n" (the loader turns "\r" into "\n" already).
_OTHER_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def scan_headings(body: str) -> list[tuple[int, str]]:
    """(level, text) of every ATX heading outside fenced code, in order."""
    if "```" in body or "~~~" in body or any(brk in body for brk in _OTHER_LINE_BREAKS):
        return _scan_headings_by_line(body)
    # No fence can open: only the lines starting with `#` matter, found with str.find (a
    # fraction of a line-by-line loop, or of a multi-line regex, on a typical document).
    headings = []
    text = "\n" + body
    start = text.find("\n#")
    while start != -1:
        end = text.find("\n", start + 1)
        match = _ATX_HEADING.match(text[start + 1:] if end == -1 else text[start + 1:end])
        if match:
            headings.append((len(match.group(1)), match.group(2).strip()))
        start = -1 if end == -1 else text.find("\n#", end)
    return headings


def _scan_headings_by_line(body: str) -> list[tuple[int, str]]:
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
