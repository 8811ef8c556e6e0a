"""Decision records in the formats teams already use, read in place (DESIGN §4).

- MADR 4 and 3 keep their metadata in front-matter: `schema` reads that.
- MADR 2 writes `* Status:`, `* Date:`, `* Deciders:` bullets under the title; log4brains
  writes the same with `-`, and its supersede links in a `## Links` section.
- adr-tools (Michael Nygard's layout) writes a `Date:` line under the title and a
  `## Status` section whose lines are a status word and links: `Supersedes [..](..)`,
  `Superseded by [..](..)`, in adr-tools' own spelling "Supercedes"/"Superceded" too.
- What real folders write beside those (v1.1): statuses behind emoji, emphasis, code or a
  blockquote (`✅ Accepted`, `` `Rejected` ``, `> Accepted`) and with trailing clauses
  (`Accepted, supplemented by ADR-12`, `Pending (may change)`); synonyms (approved,
  pending, RFC) and a team's own words (`statuses:` in the settings); metadata tables
  (`| Date | 04/07/2023 |`), `**Date:**` labels, `Date 09/04/2018` without a colon,
  `Created:` lines and an unlabelled date line under the title; day-first and two-digit
  year dates (`date_order`); relations written as prose ("This decision has been
  superseded by decision: [..](..)", "in part supersedes").

Relations: `supersedes`/`superseded_by` replace a decision. An amendment, a supplement and
a partial supersession change part of a decision and leave it standing: all three are read
as `amends`/`amended_by`, an edge of its own kind that no rule counts as a supersession.

Only what a file states is read: a file that states no status has none, a date without a
day is no date, and a status outside the lifecycle is reported, never guessed. Fenced code
is skipped, so an example inside a record is never taken for the record's own metadata.

`read_in_place` returns what it found with 1-based file lines, and the exact lines it read
(for `coherence import`, which moves them into front-matter and keeps everything else).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from mkdocs_coherence.core.values import STATUSES

DECISION_STATUSES = STATUSES["decision"]
DATE_ORDERS = ("auto", "dmy", "mdy")
# Words real folders use for a lifecycle state (DESIGN §4 v1.1); a team adds its own in config.
STATUS_SYNONYMS = {"approved": "accepted", "pending": "proposed", "rfc": "proposed"}
# Files that sit in a decisions folder without being decisions.
_NOT_DECISIONS = re.compile(r"^(?:readme|index|_?template)$|template", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """How a team writes its records: its own status words and the order of its numeric dates."""

    statuses: Mapping[str, str] = field(default_factory=dict)  # lower-case word -> lifecycle status
    date_order: str = "auto"  # auto | dmy | mdy


DEFAULT_READING = Reading()


def is_decision_record(path: Path, meta: Mapping) -> bool:
    """False for a folder's README, index or template, unless its front-matter says `kind`."""
    return "kind" in meta or not _NOT_DECISIONS.search(path.stem)


_FIELD_NAMES = {
    "status": "status",
    "date": "date",
    "created": "date",
    "deciders": "deciders",
    "decision-makers": "deciders",
    "decision makers": "deciders",
    "decision-maker(s)": "deciders",
    "decision maker(s)": "deciders",
    "consulted": "consulted",
    "informed": "informed",
}
_NAMES = r"status|date|created|deciders|decision[- ]makers?(?:\(s\))?|consulted|informed"
# `* Status: accepted`, `- Date: 2020-09-24`, `Date: 2016-02-12`, `**Status:** accepted`,
# and `Date 09/04/2018` (no colon, but a digit follows)
_FIELD_LINE = re.compile(
    rf"^(?P<bullet>[*-][ \t]+)?\**(?P<name>{_NAMES})"
    r"(?:\**[ \t]*:[ \t]*\**|[ \t]+(?=\d))[ \t]*(?P<value>.*?)[ \t]*$", re.IGNORECASE)
# `| Date | `04/07/2023` |` in a metadata table, in a blockquote or not
_TABLE_ROW = re.compile(rf"^>?[ \t]*\|[ \t]*\**(?P<name>{_NAMES})\**[ \t]*\|[ \t]*(?P<value>.*?)[ \t]*\|[ \t]*$",
                        re.IGNORECASE)
_NESTED_ITEM = re.compile(r"^[ \t]+[*-][ \t]+(?P<value>.+?)[ \t]*$")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_LOOSE_TITLE = re.compile(r"^#{1,2}[ \t]*(?P<text>[^#\s].*?)[ \t]*$")  # `#25. Title`: no space, yet a title
_RELATION = re.compile(
    r"(?P<part>(?<![\w/.-])(?:in[ \t]+part|partially|partly)[ \t]+)?(?<![\w/.-])(?P<verb>super[sc]eded[ \t]+"
    r"(?:in[ \t]+part[ \t]+)?by|super[sc]edes|amended[ \t]+by|amends|supplemented[ \t]+by|supplements)(?![\w-])[ \t]*:?",
    re.IGNORECASE)
_MD_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<target><[^>]*>|[^)\s]+)(?:[ \t]+\"[^\"]*\")?\)")
_ADR_ID = re.compile(r"\bADR[- _#]*\d+\b", re.IGNORECASE)
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)

_MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
    ("nov", "november"), ("dec", "december")), start=1) for name in names}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DATE_FORMS = (
    re.compile(r"^(?P<year>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T \t].*)?$"),  # 2020-09-24, ISO datetime
    re.compile(r"^(?P<year>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})$"),  # 2020/09/24
    re.compile(r"^(?P<d>\d{1,2})\.[ \t]?(?P<m>\d{1,2})\.[ \t]?(?P<year>\d{4})$"),  # 24.09.2020 (day first)
    re.compile(rf"^{_MONTH}[ \t]+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?[ \t]+(?P<year>\d{{4}})$"),  # Dec 19, 2022
    re.compile(rf"^(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[ \t]+{_MONTH},?[ \t]+(?P<year>\d{{4}})$"),  # 19 Dec 2022
    re.compile(r"^(?P<year>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),  # 20200924
)
# 05/02/2018, 10/04/18, 05-02-2018: day first or month first, as the team writes
_NUMERIC = re.compile(r"^(\d{1,2})([/-])(\d{1,2})\2(\d{4}|\d{2})$")
_DIGIT = re.compile(r"\d")
_EMOJI_CODE = re.compile(r"[ \t]+:[a-z0-9_+-]+:$")  # `2024-10-31 :ghost:`


@dataclass(frozen=True)
class WrittenDate:
    """A date as written: `value` when it could be read, else `problem` says why not."""

    text: str
    value: date | None
    problem: str | None = None  # "ambiguous" (day and month could swap) or "unreadable"


def _clean_date_text(text: str) -> str:
    text = text.strip().strip("*_`").strip()
    text = _EMOJI_CODE.sub("", text)
    text = re.sub(r"[ \t]*\(.*\)$", "", text).rstrip(".").strip()  # "2021-06-17 (updated)" -> the date
    return text.strip("*_`").strip()


def numeric_order_evidence(text: str) -> str | None:
    """"dmy" for `27/06/23`, "mdy" for `06/27/23`, None when the numbers allow both (or no date)."""
    match = _NUMERIC.match(_clean_date_text(text))
    if not match:
        return None
    first, second = int(match.group(1)), int(match.group(3))
    if first > 12 >= second >= 1:
        return "dmy"
    if second > 12 >= first >= 1:
        return "mdy"
    return None


def read_date(text: str, order: str = "auto") -> WrittenDate:
    """A date as teams write it. Numeric `dd/mm/yyyy` or `mm/dd/yy`: by `order` ("dmy", "mdy"),
    or with "auto" only when the numbers themselves say which is the day."""
    if _DIGIT.search(text) is None:  # every form has digits: prose lines are tried as dates, and most have none
        return WrittenDate(text, None, "unreadable")
    cleaned = _clean_date_text(text)
    for form in _DATE_FORMS:
        match = form.match(cleaned)
        if not match:
            continue
        parts = match.groupdict()
        if parts.get("month") is not None:
            month = _MONTHS.get(parts["month"].lower())
            if month is None:
                return WrittenDate(text, None, "unreadable")
        else:
            month = int(parts["m"])
        try:
            return WrittenDate(text, date(int(parts["year"]), month, int(parts["d"])))
        except ValueError:
            return WrittenDate(text, None, "unreadable")
    numeric = _NUMERIC.match(cleaned)
    if numeric:
        first, second = int(numeric.group(1)), int(numeric.group(3))
        year = int(numeric.group(4))
        year = year + 2000 if year < 100 else year  # a decision record written in this century
        if order == "auto":
            order = numeric_order_evidence(cleaned) or ""
            if not order:
                return WrittenDate(text, None, "ambiguous")
        day, month = (first, second) if order == "dmy" else (second, first)
        try:
            return WrittenDate(text, date(year, month, day))
        except ValueError:
            return WrittenDate(text, None, "unreadable")
    return WrittenDate(text, None, "unreadable")


def parse_written_date(text: str, order: str = "auto") -> date | None:
    """A date as teams write it; None when it lacks a day, is ambiguous (03/04/2021) or invalid."""
    return read_date(text, order).value


def folder_date_order(folder: Path) -> str | None:
    """"dmy" or "mdy" when the unambiguous numeric dates of the records in `folder` agree, else None."""
    stamps = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.lower().endswith(".md") and entry.is_file(follow_symlinks=False):
                    status = entry.stat(follow_symlinks=False)
                    stamps.append((entry.name, status.st_mtime_ns, status.st_size))
    except OSError:
        return None
    return _folder_date_order(str(folder), tuple(sorted(stamps)))


@lru_cache(maxsize=32)
def _folder_date_order(folder: str, stamps: tuple) -> str | None:
    """Keyed by the files' stamps: a folder is read once per change, not once per ambiguous date."""
    seen = set()
    for name, _, size in stamps:
        if size > 1_000_000:
            continue  # a decision record is small; a huge file is no evidence worth reading
        try:
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError:
            continue
        found = read_in_place(text)
        if found.date_text is not None:
            evidence = numeric_order_evidence(found.date_text)
            if evidence:
                seen.add(evidence)
    return seen.pop() if len(seen) == 1 else None


@dataclass
class Status:
    """A stated status, normalised: `status` is None when the text fits no lifecycle state."""

    text: str
    status: str | None
    superseded_by: list[str] = field(default_factory=list)
    word: str | None = None  # the word read, lower case ("approved"), for the notice on unmapped words
    placeholder: bool = False  # a template's list of choices (`Accepted or Rejected`), never filled in


def _adr_id(text: str) -> str:
    """`ADR #0033`, `ADR 18`, `ADR-0005` -> an id the graph resolves (`ADR-0033`)."""
    if not re.search(r"[#]|\s", text):
        return text
    return "ADR-%04d" % int(re.search(r"\d+", text).group(0))


def link_targets(text: str) -> list[str]:
    """`[13. Use SQS](0013-use-sqs.md)` -> ['0013-use-sqs.md']; `ADR-0005` -> ['ADR-0005']."""
    targets = [m.group("target").strip("<>") for m in _MD_LINK.finditer(text)]
    targets = [t.split("#", 1)[0] for t in targets if t.split("#", 1)[0]]
    if targets:
        return targets
    ids = _ADR_ID.findall(text)
    if ids:
        return [_adr_id(found) for found in ids]
    bare = text.strip().strip("[]`*_ ").rstrip(".")
    return [bare] if bare and " " not in bare else []


_DECORATION = re.compile(r"^[\W_]+", re.UNICODE)  # emoji, `>`, `*`, backticks, bullets before the word


def _undecorated(text: str) -> str:
    return _DECORATION.sub("", text.strip()).rstrip("*_` \t")


def _vocabulary(reading: Reading) -> dict[str, str]:
    words = {**STATUS_SYNONYMS, **{word: word for word in DECISION_STATUSES}}
    words.update({word.lower(): status for word, status in reading.statuses.items()})
    return words


def _placeholder(lowered: str, words: Mapping[str, str]) -> bool:
    """`accepted or rejected`, `accepted | pending | superseded by …`, a list of five choices."""
    found = [w for w in re.findall(r"[a-z]+", lowered) if w in words or w.startswith("supersed")]
    if len(found) >= 2 and re.match(rf"^{found[0]}[ \t]*(?:\bor\b|\||/)", lowered):
        return True
    return len(set(found)) >= 3


def normalise_status(text: str, reading: Reading = DEFAULT_READING) -> Status:
    """`✅ Accepted` -> accepted; `Superceded by [..](x.md)` -> superseded + link; `on hold` -> None."""
    written = text.strip().strip("*_`").strip()  # as the finding quotes it
    stripped = _undecorated(text)
    lowered = stripped.lower()
    words = _vocabulary(reading)
    if _placeholder(lowered, words):
        return Status(written, None, placeholder=True)
    # A team's own words first (they may be several words: "partly superseded").
    for word in sorted(reading.statuses, key=len, reverse=True):
        if re.match(rf"^{re.escape(word.lower())}\b", lowered):
            return Status(written, words[word.lower()], word=word.lower())
    match = re.match(r"^super[sc]eded\b(?:[ \t]+by\b[ \t]*:?)?(?P<rest>.*)$", lowered)
    if match:
        rest = stripped[len(stripped) - len(match.group("rest")):]
        targets = link_targets(rest) if rest.strip() else []
        return Status(written, "superseded", targets, word="superseded")
    word = re.match(r"^[a-z]+", lowered)
    if word and word.group(0) in words:
        return Status(written, words[word.group(0)], word=word.group(0))
    return Status(written, None, word=word.group(0) if word else None)


@dataclass
class InPlace:
    """Metadata a decision record states in its body, with the 1-based file line of each."""

    format: str | None = None  # "madr2", "log4brains", "adr-tools", "table" or None (nothing found)
    status: Status | None = None
    date: date | None = None
    date_text: str | None = None
    date_problem: str | None = None  # why `date_text` gave no date: "ambiguous" or "unreadable"
    people: dict[str, list[str]] = field(default_factory=dict)  # deciders, consulted, informed
    supersedes: list[str] = field(default_factory=list)
    superseded_by: list[str] = field(default_factory=list)
    amends: list[str] = field(default_factory=list)  # amended, supplemented or superseded in part
    amended_by: list[str] = field(default_factory=list)
    title: str | None = None  # a title a reader sees where no `# ` heading is (`#25. Title`, an H2)
    lines: dict[str, int] = field(default_factory=dict)  # status/date/deciders/supersedes/... -> line
    consumed: dict[int, str] = field(default_factory=dict)  # body line (0-based) -> the field it states
    status_section: tuple[int, int] | None = None  # body lines [start, end) of `## Status`

    @property
    def found(self) -> bool:
        return self.format is not None


def _unfenced(lines: list[str]) -> list[bool]:
    """True for each line outside fenced code (and not a fence line itself)."""
    result, fence = [], None
    for line in lines:
        stripped = line.lstrip()
        if fence:
            result.append(False)
            if stripped.startswith(fence):
                fence = None
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            result.append(False)
            continue
        result.append(True)
    return result


def _people(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;]", value) if part.strip()]


def _set_status(found: InPlace, status: Status, line_no: int) -> None:
    found.status = status
    found.lines["status"] = line_no
    for target in status.superseded_by:
        if target not in found.superseded_by:
            found.superseded_by.append(target)
    if status.superseded_by:
        found.lines.setdefault("superseded_by", line_no)


def read_in_place(body: str, first_line: int = 1, reading: Reading = DEFAULT_READING) -> InPlace:
    """Read the metadata a decision states in its body; `first_line` is the body's line in the file."""
    lines = body.split("\n")
    plain = _unfenced(lines)
    found = InPlace()
    headings = [(i, len(m.group(1)), m.group(2).strip()) for i, line in enumerate(lines)
                if plain[i] and (m := _HEADING.match(line))]
    title = next((i for i, level, _ in headings if level == 1), None)
    if title is None:  # no `# ` heading: `#25. Title` or an H2 on the first line is what a reader sees
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        loose = _LOOSE_TITLE.match(lines[first]) if first is not None and plain[first] else None
        if loose:
            title, found.title = first, loose.group("text")

    # 1. The block under the title, up to the next heading: bullets, `Date:` lines, tables.
    if title is not None:
        end = next((i for i, _, _ in headings if i > title), len(lines))
        index = title + 1
        while index < end:
            line = lines[index]
            match = (_FIELD_LINE.match(line) or _TABLE_ROW.match(line)) if plain[index] else None
            if not match:
                if plain[index] and found.date_text is None and not line.startswith((" ", "\t")):
                    written = read_date(line, reading.date_order)  # `June 19, 2018` alone on a line
                    if written.value is not None:
                        found.date_text, found.date = line.strip(), written.value
                        found.lines["date"] = first_line + index
                        found.consumed[index] = "date"
                        found.format = found.format or "adr-tools"
                index += 1
                continue
            raw_name = match.group("name").lower()
            name = _FIELD_NAMES.get(raw_name) or ("deciders" if raw_name.startswith("decision") else None)
            bullet = match.groupdict().get("bullet")
            value = match.group("value").strip()
            line_no = first_line + index
            # Nested bullets (a list of deciders) and the blank lines inside them belong to this field.
            nested, look = [], index + 1
            while look < end and plain[look]:
                sub = _NESTED_ITEM.match(lines[look])
                if sub:
                    nested.append(sub.group("value"))
                    found.consumed[look] = f"{name}+"
                    look += 1
                elif not lines[look].strip() and look + 1 < end and _NESTED_ITEM.match(lines[look + 1]):
                    look += 1
                else:
                    break
            found.consumed[index] = name
            index = look
            if found.format is None:
                if match.re is _TABLE_ROW:
                    found.format = "table"
                else:
                    found.format = ("log4brains" if bullet.startswith("-") else "madr2") if bullet else "adr-tools"
            if name == "status" and found.status is None:
                _set_status(found, normalise_status(value, reading), line_no)
                if not found.status.placeholder:  # a template's `Superseded by ADR-XXX` names no record
                    _read_relations(value, line_no, found)
            elif name == "date" and found.date_text is None:
                written = read_date(value, reading.date_order)
                found.date_text, found.date, found.date_problem = value, written.value, written.problem
                found.lines["date"] = line_no
            elif name in ("deciders", "consulted", "informed") and name not in found.people:
                people = _people(value.strip("`")) + [item for item in nested if item]
                if people:
                    found.people[name] = people
                    found.lines[name] = line_no

    # 2. A `## Status` section (adr-tools, Nygard): a status word and supersede links.
    for position, (start, level, text) in enumerate(headings):
        if level != 2 or text.strip().rstrip(":").lower() != "status":
            continue
        end = headings[position + 1][0] if position + 1 < len(headings) else len(lines)
        only_metadata = True
        for index in range(start + 1, end):
            line = lines[index].strip()
            if not line or not plain[index]:
                continue
            line_no = first_line + index
            if _RELATION.match(_undecorated(line)):  # a link line: `Supersedes [..](..)`
                kind = _read_link_line(line, line_no, found)
                if kind:
                    found.consumed[index] = kind
                    if found.status is None and kind.endswith("_by"):  # `Partly superseded by ..`: the status line
                        _set_status(found, normalise_status(line, reading), line_no)
                    continue
            if found.status is None:
                found.consumed[index] = "status"
                _set_status(found, normalise_status(line, reading), line_no)
                if not found.status.placeholder:
                    _read_relations(line, line_no, found)  # `accepted; supersedes ADR-0045`
                continue
            _read_relations(line, line_no, found)  # prose: "This ADR in part supersedes [0003](..)"
            only_metadata = False
        if only_metadata:
            found.status_section = (start, end)
        found.format = found.format or "adr-tools"
        break

    # 3. Supersede links in a `## Links` section (log4brains) or in the title block.
    for position, (start, level, text) in enumerate(headings):
        if level == 2 and text.strip().rstrip(":").lower() == "links":
            end = headings[position + 1][0] if position + 1 < len(headings) else len(lines)
            for index in range(start + 1, end):
                if plain[index] and lines[index].strip():
                    _read_link_line(lines[index].strip(), first_line + index, found)
    if title is not None:
        end = next((i for i, _, _ in headings if i > title), len(lines))
        for index in range(title + 1, end):
            if plain[index] and index not in found.consumed:
                link = _read_link_line(lines[index].strip(), first_line + index, found)
                if link:
                    found.consumed[index] = link

    # adr-tools writes no status word once a decision is superseded: `Superceded by` says it.
    if found.superseded_by and (found.status is None or found.status.status == "accepted"):
        found.status = Status(found.status.text if found.status else "superseded", "superseded")
        found.lines.setdefault("status", found.lines["superseded_by"])
    return found


def status_clause(text: str) -> str:
    """`Accepted, supplemented by ADR-12` -> `, supplemented by ADR-12`: what follows the word."""
    stripped = _undecorated(text)
    if re.match(r"^super[sc]eded\b", stripped, re.IGNORECASE):
        return ""  # its link is the status's own
    word = re.match(r"^\w+", stripped)
    return stripped[word.end():] if word else ""


def _read_relations(text: str, line_no: int, found: InPlace) -> list[str]:
    """Every relation a line states (`supersedes [x](..)`, `in part supersedes`, `amended by`,
    `supplemented by`), recorded; the kinds read. A verb with no target is prose, not a link."""
    kinds = []
    matches = list(_RELATION.finditer(text))
    for position, match in enumerate(matches):
        rest = text[match.end(): matches[position + 1].start() if position + 1 < len(matches) else len(text)]
        targets = link_targets(rest)
        if not targets:
            continue
        verb = re.sub(r"\s+", " ", match.group("verb").lower())
        partial = bool(match.group("part")) or " in part " in verb
        if verb.startswith(("amend", "supplement")) or partial:
            key = "amended_by" if verb.endswith(" by") else "amends"
        else:
            key = "superseded_by" if verb.endswith(" by") else "supersedes"
        bucket = getattr(found, key)
        for target in targets:
            if target not in bucket:
                bucket.append(target)
        found.lines.setdefault(key, line_no)
        kinds.append(key)
    return kinds


def _read_link_line(line: str, line_no: int, found: InPlace) -> str | None:
    """Record the relations a line states; the kind of the first, else None."""
    kinds = _read_relations(line, line_no, found)
    if kinds and found.format is None:
        found.format = "adr-tools"
    return kinds[0] if kinds else None


def _designated(target: str, folder: Path) -> str:
    """The record a link means, as a reader resolves it: a link to the repository's own page of
    a record (`https://github.com/o/r/blob/main/adr/0006-x.md`) is that file of this folder; a
    link whose file is missing or misspelt (`0018-govuk-..` for `0018-govkuk-..`) is the record
    of its number."""
    if not target.lower().endswith(".md"):
        return target
    name = target.rsplit("/", 1)[-1]
    if _URL.match(target):
        if not (folder / name).is_file():
            return _number_id(name) or target
        return name
    try:
        if (folder / target).exists():
            return target
    except (OSError, ValueError):
        return target
    return _number_id(name) or target


def _number_id(name: str) -> str | None:
    from mkdocs_coherence.core.schema import default_id

    identifier = default_id(Path(name), "decision")
    return identifier if identifier.startswith("ADR-") else None


def apply_in_place(source, document, reading: Reading = DEFAULT_READING) -> list:
    """Fill a decision's status, date, people and relations from its body.

    Front-matter wins: a key the front-matter states is never taken from the body. Body
    lines become the keys' positions, so findings point at the line that says it.
    """
    from mkdocs_coherence.core.findings import Finding, Severity

    meta = source.meta
    found = read_in_place(source.body, source.body_line, reading)
    if found.title is not None and "title" not in meta:
        document.title = found.title  # kept unless a `# ` heading says otherwise (there is none)
    if not found.found:
        return []
    if found.date_problem == "ambiguous" and reading.date_order == "auto":
        order = folder_date_order(source.path.parent)
        source.reads_folder = True
        if order:  # the folder's other records say which number is the day
            written = read_date(found.date_text, order)
            found.date, found.date_problem = written.value, written.problem
    findings = []
    positions = source.positions
    if "status" not in meta and found.status is not None:
        positions.keys.setdefault("status", found.lines["status"])
        document.status = found.status.status
        if found.status.placeholder:
            findings.append(Finding(
                "schema", f"status '{found.status.text}' lists several statuses, as a template does, so the "
                "decision is read as having no status; keep the one that holds", source.rel,
                found.lines["status"], severity=Severity.WARNING))
        elif found.status.status is None:
            word = found.status.word or found.status.text
            findings.append(Finding(
                "schema", f"status '{found.status.text}' is none of a decision's statuses "
                f"({', '.join(DECISION_STATUSES)}), so the decision is read as having no status; if "
                f"'{word}' means one of them, map it in the settings (statuses: {{{word}: accepted}})",
                source.rel, found.lines["status"], severity=Severity.INFO))
    if "date" not in meta and found.date is not None:
        document.values["date"] = found.date
        positions.keys.setdefault("date", found.lines["date"])
    elif "date" not in meta and found.date_text is not None:
        if found.date_problem == "ambiguous":
            advice = ("the day and the month could be either number, and no other record in the folder "
                      "tells; set date_order: dmy or mdy in the settings, or write it as YYYY-MM-DD")
        elif re.fullmatch(rf"{_MONTH}[ \t]+\d{{4}}", _clean_date_text(found.date_text)):
            advice = "it names a month but no day; write the day it was decided as YYYY-MM-DD"
        else:
            advice = "write it as YYYY-MM-DD"
        findings.append(Finding(
            "schema", f"date '{found.date_text}' cannot be read as a date, so the decision has none; {advice}",
            source.rel, found.lines["date"], severity=Severity.WARNING))
    for name, people in found.people.items():
        if name not in meta and not (name == "deciders" and "decision-makers" in meta):
            document.values[name] = people
            positions.keys.setdefault(name, found.lines[name])
    folder = source.path.parent
    relations = {"supersedes": found.supersedes, "amends": found.amends, "amended_by": found.amended_by}
    if "status" not in meta:  # a front-matter status states its own `superseded by`
        relations["superseded_by"] = found.superseded_by
    for key, targets in relations.items():
        if key not in meta and key not in document.values and targets:
            document.values[key] = list(dict.fromkeys(_designated(target, folder) for target in targets))
            positions.keys.setdefault(key, found.lines[key])
    return findings


# --- the options a record weighed, as real records write them (DESIGN §5 missing-alternatives) ---

_OPTION_WORDS = r"(?:options|alternatives|approaches|strategies|candidates|solutions|choices|possibilities)"
_COUNTED = r"(?:two|three|four|five|six|several|multiple|a few|a couple of|a number of|\d+)"
# Headings that hold the options: "Options", "Considered Options", "Alternatives considered",
# "Possible solutions", "Possible actions", "Candidates".
_OPTION_HEADING = re.compile(r"\b(?:options?|alternatives?|possible (?:solutions?|actions?)|candidates)\b", re.I)
# A line that introduces a list of options: "We discussed three options:", "We looked at 3 options
# for the queueing mechanism:", "A reasonable set of candidates are:" (the line ends with a colon);
# "We considered:" or "we evaluated these approaches" followed by a list item or a heading.
_COUNTS_OPTIONS = re.compile(rf"\b{_COUNTED} (?:\w+ ){{0,2}}{_OPTION_WORDS}\b|\bcandidates (?:are|were|include)\b", re.I)
_WE_CONSIDERED = re.compile(
    rf"\bwe (?:\w+ ){{0,2}}(?:considered|discussed|evaluated|compared|weighed|looked at)"
    rf"(?:[^.\n]{{0,40}}\b{_OPTION_WORDS}\b|(?: the following)?\s*:?\s*$)", re.I)
# Phrases that name a weighed option wherever they stand.
_NAMES_AN_OPTION = re.compile(
    rf"\b{_OPTION_WORDS} (?:were|was|have been) (?:considered|discussed|evaluated|weighed)\b"  # "Two strategies were considered"
    r"|\b(?:one|another) option (?:is|was|would be)\b"  # "One option is to add extra keys"
    r"|\ba better option than\b"
    r"|\bother (?:tools|libraries|frameworks) (?:to consider|such as|including|like)\b"
    r"|\bprototypes with other (?:tools|libraries|frameworks)\b"
    r"|(?:^|[.!?]\s+)(?:instead of|rather than) [^.\n]{3,120}, we (?:will|decided|chose|adopt)", re.I | re.M)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S|^#{2,6}\s")


# Words without which `_WE_CONSIDERED` / `_NAMES_AN_OPTION` cannot match (in lower case): a
# substring test rules most lines and bodies out before a regex runs (measured: the searches took
# ~0.2 ms per record). Only for ASCII text, where IGNORECASE matching is matching lower case.
_WE = "we "
_NAMING_WORDS = ("option", "alternative", "approach", "strateg", "candidate", "solution", "choice", "possibilit",
                 "other ", "instead of", "rather than")


def records_options(body: str) -> bool:
    """Does the record name the options it weighed, as real ADRs write them: an options heading,
    a list introduced by "we considered" / "three options:" / "candidates are:", or prose that
    names the option it rejects ("Other tools to consider might be …", "Instead of X, we will")?"""
    ascii_text = body.isascii()
    folded = body.lower() if ascii_text else body
    lines = folded.splitlines()
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("##"):  # a section, not the title ("# 1. No options")
            if _OPTION_HEADING.search(stripped.lstrip("#")):
                return True
            continue
        considered = (not ascii_text or _WE in stripped) and _WE_CONSIDERED.search(stripped)
        if stripped.endswith(":") and (considered or _COUNTS_OPTIONS.search(stripped)):
            return True
        if considered:
            following = next((text for text in lines[number + 1:number + 4] if text.strip()), "")
            if _LIST_ITEM.match(following):
                return True
    if ascii_text and not any(word in folded for word in _NAMING_WORDS):
        return False
    return bool(_NAMES_AN_OPTION.search(body))
