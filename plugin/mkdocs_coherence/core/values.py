"""Value types of the front-matter contract: kinds, statuses, dates, durations, versions, facts."""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

# The parsers below are pure functions of short strings returning frozen values, and a corpus
# repeats the same few ranges, versions and targets thousands of times: they are memoised.
# Only short texts are (a hostile megabyte string must not stay in memory); nothing here
# depends on the tree being checked, so nothing can leak from one check into the next.
_MEMO_TEXT = 64
_MEMO_SIZE = 4096


def _memoised(parse):
    cached = lru_cache(maxsize=_MEMO_SIZE)(parse)

    def wrapper(text):
        return cached(text) if type(text) is str and len(text) <= _MEMO_TEXT else parse(text)
    wrapper.__doc__, wrapper.__name__, wrapper.cache_clear = parse.__doc__, parse.__name__, cached.cache_clear
    return wrapper

KINDS = ("intent", "contract", "decision")

STATUSES: dict[str, tuple[str, ...]] = {
    "intent": ("draft", "active", "shipped", "abandoned"),
    "contract": ("draft", "active", "deprecated", "retired"),
    "decision": ("proposed", "accepted", "rejected", "deprecated", "superseded"),
}

# Documents whose claims still count (DESIGN §5: "live"). A missing status counts as live:
# a team that writes no status still relies on what the document says.
LIVE_STATUSES: dict[str, frozenset[str | None]] = {
    "intent": frozenset({"draft", "active", "shipped", None}),
    "contract": frozenset({"draft", "active", "deprecated", None}),
    "decision": frozenset({"proposed", "accepted", None}),
}


def is_live(kind: str, status: str | None) -> bool:
    return status in LIVE_STATUSES.get(kind, _NOTHING)


_NOTHING: frozenset = frozenset()


# --- dates and durations ---------------------------------------------------------------

_DURATION = re.compile(r"^\s*(\d{1,9})\s*(d|w|m|y)\s*$")
_DAYS_PER_UNIT = {"d": 1, "w": 7, "m": 30, "y": 365}


def parse_duration(value: Any) -> int | None:
    """`90d`, `6w`, `3m`, `1y` -> days; None when it is not a duration."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    match = _DURATION.match(value.lower())
    return int(match.group(1)) * _DAYS_PER_UNIT[match.group(2)] if match else None


def parse_date(value: Any) -> date | None:
    """YAML dates, datetimes and ISO strings (`2026-01-31`) -> date; None otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


# --- versions and ranges ---------------------------------------------------------------

# Components are bounded: a 5,000-digit number is no version, and int() refuses to read one.
_VERSION = re.compile(r"^v?(\d{1,18})\.(\d{1,18})\.(\d{1,18})(?:[-+][0-9A-Za-z.-]+)?$")
_PARTIAL = re.compile(r"^v?(\d{1,18})(?:\.(\d{1,18}))?(?:\.(\d{1,18}))?$")
_COMPARATOR = re.compile(r"^(>=|<=|>|<|==|=|!=)\s*v?(\d{1,18}(?:\.\d{1,18}){0,2})$")


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


def parse_version(value: Any) -> Version | None:
    """A semantic version `MAJOR.MINOR.PATCH` (pre-release suffix tolerated); None otherwise."""
    if not isinstance(value, str):
        return None
    return _parse_version(value)


@_memoised
def _parse_version(value: str) -> Version | None:
    match = _VERSION.match(value.strip())
    return Version(*map(int, match.groups())) if match else None


def _padded(text: str) -> Version:
    parts = [int(p) for p in text.split(".")] + [0, 0]
    return Version(*parts[:3])


@dataclass(frozen=True)
class VersionRange:
    """A conjunction of comparisons; `text` keeps what the author wrote, for messages."""

    text: str
    clauses: tuple[tuple[str, Version], ...]

    def __str__(self) -> str:
        return self.text

    def contains(self, version: Version) -> bool:
        for op, bound in self.clauses:
            if not _COMPARE[op](version, bound):
                return False
        return True


_COMPARE = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq,
            "!=": operator.ne}


@_memoised
def parse_range(text: str) -> VersionRange | None:
    """`2` (any 2.x), `2.1` (>=2.1,<3), `2.1.3` (>=2.1.3,<3), or comparisons `>=2.1,<3` / `>=2.1 <3`."""
    text = text.strip()
    match = _PARTIAL.match(text)
    if match:
        major = int(match.group(1))
        return VersionRange(text, ((">=", _padded(text.lstrip("v"))), ("<", Version(major + 1, 0, 0))))
    clauses = []
    for part in re.split(r"[,\s]+(?=[<>=!])", text):
        comparison = _COMPARATOR.match(part.strip())
        if not comparison:
            return None
        op = "==" if comparison.group(1) == "=" else comparison.group(1)
        clauses.append((op, _padded(comparison.group(2))))
    return VersionRange(text, tuple(clauses)) if clauses else None


# --- facts -----------------------------------------------------------------------------

FACT_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*(\.[A-Za-z0-9_][A-Za-z0-9_-]*)*$")


def flatten_facts(mapping: dict, prefix: str = "") -> dict[str, Any]:
    """Nested mappings become dotted fact names: {customer: {status: x}} -> customer.status."""
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten_facts(value, name + "."))
        else:
            flat[name] = value
    return flat


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def canonical_fact(value: Any) -> Any:
    """A comparable form: lists compare as sets, scalars by their text (`3` == `"3"`)."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return frozenset(_scalar(item) if not isinstance(item, (dict, list)) else repr(item) for item in value)
    if isinstance(value, dict):
        return repr(sorted((str(k), repr(v)) for k, v in value.items()))
    return _scalar(value)


def show_fact(value: Any) -> str:
    """A fact value as a person would write it, for messages."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return "[" + ", ".join(_scalar(item) for item in value) + "]"
    return _scalar(value)


# --- outcome targets and measured values ------------------------------------------------

_MEASURE = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*([a-zA-Z%µ]*)\s*$")
_TARGET = re.compile(r"^\s*(>=|<=|>|<|==|=|≥|≤)?\s*(.+?)\s*$")
# Units that convert into one another; anything else must match exactly.
_TIME_IN_MS = {"ms": 1.0, "s": 1000.0, "sec": 1000.0, "min": 60_000.0, "h": 3_600_000.0, "d": 86_400_000.0,
               "us": 0.001, "µs": 0.001}


@dataclass(frozen=True)
class Measure:
    """A number with a unit, normalised: times in ms, percentages in %."""

    value: float
    unit: str  # "" (plain number), "%", "ms" (any time) or another unit as written

    def __str__(self) -> str:
        number = f"{self.value:g}"
        return f"{number}{self.unit}" if self.unit in ("%", "") else f"{number} {self.unit}"


def parse_measure(value: Any) -> Measure | None:
    """`58%`, `240ms`, `1.2 s`, `500`, 0.4 -> Measure; None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Measure(float(value), "")
    if not isinstance(value, str):
        return None
    return _parse_measure(value)


@_memoised
def _parse_measure(value: str) -> Measure | None:
    match = _MEASURE.match(value)
    if not match:
        return None
    number, unit = float(match.group(1).replace(",", ".")), match.group(2)
    if unit.lower() in _TIME_IN_MS:
        return Measure(number * _TIME_IN_MS[unit.lower()], "ms")
    return Measure(number, unit)


@dataclass(frozen=True)
class Target:
    text: str
    op: str
    bound: Measure

    def met_by(self, measured: Measure) -> bool | None:
        """True/False, or None when the units cannot be compared."""
        if measured.unit and self.bound.unit and measured.unit != self.bound.unit:
            return None
        value, bound = measured.value, self.bound.value
        return {">=": value >= bound, ">": value > bound, "<=": value <= bound, "<": value < bound,
                "==": value == bound}[self.op]


def parse_target(value: Any) -> Target | None:
    """`">= 60%"`, `"< 200ms"`, `"<= 500"`, `0.99` (means >=) -> Target; None when unparseable."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Target(str(value), ">=", Measure(float(value), ""))
    if not isinstance(value, str):
        return None
    return _parse_target(value)


@_memoised
def _parse_target(value: str) -> Target | None:
    match = _TARGET.match(value)
    if not match:
        return None
    op = {"=": "==", "≥": ">=", "≤": "<="}.get(match.group(1) or ">=", match.group(1) or ">=")
    bound = parse_measure(match.group(2))
    return Target(value.strip(), op, bound) if bound else None


def latest_outcomes(values: dict) -> dict[str, tuple[int, dict]]:
    """metric -> (index, outcome): the most recently measured one (ties: the last written). The one
    reading of "latest outcome", for the outcome rules and the site."""
    latest: dict[str, tuple[int, dict]] = {}
    for index, outcome in enumerate(values.get("outcomes", [])):
        metric = str(outcome["metric"]).strip().lower()
        measured = parse_date(outcome.get("measured"))
        current = latest.get(metric)
        if current is None or (measured or parse_date("0001-01-01")) >= (
                parse_date(current[1].get("measured")) or parse_date("0001-01-01")):
            latest[metric] = (index, outcome)
    return latest
