"""Find the front-matter block as MkDocs does, and say what is wrong when it would not read it."""

from __future__ import annotations

import re

from mkdocs_coherence.core.loader.limits import DEFAULT_LIMITS, Limits
from mkdocs_coherence.core.loader.source import Source
from mkdocs_coherence.core.loader.yaml_block import parse_yaml_block

# MkDocs 1.6, mkdocs/utils/meta.py: the front-matter it reads must match this at offset 0.
MKDOCS_FRONTMATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
OPENING_FENCE = re.compile(r"^-{3}[ \t]*$")
YAML_KEY_LINE = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_KIND_LINE = re.compile(r"^kind[ \t]*:[ \t]*[\"']?(intent|contract|decision)[\"']?[ \t]*(?:#.*)?$", re.MULTILINE)


def read_frontmatter(source: Source, text: str, limits: Limits = DEFAULT_LIMITS) -> Source:
    """Split `text` (the file's whole text, newlines normalised) into front-matter and body on `source`."""
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
        probe = Source(path=source.path, rel=source.rel)
        parse_frontmatter(probe, MKDOCS_FRONTMATTER.match(stripped).group(1), first_line=line + 1, limits=limits)
        if probe.has_frontmatter:
            source.problem(
                f"front-matter starts at line {line}, after blank lines; MkDocs only reads it on the "
                "first line — delete the lines above `---`", line)
    return source


def parse_frontmatter(source: Source, block: str, first_line: int, limits: Limits = DEFAULT_LIMITS) -> None:
    """Parse a front-matter block whose first line is `first_line` (1-based) into `source`."""
    size = len(block.encode("utf-8", "surrogatepass"))
    if size > limits.frontmatter_bytes:
        source.kind_hint = _kind_hint(block[:10_000])
        source.problem(
            f"front-matter is {size:,} bytes, over the limit of {limits.frontmatter_bytes:,} (option "
            "limits.frontmatter_bytes); it is not read — move the bulk into the page body", first_line - 1)
        return
    parse_yaml_block(source, block, first_line, limits)
    if not source.has_frontmatter:
        source.kind_hint = _kind_hint(block)


def _kind_hint(block: str) -> str | None:
    match = _KIND_LINE.search(block)
    return match.group(1) if match else None


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

