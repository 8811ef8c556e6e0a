"""ATX headings outside fenced code: a page's title and its sections."""

from __future__ import annotations

import re

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

