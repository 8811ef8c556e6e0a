"""A file as the check validated it (its document, its findings) as plain JSON values and back:
what `coherence check` keeps between runs (core/cache.py, ADR-0028) and what its process pool
sends back (core/parallel.py).

JSON, never pickle: the cache is a file in a checked-out tree. Decoding builds only the
model's own types, checks every shape it relies on, and raises ValueError on anything else
(the file is then read again). What JSON cannot give back exactly is not encoded at all
(`encode` returns None): a time of day, a set, a float NaN, a key that is not text, a contract
bound to a schema (its facts come from another file, read again on each run).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from mkdocs_coherence.core.findings import Finding, Severity, Waiver
from mkdocs_coherence.core.loader.source import Positions
from mkdocs_coherence.core.model import Document
from mkdocs_coherence.core.schema import derive

class Uncacheable(Exception):
    """A value JSON would not give back as it was."""


_INFINITY = float("inf")


_LEAVES = frozenset((str, int, bool, type(None)))  # given back by JSON as they are


def plain(value: Any, dates: list, at: tuple = ()) -> Any:
    """A JSON-able copy of `value`, each date as its ISO text with its place appended to `dates`;
    raises Uncacheable for anything that JSON would not give back as it was: a non-text key, a
    tuple, a set, a time of day, a float NaN or infinity. (Leaves are taken in the loops, not in
    a call each: front-matter is mostly text, and a call per value was most of a cold check's
    cache writing.)"""
    kind = type(value)
    if kind in _LEAVES:
        return value
    if kind is list:
        return [item if type(item) in _LEAVES else plain(item, dates, (*at, index))
                for index, item in enumerate(value)]
    if kind is dict:
        mapping = {}
        for key, item in value.items():
            if type(key) is not str:
                raise Uncacheable
            mapping[key] = item if type(item) in _LEAVES else plain(item, dates, (*at, key))
        return mapping
    if kind is float:
        if value != value or value == _INFINITY or value == -_INFINITY:
            raise Uncacheable
        return value
    if kind is date:
        dates.append(at)
        return value.isoformat()
    raise Uncacheable


def _with_dates(values: dict, dates: list) -> dict:
    """`plain`'s copy with its dates back in their places: new containers along each date's
    path, so the cache entry the values came from stays as it was (it may be written again)."""
    values = dict(values)
    fresh = {id(values)}
    for at in dates:
        container: Any = values
        for step in at[:-1]:
            child = container[step]
            if id(child) not in fresh:
                child = list(child) if type(child) is list else dict(child)
                fresh.add(id(child))
                container[step] = child
            container = child
        text = container[at[-1]]
        if type(text) is not str:
            raise ValueError("not a date")
        container[at[-1]] = date.fromisoformat(text)
    return values


def _findings(findings: list[Finding]) -> list:
    encoded = []
    for f in findings:
        if f.waiver is not None or f.resolved_by:
            raise Uncacheable  # validation never waives nor resolves: not a finding of a file
        encoded.append([f.rule, f.message, f.path, f.line, list(f.ids), None if f.severity is None else int(f.severity)])
    return encoded


def encode(document: Document | None, findings: list[Finding], readable: bool) -> list | None:
    """One file's result as JSON values; None when it cannot be given back exactly. A document
    is kept as its values and positions (the rest derives from them: `core.schema.derive`),
    before a contract's `source` is bound (`core.corpus.bind_source`: that reads another file
    and is done again on each run)."""
    try:
        encoded_findings = _findings(findings)
        if document is None:
            return [readable is True, encoded_findings, None]
        if document.artifact is not None or document.external is not None:
            return None
        values = document.values
        ignore = values.get("ignore")
        if ignore is not None:  # Waivers, kept as [rule, reason, until] in their place among the values
            values = {key: [[w.rule, w.reason, w.until] for w in ignore] if key == "ignore" else value
                      for key, value in values.items()}
        dates: list = []
        copy = plain(values, dates)
        positions = plain([document.positions.keys, document.positions.items, document.positions.subkeys], [])
        return [readable is True, encoded_findings, [
            document.kind, document.id, document.title, document.status, positions, copy, dates,
            list(document.sections), document.weighs_options, document.in_place]]
    except (Uncacheable, RecursionError, AttributeError, TypeError):
        return None


def _text(value: Any) -> str:
    if type(value) is not str:
        raise ValueError("not text")
    return value


def decode(data: Any, path: Path, rel: str) -> tuple[Document | None, list[Finding], bool]:
    """`encode`'s values back to (document or None, findings, readable); ValueError when `data`
    is of another shape (a damaged or foreign cache entry)."""
    try:
        readable, encoded_findings, fields = data
        findings = [Finding(_text(rule), _text(message), where if where is None else _text(where),
                            line if line is None else int(line), tuple(map(_text, ids)),
                            None if severity is None else Severity(severity))
                    for rule, message, where, line, ids, severity in encoded_findings]
        if fields is None:
            return None, findings, readable is True
        kind, id_, title, status, (keys, items, subkeys), values, dates, sections, weighs_options, in_place = fields
        if not (type(values) is dict and type(keys) is dict and type(items) is dict and type(subkeys) is dict
                and type(kind) is str and type(id_) is str and type(title) is str
                and (status is None or type(status) is str)):
            raise ValueError("not a document")
        # The entry's values are shared with the document, which nothing changes after validation;
        # what decoding changes is copied first.
        if dates:
            values = _with_dates(values, dates)
        ignore = values.get("ignore")
        if ignore is not None:  # (an `until` is a date again: it was among `dates`)
            if not dates:
                values = dict(values)
            values["ignore"] = [Waiver(_text(rule), reason if reason is None else _text(reason), until)
                                for rule, reason, until in ignore]
            if any(w.until is not None and type(w.until) is not date for w in values["ignore"]):
                raise ValueError("not a date")
        document = Document(path=path, rel=rel, kind=kind, id=id_, title=title, status=status,
                            positions=Positions(keys, items, subkeys), values=values,
                            sections=tuple(map(_text, sections)), weighs_options=weighs_options is True,
                            in_place=in_place is True)
        derive(document)
        return document, findings, readable is True
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError) as error:
        raise ValueError(f"not a cached document: {error}") from None
