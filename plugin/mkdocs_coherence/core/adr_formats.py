"""Decision records in the formats teams already use, read in place (DESIGN §4).

- MADR 4 and 3 keep their metadata in front-matter: `schema` reads that.
- MADR 2 writes `* Status:`, `* Date:`, `* Deciders:` bullets under the title; log4brains
  writes the same with `-`, and its supersede links in a `## Links` section.
- adr-tools (Michael Nygard's layout) writes a `Date:` line under the title and a
  `## Status` section whose lines are a status word and links: `Supersedes [..](..)`,
  `Superseded by [..](..)`, in adr-tools' own spelling "Supercedes"/"Superceded" too.
  `Amends`/`Amended by` links are not supersessions.

Only what a file states is read: a file that states no status has none, a date without a
day is no date, and a status outside the lifecycle is reported, never guessed. Fenced code
is skipped, so an example inside a record is never taken for the record's own metadata.

`read_in_place` returns what it found with 1-based file lines, and the exact lines it read
(for `coherence import`, which moves them into front-matter and keeps everything else).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from mkdocs_coherence.core.values import STATUSES

DECISION_STATUSES = STATUSES["decision"]

_FIELD_NAMES = {
    "status": "status",
    "date": "date",
    "deciders": "deciders",
    "decision-makers": "deciders",
    "decision makers": "deciders",
    "decision-maker(s)": "deciders",
    "decision maker(s)": "deciders",
    "consulted": "consulted",
    "informed": "informed",
}
# `* Status: accepted`, `- Date: 2020-09-24`, `Date: 2016-02-12`, `**Status:** accepted`
_FIELD_LINE = re.compile(
    r"^(?P<bullet>[*-][ \t]+)?\**(?P<name>status|date|deciders|decision[- ]makers?(?:\(s\))?|consulted|informed)"
    r"\**[ \t]*:[ \t]*\**[ \t]*(?P<value>.*?)[ \t]*$", re.IGNORECASE)
_NESTED_ITEM = re.compile(r"^[ \t]+[*-][ \t]+(?P<value>.+?)[ \t]*$")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_LINK_LINE = re.compile(
    r"^(?:[*-][ \t]+)?(?P<verb>super[sc]eded[ \t]+by|super[sc]edes|amended[ \t]+by|amends)\b[ \t]*:?[ \t]*(?P<rest>.*)$",
    re.IGNORECASE)
_MD_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<target><[^>]*>|[^)\s]+)(?:[ \t]+\"[^\"]*\")?\)")
_ADR_ID = re.compile(r"\bADR[- _]?\d+\b", re.IGNORECASE)

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


def parse_written_date(text: str) -> date | None:
    """A date as teams write it; None when it lacks a day, is ambiguous (03/04/2021) or invalid."""
    text = text.strip().strip("*_`").strip()
    text = re.sub(r"[ \t]*\(.*\)$", "", text).rstrip(".").strip()  # "2021-06-17 (updated)" -> the date
    for form in _DATE_FORMS:
        match = form.match(text)
        if not match:
            continue
        parts = match.groupdict()
        if parts.get("month") is not None:
            month = _MONTHS.get(parts["month"].lower())
            if month is None:
                return None
        else:
            month = int(parts["m"])
        try:
            return date(int(parts["year"]), month, int(parts["d"]))
        except ValueError:
            return None
    slashed = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text)
    if slashed:  # US or European order: only when the numbers themselves say which is the day
        first, second, year = map(int, slashed.groups())
        if first > 12 >= second:
            first, second = second, first
        elif not (second > 12 >= first):
            return None
        try:
            return date(year, first, second)
        except ValueError:
            return None
    return None


@dataclass
class Status:
    """A stated status, normalised: `status` is None when the text fits no lifecycle state."""

    text: str
    status: str | None
    superseded_by: list[str] = field(default_factory=list)


def link_targets(text: str) -> list[str]:
    """`[13. Use SQS](0013-use-sqs.md)` -> ['0013-use-sqs.md']; `ADR-0005` -> ['ADR-0005']."""
    targets = [m.group("target").strip("<>") for m in _MD_LINK.finditer(text)]
    targets = [t.split("#", 1)[0] for t in targets if t.split("#", 1)[0]]
    if targets:
        return targets
    ids = _ADR_ID.findall(text)
    if ids:
        return ids
    bare = text.strip().strip("[]`*_ ").rstrip(".")
    return [bare] if bare and " " not in bare else []


def normalise_status(text: str) -> Status:
    """`Accepted` -> accepted; `Superceded by [..](x.md)` -> superseded + link; `on hold` -> None."""
    stripped = text.strip().strip("*_`").strip()
    lowered = stripped.lower()
    match = re.match(r"^super[sc]eded\b(?:[ \t]+by\b[ \t]*:?)?(?P<rest>.*)$", lowered)
    if match:
        rest = stripped[len(stripped) - len(match.group("rest")):]
        return Status(stripped, "superseded", link_targets(rest) if rest.strip() else [])
    word = re.match(r"^[a-z]+", lowered)
    if word and word.group(0) in DECISION_STATUSES:
        return Status(stripped, word.group(0))
    return Status(stripped, None)


@dataclass
class InPlace:
    """Metadata a decision record states in its body, with the 1-based file line of each."""

    format: str | None = None  # "madr2", "log4brains", "adr-tools" or None (nothing found)
    status: Status | None = None
    date: date | None = None
    date_text: str | None = None
    people: dict[str, list[str]] = field(default_factory=dict)  # deciders, consulted, informed
    supersedes: list[str] = field(default_factory=list)
    superseded_by: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # status/date/deciders/supersedes/superseded_by
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


def read_in_place(body: str, first_line: int = 1) -> InPlace:
    """Read the metadata a decision states in its body; `first_line` is the body's line in the file."""
    lines = body.split("\n")
    plain = _unfenced(lines)
    found = InPlace()
    headings = [(i, len(m.group(1)), m.group(2).strip()) for i, line in enumerate(lines)
                if plain[i] and (m := _HEADING.match(line))]
    title = next((i for i, level, _ in headings if level == 1), None)

    # 1. The block under the title, up to the next heading: bullets and `Date:` lines.
    if title is not None:
        end = next((i for i, _, _ in headings if i > title), len(lines))
        index = title + 1
        while index < end:
            line = lines[index]
            match = _FIELD_LINE.match(line) if plain[index] else None
            if not match:
                index += 1
                continue
            raw_name = match.group("name").lower()
            name = _FIELD_NAMES.get(raw_name) or ("deciders" if raw_name.startswith("decision") else None)
            bullet = match.group("bullet")
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
                found.format = ("log4brains" if bullet.startswith("-") else "madr2") if bullet else "adr-tools"
            if name == "status" and found.status is None:
                found.status = normalise_status(value)
                found.lines["status"] = line_no
            elif name == "date" and found.date_text is None:
                found.date_text = value
                found.date = parse_written_date(value)
                found.lines["date"] = line_no
            elif name in ("deciders", "consulted", "informed") and name not in found.people:
                people = _people(value) + [item for item in nested if item]
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
            link = _read_link_line(line, first_line + index, found)
            if link:
                found.consumed[index] = link
                continue
            if found.status is None and len(line) <= 80:
                found.consumed[index] = "status"
                found.status = normalise_status(line)
                found.lines["status"] = first_line + index
                if found.status.superseded_by:
                    found.lines.setdefault("superseded_by", first_line + index)
                    found.superseded_by.extend(found.status.superseded_by)
                continue
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

    # A status line `superseded by X` (MADR 2, log4brains) is a link too.
    if found.status is not None and found.status.superseded_by:
        for target in found.status.superseded_by:
            if target not in found.superseded_by:
                found.superseded_by.append(target)
                found.lines.setdefault("superseded_by", found.lines.get("status", first_line))
    # adr-tools writes no status word once a decision is superseded: `Superceded by` says it.
    if found.superseded_by and (found.status is None or found.status.status == "accepted"):
        found.status = Status(found.status.text if found.status else "superseded", "superseded")
        found.lines.setdefault("status", found.lines["superseded_by"])
    return found


def _read_link_line(line: str, line_no: int, found: InPlace) -> str | None:
    """Record a `Supersedes`/`Superseded by` line; the kind of link ("amends" included), else None."""
    match = _LINK_LINE.match(line)
    if not match:
        return None
    verb = re.sub(r"\s+", " ", match.group("verb").lower())
    targets = link_targets(match.group("rest"))
    if verb.startswith("amend"):
        return "amends"  # an amendment is no supersession
    if not targets:
        return None  # "supersedes another" in a sentence: prose, not a link
    key = "superseded_by" if verb.endswith(" by") else "supersedes"
    bucket = found.superseded_by if key == "superseded_by" else found.supersedes
    for target in targets:
        if target not in bucket:
            bucket.append(target)
    found.lines.setdefault(key, line_no)
    if found.format is None:
        found.format = "adr-tools"
    return key


def apply_in_place(source, document) -> list:
    """Fill a decision's status, date, people and supersede links from its body.

    Front-matter wins: a key the front-matter states is never taken from the body. Body
    lines become the keys' positions, so findings point at the line that says it.
    """
    from mkdocs_coherence.core.findings import Finding, Severity

    meta = source.meta
    found = read_in_place(source.body, source.body_line)
    if not found.found:
        return []
    findings = []
    positions = source.positions
    if "status" not in meta and found.status is not None:
        positions.keys.setdefault("status", found.lines["status"])
        document.status = found.status.status
        if found.status.status is None:
            findings.append(Finding(
                "schema", f"status '{found.status.text}' is none of a decision's statuses "
                f"({', '.join(DECISION_STATUSES)}), so the decision is read as having no status; "
                "write one of them if one fits", source.rel, found.lines["status"], severity=Severity.WARNING))
    if "date" not in meta and found.date is not None:
        document.values["date"] = found.date
        positions.keys.setdefault("date", found.lines["date"])
    for name, people in found.people.items():
        if name not in meta and not (name == "deciders" and "decision-makers" in meta):
            document.values[name] = people
            positions.keys.setdefault(name, found.lines[name])
    if "supersedes" not in meta and found.supersedes:
        document.values["supersedes"] = list(found.supersedes)
        positions.keys.setdefault("supersedes", found.lines["supersedes"])
    if "superseded_by" not in document.values and found.superseded_by and "status" not in meta:
        document.values["superseded_by"] = list(found.superseded_by)
        positions.keys.setdefault("superseded_by", found.lines["superseded_by"])
    return findings
