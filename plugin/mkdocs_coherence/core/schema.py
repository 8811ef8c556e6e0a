"""The front-matter contract v1 (DESIGN §4) as one declarative table.

The same table validates documents (findings `schema` and `unknown-key`) and prints the JSON
Schema (`coherence schema`), so the two can never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Collection

from mkdocs_coherence.core.adr_formats import DEFAULT_READING, Reading
from mkdocs_coherence.core.config import ranked_risks
from mkdocs_coherence.core.findings import Finding, Severity, Waiver
from mkdocs_coherence.core.loader.headings import scan_headings
from mkdocs_coherence.core.loader.source import Source
from mkdocs_coherence.core.model import REFERENCE_KEYS, Document, Reference
from mkdocs_coherence.core.suggest import closest
from mkdocs_coherence.core.values import (FACT_NAME, KINDS, STATUSES, flatten_facts, parse_date, parse_duration, parse_measure,
                     parse_range, parse_target, parse_version)

ALL = KINDS


class Invalid(Exception):
    """A value that breaks the contract; `item` points at the offending list item or sub-key."""

    def __init__(self, message: str, item: int | str | None = None, severity: Severity | None = None):
        super().__init__(message)
        self.item = item
        self.severity = severity  # None: the rule's default


class Partial(Invalid):
    """Some items of a list (or facts of a mapping) break the contract: each is its own finding,
    and the rest is kept and checked, so one bad item hides nothing. `indexes`: for a list, the
    position each kept item had (its line)."""

    def __init__(self, problems: list[Invalid], kept: Any, indexes: list[int] | None = None):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems, self.kept, self.indexes = problems, kept, indexes


def _each(value: list, check: Callable[[int, Any], Any]) -> list:
    """`check(index, item)` for every item: the items that pass, or `Partial` naming every one
    that does not."""
    kept, indexes, problems = [], [], []
    for index, item in enumerate(value):
        try:
            kept.append(check(index, item))
            indexes.append(index)
        except Invalid as problem:
            problem.item = index
            problems.append(problem)
    if problems:
        raise Partial(problems, kept, indexes)
    return kept


# --- value checkers: return the normalised value or raise Invalid -----------------------


def _text(value: Any) -> str:
    if isinstance(value, str):
        text = value.strip()
        if text:
            return text
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise Invalid(f"must be text; write it in quotes: \"{value}\"")
    raise Invalid(f"must be text, not {_describe(value)}")


def _text_list(value: Any) -> list[str]:
    if type(value) is list:  # fast path: a list of non-blank plain strings, the usual case
        stripped = [item.strip() if type(item) is str else "" for item in value]
        if all(stripped):
            return stripped
    if isinstance(value, str):
        raise Invalid(f"must be a list, e.g. [{value}]")
    if not isinstance(value, list):
        raise Invalid(f"must be a list of text, not {_describe(value)}")

    def item_text(index: int, item: Any) -> str:
        if not isinstance(item, str) or not item.strip():
            raise Invalid(f"item {index + 1} must be text, not {_describe(item)}")
        return item.strip()
    return _each(value, item_text)


# --- keys the theme prints itself (DESIGN §10): MkDocs and Material put some of them in the
# page unescaped (`status` in a class attribute, `description` in a meta tag, `tags` in the
# search results), and a wrong `icon` or `template` stops the build. Validated here; what a
# page hands the theme is sanitised again in site/build.py (`theme_meta`).

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")  # tab and newline are no control here
_LINE_BREAK = re.compile(r"[\t\n\r]")
_ICON = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*")
_TEMPLATE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*\.[A-Za-z0-9]+")
HIDE = ("navigation", "toc", "footer", "path", "tags", "feedback")


def _markup_free(text: str, forbidden: str, one_line: bool) -> str:
    bad = _CONTROL.search(text) or (_LINE_BREAK.search(text) if one_line else None)
    if bad:
        raise Invalid(f"must be {'one line of ' if one_line else ''}plain text; it holds the control character "
                      f"U+{ord(bad.group()):04X}: remove it")
    found = next((c for c in forbidden if c in text), None)
    if found:
        raise Invalid(f"must be plain text without {' '.join(forbidden)}, since the theme prints it as HTML; "
                      f"remove '{found}' from {_describe(text)}")
    return text


def _plain(forbidden: str, one_line: bool) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        return _markup_free(_text(value), forbidden, one_line)
    return check


_title = _plain("", one_line=True)  # shown escaped: a title may say `List<T>`
_subtitle = _plain("<>", one_line=True)
_description = _plain("<>", one_line=False)


def _tags(value: Any) -> list[str]:
    tags = _text_list(value)
    for index, tag in enumerate(tags):
        try:
            _markup_free(tag, "<>\"", one_line=True)
        except Invalid as error:
            raise Invalid(f"item {index + 1} {error}", index) from None
    return tags


def _icon(value: Any) -> str:
    text = _text(value)
    if not _ICON.fullmatch(text):
        raise Invalid(f"must be an icon path like material/check or fontawesome/brands/github (letters, digits, "
                      f"'-', '_' and '/'), not {_describe(text)}")
    return text


def _template(value: Any) -> str:
    text = _text(value)
    if not _TEMPLATE.fullmatch(text):
        raise Invalid(f"must be the file name of a template of the theme, like main.html or blog-post.html "
                      f"(letters, digits, '-', '_', '.', '/' and no '..'), not {_describe(text)}")
    return text


def _hide(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise Invalid(f"must be a list of {', '.join(HIDE)}, e.g. [toc], not {_describe(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, str) or item not in HIDE:
            raise Invalid(f"item {index + 1} {_describe(item)} hides nothing; allowed: {', '.join(HIDE)}"
                          f"{_suggest(str(item), HIDE)}", index, Severity.WARNING)
    return value


def _text_or_list(value: Any) -> list[str]:
    return [_text(value)] if isinstance(value, str) else _text_list(value)


def _date(value: Any):
    parsed = parse_date(value)
    if parsed is None:
        raise Invalid(f"must be a date like 2026-01-31, not {_describe(value)}")
    return parsed


def _duration(value: Any) -> int:
    days = parse_duration(value)
    if days is None or isinstance(value, int):
        raise Invalid(f"must be a duration like 90d, 6w, 3m or 1y, not {_describe(value)}")
    return days


def _version(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise Invalid(f"must be a quoted semantic version like \"{value}.0\"" if isinstance(value, float)
                      else f"must be a quoted semantic version like \"{value}.0.0\"")
    if parse_version(value) is None:
        raise Invalid(f"must be a semantic version MAJOR.MINOR.PATCH like \"2.1.0\", not {_describe(value)}")
    return value.strip()


def _facts(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Invalid(f"must map fact names to values, e.g. customer.status: [active, closed]; not {_describe(value)}")
    flat = flatten_facts(value)
    bad = [name for name in flat if not FACT_NAME.match(name)]
    if bad:  # each said at its own line; the well-named facts are kept and compared
        raise Partial([Invalid(f"fact name '{name}' must be dotted words like customer.status", name.split(".", 1)[0])
                       for name in bad], {name: fact for name, fact in flat.items() if name not in bad})
    return flat


def _source(value: Any) -> str:
    text = _text(value)
    path = text.partition("#")[0].strip()
    if not path or "\n" in text:
        raise Invalid("must be a path to an OpenAPI or JSON Schema file, relative to this document, with an optional "
                      "JSON pointer: ../../api/openapi.yaml#/components/schemas/Customer")
    return text.strip()


def _fact_prefix(value: Any) -> str:
    text = _text(value).strip()
    if not FACT_NAME.match(text):
        raise Invalid(f"must be a dotted fact name like customer, not {_describe(value)}")
    return text


def _text_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise Invalid(f"must map ids to fingerprints, not {_describe(value)}")
    return {str(k): v for k, v in value.items()}


def _records(required: tuple[str, ...], allowed: tuple[str, ...]) -> Callable[[Any], list[dict]]:
    known, has_target, has_value = frozenset(allowed), "target" in allowed, "value" in allowed

    def entry_record(index: int, entry: Any) -> dict:
        if not isinstance(entry, dict):
            raise Invalid(f"item {index + 1} must be a mapping with {', '.join(required)}")
        missing = [key for key in required if entry.get(key) in (None, "")]
        if missing:
            raise Invalid(f"item {index + 1} lacks {', '.join(missing)}")
        if not known.issuperset(entry):  # the list below only to name the first stranger
            unknown = [key for key in entry if key not in allowed]
            raise Invalid(f"item {index + 1} has unknown key '{unknown[0]}'; allowed: {', '.join(allowed)}")
        if "measured" in entry and parse_date(entry["measured"]) is None:
            raise Invalid(f"item {index + 1}: measured must be a date like 2026-01-31")
        if has_target and parse_target(entry["target"]) is None:
            raise Invalid(f"item {index + 1}: target {_describe(entry['target'])} is not a comparison; "
                          "write e.g. \">= 60%\", \"< 200ms\" or \"<= 500\"")
        if has_value and parse_measure(entry["value"]) is None:
            raise Invalid(f"item {index + 1}: value {_describe(entry['value'])} is not a number; "
                          "write e.g. 58%, 240ms or 500")
        return entry

    def check(value: Any) -> list[dict]:
        if not isinstance(value, list):
            raise Invalid(f"must be a list of {{{', '.join(required)}}} entries, not {_describe(value)}")
        return _each(value, entry_record)
    return check


def _references(value: Any) -> list[str]:
    if type(value) is list:  # fast path: every item valid; the checks below say what is wrong
        stripped = []
        for item in value:
            if type(item) is not str:
                break
            text = item.strip()
            if not text or ("@" in item and parse_range(item.partition("@")[2]) is None):
                break
            stripped.append(text)
        else:
            return stripped
    if isinstance(value, str):
        raise Invalid(f"must be a list of references, e.g. [{value}]")
    if not isinstance(value, list):
        raise Invalid(f"must be a list of references, not {_describe(value)}")
    return _each(value, _reference)


def _reference(index: int, item: Any) -> str:
    if not isinstance(item, str) or not item.strip():
        raise Invalid(f"item {index + 1} must be an id, id@range or relative path, not {_describe(item)}")
    _, _, version_range = item.partition("@")
    if "@" in item and parse_range(version_range) is None:
        raise Invalid(f"'{item}': '{version_range}' is not a version range; write e.g. @2, @2.1 or @>=2.1,<3")
    return item.strip()


def _ignore(value: Any, rules: Collection[str]) -> list[Waiver]:
    if not isinstance(value, list):
        raise Invalid("must be a list of rule slugs or {rule, reason, until} entries")

    def waiver(index: int, entry: Any) -> Waiver:
        if isinstance(entry, str):
            entry = {"rule": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("rule"), str):
            raise Invalid(f"item {index + 1} must be a rule slug or {{rule, reason, until}}")
        unknown = [key for key in entry if key not in ("rule", "reason", "until")]
        if unknown:
            raise Invalid(f"item {index + 1} has unknown key '{unknown[0]}'; allowed: rule, reason, until")
        rule = entry["rule"]
        if rule not in rules:
            raise Invalid(f"'{rule}' is not a rule{_suggest(rule, rules)}")
        until = entry.get("until")
        if until is not None and parse_date(until) is None:
            raise Invalid(f"item {index + 1}: until must be a date like 2026-01-31")
        reason = entry.get("reason")
        return Waiver(rule, str(reason) if reason is not None else None, parse_date(until))
    return _each(value, waiver)


def _anything(value: Any) -> Any:
    return value


def _choice(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or value.strip().lower() not in choices:
            raise Invalid(f"'{value}' is not allowed; allowed: {', '.join(choices)}")
        return value.strip().lower()
    return check


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (a yes/no value)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def _suggest(word: str, choices) -> str:
    close = closest(word, choices)
    return f"; did you mean '{close}'?" if close else ""


# --- the table --------------------------------------------------------------------------


@dataclass(frozen=True)
class KeySpec:
    name: str
    kinds: tuple[str, ...]
    check: Callable[[Any], Any]
    json: dict
    doc: str


_TEXT = {"type": "string"}
_TEXTS = {"type": "array", "items": {"type": "string"}}
_REFS = {"type": "array", "items": {"type": "string"},
         "description": "ids, id@range (customer-profile@2) or relative paths"}
_FACTS = {"type": "object", "description": "fact name (dotted) -> value; nested mappings flatten to dotted names"}
_DATE = {"type": "string", "format": "date"}
_DURATION = {"type": "string", "pattern": r"^\d+[dwmy]$"}
_RECORD_SUCCESS = {"type": "array", "items": {"type": "object", "required": ["metric", "target"], "properties": {
    "metric": _TEXT, "target": {"type": ["string", "number"]}, "baseline": {}}}}
_RECORD_OUTCOME = {"type": "array", "items": {"type": "object", "required": ["metric", "value"], "properties": {
    "metric": _TEXT, "value": {}, "measured": _DATE}}}

KEYS: dict[str, KeySpec] = {spec.name: spec for spec in (
    KeySpec("kind", ALL, _choice(KINDS), {"enum": list(KINDS)}, "intent, contract or decision; may come from a folder mapping"),
    KeySpec("id", ALL, _text, _TEXT, "stable id; default: ADR-NNNN for decisions, else the file stem"),
    KeySpec("title", ALL, _title, _TEXT, "default: the first # heading; one line, shown as text"),
    KeySpec("status", ALL, _anything, _TEXT, "lifecycle state; allowed values depend on the kind"),
    KeySpec("owners", ALL, _text_list, _TEXTS, "teams or people accountable"),
    KeySpec("tags", ALL, _tags, {"type": "array", "items": {"type": "string", "pattern": "^[^<>\"]*$"}},
            "as mkdocs-material tags; plain text without < > \""),
    # read by MkDocs and mkdocs-material only: validated, never part of the document's values
    KeySpec("subtitle", ALL, _subtitle, {"type": "string", "pattern": "^[^<>]*$"},
            "shown by Material under the title in the navigation; one line of plain text without < >"),
    KeySpec("description", ALL, _description, {"type": "string", "pattern": "^[^<>]*$"},
            "the page's meta description; plain text without < >"),
    KeySpec("icon", ALL, _icon, {"type": "string", "pattern": "^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$"},
            "a Material icon path, like material/check"),
    KeySpec("template", ALL, _template, {"type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9_./-]*\\.[A-Za-z0-9]+$"},
            "a template of the theme, like main.html"),
    KeySpec("hide", ALL, _hide, {"type": "array", "items": {"enum": list(HIDE)}},
            "parts of the page Material hides: " + ", ".join(HIDE)),
    KeySpec("depends_on", ALL, _references, _REFS, "any other dependency"),
    KeySpec("assumes", ALL, _facts, _FACTS, "facts this document takes for granted"),
    KeySpec("governs", ALL, _text_list, _TEXTS, "code paths (globs) this document describes"),
    KeySpec("reviewed", ALL, _date, _DATE, "last deliberate review"),
    KeySpec("review_every", ALL, _duration, _DURATION, "review is overdue after this"),
    KeySpec("ignore", ALL, _anything, {"type": "array", "items": {"oneOf": [_TEXT, {"type": "object", "required": ["rule"],
            "properties": {"rule": _TEXT, "reason": _TEXT, "until": _DATE}}]}}, "waive findings of these rules here"),
    KeySpec("stamps", ALL, _text_map, {"type": "object", "additionalProperties": _TEXT}, "written by coherence review"),
    # intent
    KeySpec("why", ("intent",), _text, _TEXT, "the reason, one or two sentences"),
    KeySpec("goal", ("intent",), _text, _TEXT, "what it optimizes for: conversion, retention, reliability, ..."),
    KeySpec("area", ("intent",), _text_or_list, {"oneOf": [_TEXT, _TEXTS]}, "product areas it touches"),
    KeySpec("success", ("intent",), _records(("metric", "target"), ("metric", "target", "baseline")),
            _RECORD_SUCCESS, "success criteria: metric, target (\">= 60%\"), baseline"),
    KeySpec("shipped", ("intent",), _date, _DATE, "date it shipped"),
    KeySpec("outcomes", ("intent",), _records(("metric", "value"), ("metric", "value", "measured")),
            _RECORD_OUTCOME, "outcomes recorded after shipping"),
    KeySpec("out_of_scope", ("intent",), _text_list, _TEXTS, "what this intent deliberately does not do"),
    KeySpec("risk", ALL, _anything, _TEXT, "risk tier: low, medium, high (tiers configurable); on a contract, "
            "the lowest tier of every intent that uses or changes it"),
    KeySpec("rollback", ("intent",), _text, _TEXT, "rollback plan"),
    KeySpec("monitoring", ("intent",), _text, _TEXT, "monitoring plan"),
    KeySpec("uses", ("intent",), _references, _REFS, "contracts it consumes, with version ranges"),
    KeySpec("changes", ("intent",), _references, _REFS, "contracts it modifies"),
    # contract
    KeySpec("version", ("contract",), _version, {"type": "string", "pattern": r"^v?\d+\.\d+\.\d+"}, "semantic version"),
    KeySpec("type", ("contract",), _text, _TEXT, "data-model, api, event, behavior, ux (free-form)"),
    KeySpec("defines", ("contract", "decision"), _facts, _FACTS, "facts it settles"),
    KeySpec("invariants", ("contract",), _text_list, _TEXTS, "statements that must hold whatever either side does"),
    KeySpec("source", ("contract",), _source, {"type": "string", "pattern": "^[^\\n#]+(#.*)?$"},
            "path#/json/pointer (relative to the document) to an OpenAPI 3.x or JSON Schema file of the repository: "
            "the facts are read from it; `defines` may then be omitted, and where both exist they must agree"),
    KeySpec("facts_prefix", ("contract",), _fact_prefix, {"type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_.-]*$"},
            "the namespace of the facts read from `source` (default: the schema's name, Customer -> customer)"),
    # decision
    KeySpec("date", ("decision",), _date, _DATE, "when decided"),
    KeySpec("decides", ("decision",), _text, _TEXT, "the question's key: one standing answer per question"),
    KeySpec("deciders", ("decision",), _text_or_list, {"oneOf": [_TEXT, _TEXTS]}, "as MADR"),
    KeySpec("decision-makers", ("decision",), _text_or_list, {"oneOf": [_TEXT, _TEXTS]}, "MADR 4 alias of deciders"),
    KeySpec("consulted", ("decision",), _text_or_list, {"oneOf": [_TEXT, _TEXTS]}, "as MADR"),
    KeySpec("informed", ("decision",), _text_or_list, {"oneOf": [_TEXT, _TEXTS]}, "as MADR"),
    KeySpec("supersedes", ("decision",), _references, _REFS, "decisions it replaces"),
    KeySpec("alternatives", ("decision",), _anything, {"type": ["array", "object"]}, "options considered"),
    KeySpec("affects", ("decision",), _references, _REFS, "documents it constrains"),
    KeySpec("resolves", ("decision",), _references, _REFS, "intents whose goal conflict it settles"),
    KeySpec("priorities", ("decision",), _text_list, _TEXTS, "ordered goals, first wins"),
)}

# The keys of the table that only the theme reads: validated, not kept in Document.values.
THEME_ONLY = frozenset({"subtitle", "description", "icon", "template", "hide"})
# Other keys other tools read: MkDocs and mkdocs-material, and the Jekyll navigation keys that
# MADR's own repository uses. Allowed on any page, never validated here.
PAGE_KEYS = ("search", "comments", "social", "render_macros",
             "layout", "permalink", "parent", "grand_parent", "nav_order", "has_children", "nav_exclude")


def _ranked_risks(gates: dict) -> tuple[str, ...]:
    return ranked_risks(gates)


@lru_cache(maxsize=64)
def _risk_check(tiers: tuple) -> Callable[[Any], str]:
    """The `risk` checker for these gate tiers: one per configuration, not one per document."""
    return _choice(_ranked_risks(dict.fromkeys(tiers)))


_KIND_CHECK = _choice(KINDS)
# kind -> {key: spec} for the keys of that kind's contract
_KEYS_OF = {kind: {name: spec for name, spec in KEYS.items() if kind in spec.kinds} for kind in KINDS}
# Derived from what a record states in its body, never written as keys: `superseded_by`, and
# amendments (amended, supplemented or superseded in part: both decisions stand).
_REFERENCE_KEYS = (*REFERENCE_KEYS, "superseded_by", "amends", "amended_by")


def default_id(path: Path, kind: str, stem: str | None = None) -> str:
    stem = path.stem if stem is None else stem
    if kind == "decision":
        number = _LEADING_NUMBER.match(stem)
        # log4brains names files by date (20200925-title): a date is no ADR number.
        if number and not (len(number.group(1)) == 8 and parse_date(
                f"{number.group(1)[:4]}-{number.group(1)[4:6]}-{number.group(1)[6:]}")):
            return f"ADR-{int(number.group(1)):04d}"
    return stem


_LEADING_NUMBER = re.compile(r"^(?:ADR[-_ ]?)?(\d+)", re.IGNORECASE)  # 0001-x, ADR001-x, ADR-001_x


def _status(kind: str, value: Any, document: Document) -> str:
    if not isinstance(value, str):
        raise Invalid(f"must be one of {', '.join(STATUSES[kind])}, not {_describe(value)}")
    text = value.strip().lower()
    if kind == "decision":
        # MADR writes `superseded by ADR-0005`: the status is superseded, the rest a link.
        match = re.match(r"^super[sc]eded(?:\s+by\s+(.+))?$", text)
        if match:
            if match.group(1):
                by = value.strip()[len(value.strip()) - len(match.group(1)):].strip()
                link = re.search(r"\]\(([^)\s]+)\)", by)  # [ADR-0005](0005-x.md) -> the path
                document.values["superseded_by"] = [link.group(1) if link else by.strip("[]")]
            return "superseded"
    if text not in STATUSES[kind] and kind == "decision":
        # MADR allows statuses of a team's own ("on hold"): read as none, said, never guessed (ADR-0010).
        raise Invalid(f"'{value}' is none of a decision's statuses ({', '.join(STATUSES[kind])}), so the decision is "
                      f"read as having no status; write one of them if one fits{_suggest(text, STATUSES[kind])}",
                      severity=Severity.WARNING)
    if text not in STATUSES[kind]:
        raise Invalid(f"'{value}' is not a status of {'an' if kind[0] in 'aeiou' else 'a'} {kind}; allowed: {', '.join(STATUSES[kind])}"
                      f"{_suggest(text, STATUSES[kind])}")
    return text


def build_document(source: Source, folder_kind: str | None, gates: dict,
                   rules: Collection[str], reading: Reading = DEFAULT_READING) -> tuple[Document | None, list[Finding]]:
    """Validate one source into a Document (None when it is no document) plus its findings;
    `rules`: every rule slug, which `ignore:` may name; `reading`: how in-place ADRs are read."""
    meta, rel, positions = source.meta, source.rel, source.positions
    findings: list[Finding] = []

    def fail(rule: str, key: str, message: str, item: int | str | None = None, severity: Severity | None = None) -> None:
        findings.append(Finding(rule, message, rel, positions.of(key, item) or 1, severity=severity))

    raw_kind = meta.get("kind")
    kind = folder_kind
    if raw_kind is not None:
        try:
            kind = _KIND_CHECK(raw_kind)
        except Invalid:
            fail("schema", "kind", f"kind '{raw_kind}' is unknown; allowed: {', '.join(KINDS)}"
                 f"{_suggest(str(raw_kind), KINDS)}")
            return None, findings
    if kind is None:
        return None, findings  # an ordinary page

    stem = source.path.stem
    document = Document(
        path=source.path, rel=rel, kind=kind, id=default_id(source.path, kind, stem),
        title=stem, status=None, positions=positions,
    )
    values = document.values
    keys_of_kind = _KEYS_OF[kind]
    for key, value in meta.items():
        spec = keys_of_kind.get(key)
        if spec is None:
            if key in PAGE_KEYS:
                continue
            spec = KEYS.get(key)
            if spec is not None:
                hint = f"; it is a key of {' and '.join(k + 's' for k in spec.kinds)}, not of {kind}s"
            else:
                hint = _suggest(key, [*keys_of_kind, *PAGE_KEYS])
            fail("unknown-key", key, f"'{key}' is not a key of the {kind} contract{hint}")
            continue
        try:
            if key == "status":
                document.status = _status(kind, value, document)
                if document.status == "superseded" and any(c in value for c in '<>"'):
                    fail("schema", key, f"status {_describe(value)} holds markup (< > \"); it is read as superseded, "
                         "and the theme is shown only that: write `superseded by ADR-NNNN` or a Markdown link alone",
                         severity=Severity.WARNING)
            elif key == "risk":
                values[key] = _risk_check(tuple(gates))(value)
            elif key == "ignore":
                values[key] = _ignore(value, rules)
            elif key in THEME_ONLY:
                spec.check(value)
            else:
                values[key] = spec.check(value)
        except Partial as error:  # every bad item said; the good ones kept, at their own lines
            for problem in error.problems:
                fail("schema", key, f"{key} {problem}", problem.item, problem.severity)
            values[key] = error.kept
            if error.indexes is not None and key in positions.items:
                lines = positions.items[key]
                positions = replace(positions, items={**positions.items, key: [lines[i] for i in error.indexes]})
                document.positions = positions
        except Invalid as error:
            fail("schema", key, f"{key} {error}", error.item, error.severity)

    if kind == "decision":  # MADR 2, log4brains and adr-tools state their metadata in the body
        from mkdocs_coherence.core.adr_formats import apply_in_place, records_options
        findings.extend(apply_in_place(source, document, reading))
        document.in_place = not source.has_frontmatter
        document.weighs_options = records_options(source.body)
    document.id = values.get("id", document.id)
    headings = scan_headings(source.body)
    document.sections = tuple(text for level, text in headings if level > 1)
    document.title = (values.get("title") or next((t for level, t in headings if level == 1), None)
                      or document.title)
    if "decision-makers" in values and "deciders" not in values:
        values["deciders"] = values["decision-makers"]
    derive(document)
    return document, findings


def derive(document: Document) -> None:
    """What a document's validated values and positions determine: its version, facts, waivers
    and references. Validation ends with it; the check's cache (core/document_json.py) keeps
    values and positions and derives the rest the same way."""
    values, line_of = document.values, document.positions.of
    document.id_line = line_of("id")
    if "version" in values:
        document.version = parse_version(values["version"])
    document.assumes = values.get("assumes", {})
    document.defines = values.get("defines", {})
    ignore = values.get("ignore")
    document.waivers = [Waiver(w.rule, w.reason, w.until, line_of("ignore", i))
                        for i, w in enumerate(ignore)] if ignore else []
    # `superseded_by` is derived (from a MADR status line or an ADR's text), never written as a key.
    references = document.references
    for key in _REFERENCE_KEYS:
        if key not in values:
            continue
        for index, raw in enumerate(values[key]):
            target, _, version_range = raw.partition("@")
            stripped = target.strip()
            references.append(Reference(
                key, raw, stripped, parse_range(version_range) if version_range else None,
                line_of(key, index) or (line_of("status") if key == "superseded_by" else None),
                stripped.endswith(".md") or "/" in target,
            ))


def json_schema() -> dict:
    """The front-matter contract as JSON Schema (draft 2020-12), for editors and tools."""
    properties = {name: {**spec.json, "description": spec.doc} for name, spec in KEYS.items()}
    for name in PAGE_KEYS:
        properties[name] = {"description": "read by MkDocs / mkdocs-material"}
    conditions = []
    for kind in KINDS:
        foreign = [name for name, spec in KEYS.items() if kind not in spec.kinds]
        conditions.append({
            "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
            "then": {
                "properties": {"status": {"enum": list(STATUSES[kind])}, **{name: False for name in foreign}},
            },
        })
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://mkdocs-coherence.dev/schema/front-matter-v1.json",
        "title": "mkdocs-coherence front-matter (v1)",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "allOf": conditions,
    }
