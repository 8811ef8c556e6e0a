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
    slug: str
    tier: str
    severity: Severity
    summary: str


def _rules(*rows: tuple[str, str, str, str]) -> dict[str, Rule]:
    return {slug: Rule(slug, tier, Severity.parse(sev), text) for tier, slug, sev, text in rows}


# Stable slugs and default severities: DESIGN §5. Order is the display order.
RULES: dict[str, Rule] = _rules(
    ("structure", "frontmatter-invalid", "error", "YAML does not parse, or sits where MkDocs would not read it"),
    ("structure", "schema", "error", "wrong type or value; unknown kind or status"),
    ("structure", "unknown-key", "warning", "key not in the contract"),
    ("structure", "duplicate-id", "error", "two documents claim one id"),
    ("structure", "unresolved-reference", "error", "a reference names no document"),
    ("structure", "cycle", "error", "supersedes or depends_on loops"),
    ("contract", "version-mismatch", "error", "a live document uses a contract outside its version range"),
    ("contract", "retired-contract", "error", "a live document uses a retired (error) or deprecated (warning) contract"),
    ("contract", "assumption-violated", "error", "an assumption contradicts a fact a contract or accepted decision defines"),
    ("contract", "breaking-change", "error", "a defined fact was removed or changed without a major version bump"),
    ("semantic", "conflicting-assumptions", "warning", "two live documents assume different values for a fact nobody defines"),
    ("semantic", "conflicting-definitions", "warning", "two contracts or decisions define one fact differently"),
    ("semantic", "parallel-change", "warning", "two in-flight intents both change one contract"),
    ("strategic", "goal-conflict", "warning", "two live intents share a contract or area and pursue different goals"),
    ("decision", "relitigation", "warning", "a second decision on a question that already has an accepted answer"),
    ("decision", "supersede-mismatch", "warning", "A supersedes B but B's status says otherwise"),
    ("decision", "missing-alternatives", "warning", "an accepted decision records no alternatives"),
    ("stale", "stale-dependency", "warning", "something this document references changed after its review"),
    ("stale", "stale-code", "warning", "a path it governs changed after its review"),
    ("stale", "superseded-reference", "warning", "it references a superseded, rejected or deprecated decision"),
    ("stale", "review-overdue", "warning", "review_every has elapsed since reviewed"),
    ("stale", "shallow-history", "info", "git history is shallow or absent"),
    ("gate", "gate-missing", "error", "a document at a risk tier lacks what that tier requires"),
    ("outcome", "no-success-criteria", "warning", "an active intent states no success criteria"),
    ("outcome", "outcome-missing", "warning", "a shipped intent has no outcome after the grace period"),
    ("outcome", "outcome-missed", "info", "a recorded outcome misses its target"),
)


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
        data = {
            "rule": self.rule,
            "severity": self.severity.label if self.severity else RULES[self.rule].severity.label,
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
