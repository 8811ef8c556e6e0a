"""Parse one front-matter block with PyYAML's C safe loader, keeping the line of every key.

Aliases are expanded under a budget, so an alias bomb is a finding, not an out-of-memory
kill. The measured fast paths (the tag short-cut of `_Loader`, `_construct_fast`) give
exactly what the safe loader gives (tests/test_parse_equivalence.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable

import yaml

from mkdocs_coherence.core.loader.limits import Limits
from mkdocs_coherence.core.loader.source import Positions, Source

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


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


@lru_cache(maxsize=32)
def _deep_prefix(length: int) -> re.Pattern:
    """A line starting with at least `length` characters of indentation or `- `/`? `/`: ` prefix."""
    return re.compile(rf"^[ \t?:-]{{{length},}}", re.MULTILINE)


def _may_nest_deeper(block: str, depth: int) -> bool:
    """A cheap upper bound (no node walk): each level of nesting needs a `[` or `{`, or one more
    character of indentation or of `- `/`? ` prefix at the start of some line. (One regex search
    rather than the longest prefix of every line: measured, half the time, once per file.)"""
    flow = block.count("[") + block.count("{")
    if flow >= depth:
        return True
    return _deep_prefix(depth - flow).search(block) is not None  # flow + 1 + longest prefix > depth


# What PyYAML (6.0.4 and later) says when its scanner meets more nested `[`/`{` than it allows.
NESTING_LIMIT_MESSAGE = "exceeded maximum nesting depth"


def _too_deep(limits: Limits) -> str:
    return (f"front-matter nests lists and mappings more than {limits.nesting_depth} levels deep "
            "(option limits.nesting_depth); flatten it")


def measure_events(text: str, loader: type, depth_limit: int, value_limit: int | None = None) -> bool:
    """Measure YAML from the parser's events alone: nothing is composed, so nothing recurses
    (libyaml's composer would crash the process on deep nesting). Raise _TooDeep past
    `depth_limit` levels of lists and mappings, _ExpansionTooLarge past `value_limit` values
    (when given); True when the text uses aliases (their expansion is checked once composed)."""
    values = depth = 0
    aliases = False
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            values, depth = values + 1, depth + 1
            if depth > depth_limit:
                raise _TooDeep
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent):
            values += 1
        elif isinstance(event, yaml.AliasEvent):
            values, aliases = values + 1, True
        if value_limit is not None and values > value_limit:
            raise _ExpansionTooLarge
    return aliases


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


def _construct_fast(loader, node: yaml.Node, repeats: list) -> Any:
    """What `loader.construct_document(node)` returns, for alias-free trees of plain
    mappings, lists and scalars (real front-matter), without PyYAML's per-node generator
    machinery: about five times faster. Anything else raises `_Unusual`. A key written twice
    in one mapping adds (mapping node, first key node, second key node) to `repeats`."""
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
            key = _construct_fast(loader, key_node, repeats)
            if key in mapping:  # last wins, as in PyYAML: said, never silent
                first = next(k for k, _ in node.value if _construct_fast(loader, k, repeats) == key)
                repeats.append((node, first, key_node))
            mapping[key] = _construct_fast(loader, value_node, repeats)
        return mapping
    if kind is yaml.SequenceNode and tag == _SEQ:
        return [_construct_fast(loader, item, repeats) for item in node.value]
    raise _Unusual


def _repeated_keys(root: yaml.Node) -> list[tuple[yaml.MappingNode, yaml.Node, yaml.Node]]:
    """What `_construct_fast` collects, for the trees it leaves to PyYAML (aliases, merge keys,
    tags): keys written twice in one mapping, compared as written (tag and text). Merged keys
    (`<<: *base`) are not written twice: a key beside a merge overrides it by design."""
    repeats = []
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            firsts: dict[tuple[str, str], yaml.Node] = {}
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    first = firsts.setdefault((key_node.tag, key_node.value), key_node)
                    if first is not key_node:
                        repeats.append((node, first, key_node))
        stack.extend(_children(node))
    return repeats


def _construct(loader, node: yaml.Node, block: str) -> tuple[Any, list]:
    """The data, and the keys written twice (see `_construct_fast`)."""
    if "*" not in block:  # aliases share one object between places: PyYAML's constructor keeps that
        repeats: list = []
        try:
            return _construct_fast(loader, node, repeats), repeats
        except _Unusual:
            pass
    repeats = _repeated_keys(node)  # before constructing: PyYAML writes merged keys into the nodes
    return loader.construct_document(node), repeats


def _value_of(mapping: yaml.MappingNode, key_node: yaml.Node) -> str:
    """The value written for this key, as a message quotes it."""
    value = next(v for k, v in mapping.value if k is key_node)
    if isinstance(value, yaml.ScalarNode):
        text = " ".join(value.value.split())
        return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"
    return "a list" if isinstance(value, yaml.SequenceNode) else "a mapping"


def _report_repeats(source: Source, repeats: list, first_line: int) -> None:
    for mapping, first, second in repeats:
        line, earlier = second.start_mark.line + first_line, first.start_mark.line + first_line
        last = _value_of(mapping, second)
        source.problem(
            f"key '{second.value}' is written twice: line {earlier} says {_value_of(mapping, first)}, line {line} "
            f"says {last}; MkDocs and this check keep the last ({last}) — delete the line that is wrong "
            "(a merge often leaves both)", line)


_KEY_KINDS = {"tag:yaml.org,2002:int": "a number", "tag:yaml.org,2002:float": "a number",
              "tag:yaml.org,2002:bool": "a yes/no value", "tag:yaml.org,2002:null": "empty",
              "tag:yaml.org,2002:timestamp": "a date"}


def _text_keys(source: Source, root: yaml.MappingNode, first_line: int) -> bool:
    """Report every top-level key that YAML would not read as text (`1:`, `true:`, `null:`,
    a date) at its own line, and read it as the text written, as a reader would: `true` and `1`
    stay two keys. False when some key was so rewritten (MkDocs would see other keys)."""
    all_text = True
    for key_node, _ in root.value:
        # A tag the safe loader cannot build (`!custom`) stays: an error for MkDocs and for us alike.
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _STR \
                and key_node.tag in _SafeLoader.yaml_constructors:
            all_text = False
            kind = _KEY_KINDS.get(key_node.tag, key_node.tag.replace("tag:yaml.org,2002:", "!!"))
            source.problem(f"front-matter key '{key_node.value}' is not text (YAML reads it as {kind}); quote it "
                           f"('{key_node.value}': …)", key_node.start_mark.line + first_line)
            key_node.tag = _STR
    return all_text


def parse_yaml_block(source: Source, block: str, first_line: int, limits: Limits) -> None:
    node = None
    loader = _Loader(block)
    try:
        # libyaml's composer recurses in C: 100,000 nested brackets crash the process before
        # any Python check could run. Where the cheap bound allows deep nesting, measure it
        # from the parser's events first (iterative), and never compose what is too deep.
        deep = _may_nest_deeper(block, limits.nesting_depth)
        if deep:
            measure_events(block, _SafeLoader, limits.nesting_depth)
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
        if "*" in block or deep:
            _check_expansion(node, limits.expanded_nodes, limits.nesting_depth)
        all_text = _text_keys(source, node, first_line)
        data, repeats = _construct(loader, node, block)
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
        if NESTING_LIMIT_MESSAGE in str(error.problem):  # PyYAML >= 6.0.4 stops deep flow nesting itself
            source.problem(_too_deep(limits), first_line)
            return
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
        source.problem(_too_deep(limits), first_line)
        return
    except _RecursiveAlias:
        source.problem("front-matter contains a recursive alias; remove the alias that refers to itself", first_line)
        return
    except RecursionError:
        source.problem("front-matter is nested too deeply to read", first_line)
        return
    finally:
        loader.dispose()
    _report_repeats(source, repeats, first_line)
    source.mkdocs_meta = all_text
    source.meta = data
    source.positions = _record_positions(node, first_line)
    source.has_frontmatter = True

