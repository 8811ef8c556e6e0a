"""Findings: the one language every check, the site and the CLI speak."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import IntEnum


class Severity(IntEnum):
    """Ordered so that `max()` gives the worst; `off` is handled by the config, not here."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        return cls[text.upper()]


@dataclass(frozen=True)
class Rule:
    """What core needs to know of a rule. The rules declare themselves (`rules/registry.py`);
    the catalogue reaches core through its callers (`Settings.catalogue`), never by import."""

    slug: str
    tier: str
    severity: Severity
    summary: str


@dataclass(frozen=True)
class Waiver:
    rule: str
    reason: str | None = None
    until: date | None = None
    line: int | None = None


@dataclass(frozen=True)
class Finding:
    """One problem. `path` is relative to the directory of `mkdocs.yml`, `line` 1-based."""

    rule: str
    message: str
    path: str | None = None
    line: int | None = None
    ids: tuple[str, ...] = ()
    severity: Severity | None = None  # None: the rule's default, resolved by the engine
    waiver: Waiver | None = field(default=None, compare=False)
    # A conflict an accepted decision settled: reported as resolved, never counted.
    resolved_by: tuple[str, ...] = ()

    def graded(self, severity: Severity) -> "Finding":
        return replace(self, severity=severity)

    @property
    def location(self) -> str:
        if self.path is None:
            return "-"
        return f"{self.path}:{self.line}" if self.line else self.path

    def as_json(self) -> dict:
        """A graded finding (every finding a check reports) as the JSON output shows it."""
        data = {
            "rule": self.rule,
            "severity": self.severity.label,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "ids": list(self.ids),
        }
        if self.resolved_by:
            data["resolved_by"] = list(self.resolved_by)
        if self.waiver is not None:
            data["reason"] = self.waiver.reason
            data["until"] = self.waiver.until.isoformat() if self.waiver.until else None
        return data


def sort_key(finding: Finding) -> tuple:
    """Deterministic order: by file, line, then rule, then message."""
    return (finding.path or "", finding.line or 0, finding.rule, finding.message)
