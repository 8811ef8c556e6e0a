"""`coherence review ID`: record a review in the document's front-matter, surgically.

Sets `reviewed:` to the day of the review and writes `stamps:` (the material fingerprint of
each document it depends on) while leaving every other byte of the file as it was: comments,
key order, quoting, indentation, line endings (CRLF stays CRLF), a byte-order mark, and the
whole body. The front-matter is edited as text, line by line, using the YAML parser only to
find where each top-level key starts; the result is parsed again and must equal the old
front-matter except for the two keys, or nothing is written. The file is replaced atomically
(a temporary file in the same folder, then a rename), keeping its permissions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

import yaml

from mkdocs_coherence.core.config import Settings
from mkdocs_coherence.core.fingerprints import fingerprint
from mkdocs_coherence.core.model import Document
from mkdocs_coherence.core.suggest import closest
from mkdocs_coherence.core.values import parse_date

BOM = b"\xef\xbb\xbf"
OPEN = re.compile(r"^-{3}[ \t]*\r?$")
CLOSE = re.compile(r"^(?:-{3}|\.{3})[ \t]*\r?$")
PLAIN_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@/-]*$")
SKIPPED = ("supersedes",)  # as the stale rules: a superseding decision does not depend on what it replaces


class ReviewError(Exception):
    """The review could not be recorded; the message says why and what to do."""


@dataclass
class Recorded:
    document: Document
    reviewed: date
    stamps: dict[str, str]
    skipped: list[str]  # references that name no document
    before: bytes = b""  # the file as read
    after: bytes = b""  # the file as written (or, with dry_run, as it would be)


def _safe_loader():
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _top_level_keys(block: str) -> list[tuple[str, int, object]]:
    """(key, 0-based line within the block, value node) of every top-level key, in order."""
    loader = _safe_loader()(block)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if not isinstance(node, yaml.MappingNode):
        raise ReviewError("its front-matter is not a mapping of keys")
    return [(str(k.value), k.start_mark.line, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]


def _load(block: str) -> dict:
    data = yaml.load(block, Loader=_safe_loader()) if block.strip() else {}
    return data if isinstance(data, dict) else {}


def _span(keys, index: int, lines: list[str]) -> tuple[int, int]:
    """Lines [start, end) of the key's entry: up to the next key, minus trailing blank lines and
    comments at the margin (those belong to what follows)."""
    start = keys[index][1]
    end = keys[index + 1][1] if index + 1 < len(keys) else len(lines)
    while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    return start, end


def _indent(lines: list[str]) -> str:
    for line in lines:
        stripped = line.lstrip(" ")
        if stripped and stripped != line and not stripped.startswith("#"):
            return " " * (len(line) - len(stripped))
    return "  "


def _stamp_lines(stamps: dict[str, str], indent: str) -> list[str]:
    if not stamps:
        return ["stamps: {}"]
    return ["stamps:"] + [f"{indent}{key if PLAIN_KEY.match(key) else json.dumps(key)}: {json.dumps(value)}"
                          for key, value in stamps.items()]


def edit_frontmatter(raw: bytes, reviewed: date, stamps: dict[str, str] | None) -> bytes:
    """The file's bytes with `reviewed` (and `stamps`, unless None) set; nothing else changed."""
    bom = raw.startswith(BOM)
    try:
        text = raw[len(BOM):].decode("utf-8") if bom else raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ReviewError("the file is not valid UTF-8") from None
    parts = text.split("\n")  # a line keeps its "\r" under CRLF
    if not parts or not OPEN.match(parts[0]):
        raise ReviewError("it has no front-matter (a `---` block on the first line); add one, or run "
                          "`coherence import` for a decision record, then record the review")
    close = next((i for i in range(1, len(parts) - 1) if CLOSE.match(parts[i])), None)
    if close is None or close == 1:
        raise ReviewError("its front-matter is not closed by a `---` line, or is empty")
    eol = "\r" if parts[0].endswith("\r") else ""
    lines = [line[:-1] if line.endswith("\r") else line for line in parts[1:close]]
    endings = [line.endswith("\r") for line in parts[1:close]]
    old_block = "\n".join(lines) + "\n"
    try:
        keys = _top_level_keys(old_block)
        old = _load(old_block)
    except (yaml.YAMLError, ValueError, OverflowError, TypeError) as error:  # e.g. a date 2026-13-45
        raise ReviewError(f"its front-matter is not valid YAML ({' '.join(str(error).split())}); fix it first") from None

    new_lines = list(lines)
    new_endings = list(endings)
    names = [name for name, _, _ in keys]

    def replace(index: int, replacement: list[str]) -> None:
        start, end = _span(keys, index, new_lines)
        new_lines[start:end] = replacement
        new_endings[start:end] = [bool(eol)] * len(replacement)

    day = reviewed.isoformat()
    stamp_block = _stamp_lines(stamps, _indent(lines)) if stamps is not None else []
    # Edit from the bottom up so earlier line numbers stay valid.
    edits: list[tuple[int, str]] = []
    if "reviewed" in names:
        edits.append((names.index("reviewed"), "reviewed"))
    if stamps is not None and "stamps" in names:
        edits.append((names.index("stamps"), "stamps"))
    for index, name in sorted(edits, reverse=True):
        if name == "stamps":
            replace(index, stamp_block)
        else:
            key_line, value = keys[index][1], keys[index][2]
            line = new_lines[key_line]
            if value.start_mark.line == key_line and value.end_mark.line == key_line and value.end_mark.column > value.start_mark.column:
                a, b = value.start_mark.column, value.end_mark.column
                quote = line[a] if line[a] in "'\"" else ""
                updated = line[:a] + f"{quote}{day}{quote}" + line[b:]
            else:
                updated = f"reviewed: {day}"
            start, end = _span(keys, index, new_lines)
            new_lines[start:end] = [updated]
            new_endings[start:end] = [endings[key_line]]
    insert: list[str] = []
    if "reviewed" not in names:
        insert.append(f"reviewed: {day}")
    if stamps is not None and "stamps" not in names:
        insert += stamp_block
    if insert:
        if "reviewed" in names:  # stamps go right after the review date, now one line long
            at = keys[names.index("reviewed")][1] + 1
        else:
            at = len(new_lines)
            while at > 0 and not new_lines[at - 1].strip():
                at -= 1  # keep trailing blank lines last
        new_lines[at:at] = insert
        new_endings[at:at] = [bool(eol)] * len(insert)

    new_block = "\n".join(new_lines) + "\n"
    try:
        new = _load(new_block)
    except (yaml.YAMLError, ValueError, OverflowError, TypeError):
        new = None
    expected = {k: v for k, v in old.items() if k not in ("reviewed", "stamps")}
    if new is None or {k: v for k, v in new.items() if k not in ("reviewed", "stamps")} != expected \
            or parse_date(new.get("reviewed")) != reviewed or (stamps is not None and (new.get("stamps") or {}) != stamps):
        raise ReviewError("its front-matter could not be edited without changing other keys; set `reviewed:` "
                          "and `stamps:` by hand")
    body = [line + ("\r" if ending else "") for line, ending in zip(new_lines, new_endings)]
    rebuilt = "\n".join([parts[0], *body, *parts[close:]])
    return (BOM if bom else b"") + rebuilt.encode("utf-8")


def record_review(settings: Settings, document_id: str, *, on: date | None = None,
                  dry_run: bool = False) -> Recorded:
    """Stamp `document_id` with the fingerprints of what it depends on, and date the review.
    `dry_run`: compute the new file (Recorded.after) and write nothing."""
    from mkdocs_coherence.core.corpus import load_corpus
    from mkdocs_coherence.core.graph import build_graph

    corpus = load_corpus(settings)
    graph = build_graph(corpus)
    document = graph.index.get(document_id)
    if document is None:
        close = closest(document_id, graph.index)
        raise ReviewError(f"no document has the id '{document_id}'" + (f"; did you mean '{close}'?" if close else ""))
    stamps: dict[str, str] = {}
    for edge in sorted(graph.out_edges(document.id), key=lambda e: e.target):
        if edge.type not in SKIPPED and edge.target != document.id and edge.target not in stamps:
            stamps[edge.target] = fingerprint(graph.index[edge.target])
    skipped = [r.raw for r in document.references if r.resolved is None and r.key != "superseded_by"]
    on = on or date.today()
    from mkdocs_coherence.edits.files import WriteRefused, atomic_write, refuse_outside

    try:
        refuse_outside(settings, document.path)
    except WriteRefused as error:
        raise ReviewError(str(error)) from None
    try:
        raw = document.path.read_bytes()
    except OSError as error:
        raise ReviewError(f"cannot read {document.rel}: {error.strerror}") from None
    had_stamps = "stamps" in document.values
    updated = edit_frontmatter(raw, on, stamps if (stamps or had_stamps) else None)
    if not dry_run:
        try:  # atomic, keeps the mode, and refuses if the file changed since it was read
            atomic_write(document.path, updated.decode("utf-8"), overwrite=True, expected=raw)
        except WriteRefused as error:
            raise ReviewError(str(error)) from None
    return Recorded(document, on, stamps, skipped, raw, updated)
