"""The rule registry: a rule declares its slug, tier, default severity and documentation
where it is defined, the way ruff keeps a rule's code, metadata and docs in one file.

    family = Family("contract")

    @family.rule(Severity.ERROR)
    def version_mismatch(ctx: Context) -> Iterator[Finding]:
        \"\"\"a live document uses a contract outside its version range

        What it does: ...

        What to do: ...
        \"\"\"

The slug is the function's name with `_` → `-`; the docstring's first line is the one-line
summary (SARIF, the site), the rest is the rules reference. Findings that the loader or the
check pipeline emit have no runner here, but are declared all the same (`family.emitted`), so
that every slug a finding can carry is documented, gradeable in `rules:` and waivable.

Everything else is read from these declarations: `RULES` in `catalogue.py` (what the settings
and the schema validate against, handed down into core by the callers), the order the check
runs rules in, and `docs/reference/rules.md` (`python -m mkdocs_coherence.rules.reference`).
A reserved slug of a rule not yet built is declared with `family.planned`.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Iterator

from mkdocs_coherence.core.findings import Finding, Rule, Severity

if TYPE_CHECKING:
    from mkdocs_coherence.rules import Context

RuleFunction = Callable[["Context"], Iterator[Finding]]

# One module per family, in run and display order. A new rule goes into its family's module;
# only a new family is added here.
FAMILIES = ("structure", "imports", "contract", "breaking", "semantic", "strategic", "decision", "stale", "gate",
            "outcome")

# The sections of a rule's docstring after its summary line: the reference page's columns.
SECTIONS = ("What it does", "What to do")


@dataclass(frozen=True)
class Declaration:
    """One rule as declared: what core reads (`rule`) and what the reference page shows."""

    rule: Rule
    doc: str  # the docstring without its summary line
    runner: RuleFunction | None = None  # None: emitted by the loader or the check pipeline
    emitted_by: str | None = None
    planned: bool = False  # a reserved slug: accepted in `rules:` and `ignore:`, never fires yet
    lower: Severity | None = None  # some of its findings are graded lower (deprecated vs retired)

    @property
    def slug(self) -> str:
        return self.rule.slug

    @property
    def default_label(self) -> str:
        """"error", or "error / warning" for a rule that grades some findings lower."""
        default = self.rule.severity.label
        return f"{default} / {self.lower.label}" if self.lower else default

    def section(self, title: str) -> str:
        """The text of one documentation section ("What it does: ..."), joined into one line."""
        return " ".join(_sections(self.doc).get(title, "").split())


class Family:
    """The rules one module declares, in the order it declares them."""

    def __init__(self, tier: str, *, notes: str = "") -> None:
        self.tier = tier
        self.notes = notes.strip()  # Markdown sections for the reference page, after the rule tables
        self.declarations: list[Declaration] = []

    def rule(self, severity: Severity, *, lower: Severity | None = None) -> Callable[[RuleFunction], RuleFunction]:
        """Decorator: the function is the rule `its-name`, documented by its docstring."""

        def declare(function: RuleFunction) -> RuleFunction:
            self._declare(function.__name__.replace("_", "-"), severity, function.__doc__, runner=function,
                          lower=lower)
            return function  # unwrapped: a crash report points at the rule's own line

        return declare

    def emitted(self, slug: str, severity: Severity, *, by: str, doc: str, lower: Severity | None = None) -> None:
        """A rule whose findings come from elsewhere (`by`: the loader, the check pipeline)."""
        self._declare(slug, severity, doc, emitted_by=by, lower=lower)

    def planned(self, slug: str, severity: Severity, *, doc: str) -> None:
        """A reserved slug: configurations naming it keep working when it ships."""
        self._declare(slug, severity, doc, planned=True)

    def _declare(self, slug: str, severity: Severity, doc: str | None, **extra) -> None:
        summary, _, body = inspect.cleandoc(doc or "").partition("\n")
        if not summary.strip():
            raise ValueError(f"rule {slug}: the docstring's first line must say when it fires")
        unknown = set(_sections(body)) - set(SECTIONS)
        if unknown:
            raise ValueError(f"rule {slug}: unknown documentation section {sorted(unknown)}; use {SECTIONS}")
        self.declarations.append(Declaration(Rule(slug, self.tier, severity, summary.strip()), body.strip(), **extra))


def _sections(body: str) -> dict[str, str]:
    """"Title: text" paragraphs of a docstring by title; a paragraph without a title continues
    the section before it."""
    sections: dict[str, str] = {}
    current = None
    for paragraph in body.split("\n\n"):
        title, colon, text = paragraph.partition(":")
        if colon and "\n" not in title and title.strip() and title.strip()[0].isupper():
            current = title.strip()
            sections[current] = text.strip()
        elif current is not None:
            sections[current] += "\n\n" + paragraph.strip()
    return sections


@lru_cache(maxsize=1)
def families() -> tuple[tuple[str, Family], ...]:
    """(module name, family) per family module, in order."""
    return tuple((name, importlib.import_module(f"mkdocs_coherence.rules.{name}").family) for name in FAMILIES)


def declarations() -> list[Declaration]:
    """Every declared rule in display order: family by family, as each module declares them."""
    return [declaration for _, family in families() for declaration in family.declarations]


def runners() -> list[tuple[str, RuleFunction]]:
    """(family module, function) for every rule with a runner, in run order."""
    return [(name, declaration.runner) for name, family in families()
            for declaration in family.declarations if declaration.runner is not None]
