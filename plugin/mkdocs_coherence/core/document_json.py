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
from mkdocs_coherence.core.model import Document, Reference
from mkdocs_coherence.core.values import parse_range, parse_version

_DATE = "\x00d"  # the tag of a date; a key of real front-matter never starts with NUL


class Uncacheable(Exception):
    """A value JSON would not give back as it was."""


def plain(value: Any) -> tuple[Any, bool]:
    """(JSON-able copy, whether it holds a tagged date); raises Uncacheable for anything that
    JSON would not give back as it was: a non-text key, a tuple, a datetime, a float NaN."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value, False
    if kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            raise Uncacheable
        return value, False
    if kind is list:
        tagged = False
        items = []
        for item in value:
            copy, dated = plain(item)
            items.append(copy)
            tagged = tagged or dated
        return items, tagged
    if kind is dict:
        tagged = False
        mapping = {}
        for key, item in value.items():
            if type(key) is not str or key.startswith("\x00"):
                raise Uncacheable
            mapping[key], dated = plain(item)
            tagged = tagged or dated
        return mapping, tagged
    if kind is date:
        return {_DATE: value.isoformat()}, True
    raise Uncacheable


def restore(value: Any) -> Any:
    """`plain`'s copy with its dates back."""
    if type(value) is list:
        return [restore(item) for item in value]
    if type(value) is dict:
        if len(value) == 1 and _DATE in value:
            return date.fromisoformat(value[_DATE])
        return {key: restore(item) for key, item in value.items()}
    return value


def _findings(findings: list[Finding]) -> list:
    encoded = []
    for f in findings:
        if f.waiver is not None or f.resolved_by or type(f.message) is not str:
            raise Uncacheable  # validation never waives nor resolves: not a finding of a file
        encoded.append([f.rule, f.message, f.path, f.line, list(f.ids), None if f.severity is None else int(f.severity)])
    return encoded


def encode(document: Document | None, findings: list[Finding], readable: bool) -> list | None:
    """One file's result as JSON values; None when it cannot be given back exactly. Encode a
    contract before its `source` is bound (`core.corpus.bind_artifact`): the binding is redone
    on each run, since it reads another file."""
    try:
        encoded_findings = _findings(findings)
        if document is None:
            return [readable is True, encoded_findings, None]
        if document.artifact is not None or document.external is not None:
            return None
        values = document.values
        # `assumes`, `defines`, `version` and `waivers` derive from the values: checked, not stored.
        for name in ("assumes", "defines"):
            derived = getattr(document, name)
            if (derived is not values[name]) if name in values else derived:
                return None
        ignore = values.get("ignore")
        if ignore is not None:  # its Waivers are stored apart; the key keeps its place among the values
            values = {key: None if key == "ignore" else value for key, value in values.items()}
        copy, tagged = plain(values)
        waivers = None
        if ignore is not None:
            if len(ignore) != len(document.waivers):
                return None
            waivers = [[w.rule, w.reason, w.until.isoformat() if w.until else None, d.line]
                       for w, d in zip(ignore, document.waivers)]
        elif document.waivers:
            return None
        version = parse_version(values["version"]) if "version" in values else None
        if version != document.version:
            return None
        references = []
        for r in document.references:
            if r.resolved is not None or r.range != _range_of(r.raw):
                return None
            references.append([r.key, r.raw, r.target, r.line, r.is_path])
        positions = document.positions
        shown, dated_positions = plain([positions.keys, positions.items, positions.subkeys])
        if dated_positions:
            return None
        return [readable is True, encoded_findings, [
            document.kind, document.id, document.title, document.status, shown, copy, tagged, waivers, references,
            document.id_line, list(document.sections), document.weighs_options, document.in_place]]
    except (Uncacheable, RecursionError, AttributeError, TypeError):
        return None


def _range_of(raw: str):
    _, _, version_range = raw.partition("@")
    return parse_range(version_range) if version_range else None


def _text(value: Any) -> str:
    if type(value) is not str:
        raise ValueError("not text")
    return value


def _line(value: Any) -> int | None:
    if value is not None and type(value) is not int:
        raise ValueError("not a line")
    return value


def decode(data: Any, path: Path, rel: str) -> tuple[Document | None, list[Finding], bool]:
    """`encode`'s values back to (document or None, findings, readable); ValueError when `data`
    is of another shape (a damaged or foreign cache entry)."""
    try:
        readable, encoded_findings, fields = data
        findings = [Finding(_text(rule), _text(message), path_ if path_ is None else _text(path_), _line(line),
                            tuple(map(_text, ids)), None if severity is None else Severity(severity))
                    for rule, message, path_, line, ids, severity in encoded_findings]
        if fields is None:
            return None, findings, readable is True
        (kind, id_, title, status, shown, values, tagged, waivers, references, id_line, sections, weighs_options,
         in_place) = fields
        keys, items, subkeys = shown
        if not (type(values) is dict and type(keys) is dict and type(items) is dict and type(subkeys) is dict):
            raise ValueError("not a document")
        if tagged:
            values = restore(values)
        positions = Positions(keys, items, subkeys)
        document = Document(path=path, rel=rel, kind=_text(kind), id=_text(id_), title=_text(title),
                            status=status if status is None else _text(status), positions=positions, values=values,
                            id_line=_line(id_line), sections=tuple(map(_text, sections)),
                            weighs_options=weighs_options is True, in_place=in_place is True)
        if waivers is not None:
            kept = []
            for rule, reason, until, line in waivers:
                day = date.fromisoformat(until) if until is not None else None
                kept.append(Waiver(_text(rule), reason if reason is None else _text(reason), day))
                document.waivers.append(Waiver(rule, reason, day, _line(line)))
            values["ignore"] = kept
        if "version" in values:
            document.version = parse_version(values["version"])
        document.assumes = values.get("assumes", {})
        document.defines = values.get("defines", {})
        for key, raw, target, line, is_path in references:
            document.references.append(Reference(_text(key), _text(raw), _text(target), _range_of(raw), _line(line),
                                                 is_path is True))
        return document, findings, readable is True
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as error:
        raise ValueError(f"not a cached document: {error}") from None
