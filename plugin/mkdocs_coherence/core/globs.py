"""`governs` globs, matched against paths relative to the top of the git work tree."""

from __future__ import annotations

import re


def glob_regex(pattern: str) -> re.Pattern:
    """`governs` globs: `*` and `?` stay within a folder, `**` crosses folders, `[...]` a class;
    a pattern naming a folder also matches everything under it."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 2)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1:end]
                out.append("[" + ("^" + re.escape(body[1:]) if body[:1] in "!^" else re.escape(body)) + "]")
                i = end
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("^" + "".join(out).rstrip("/") + "(?:/.*)?$")


def literal_prefix(pattern: str) -> str:
    """The folder part before the first wildcard: only paths under it can match."""
    cut = min([pattern.find(c) for c in "*?[" if c in pattern] or [len(pattern)])
    head = pattern[:cut]
    return head if cut == len(pattern) else head[: head.rfind("/") + 1]
