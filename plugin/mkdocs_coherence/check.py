"""Run a check: load the tree, validate, build the graph, run every rule, grade and waive.
Decide whether it passes (for `mkdocs build` and `coherence check` alike), and compare it with
the check of a base revision (`check --new-only`)."""

from __future__ import annotations

import dataclasses
import gc
import traceback
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, Iterator

from mkdocs_coherence.core.findings import Finding, Severity, sort_key

# The package's face re-exports `check` and `Report`, and `coherence --help` imports the package:
# what a check needs (YAML, the loader, the graph, the rules) is imported when a check runs.
if TYPE_CHECKING:
    from mkdocs_coherence.core.config import Settings
    from mkdocs_coherence.core.graph import Graph
    from mkdocs_coherence.core.loader.reading import SourceCache
    from mkdocs_coherence.core.model import Corpus, Document
    from mkdocs_coherence.rules import Context

THRESHOLDS = {"error": Severity.ERROR, "warning": Severity.WARNING}  # fail_on -> least severe failing
MAX_SUMMARY_LINES = 50  # findings a failed build lists; `coherence check` shows them all


class Verdict(Enum):
    PASSING = "passing"
    FAILING = "failing"  # a finding at or above the fail_on threshold
    UNKNOWN = "unknown"  # a file could not be read or a rule crashed


@dataclass
class Report:
    corpus: Corpus
    graph: Graph
    findings: list[Finding] = field(default_factory=list)  # graded, active
    waived: list[Finding] = field(default_factory=list)
    crashed_rules: list[str] = field(default_factory=list)
    resolved: list[Finding] = field(default_factory=list)  # conflicts a decision settled

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity)

    @property
    def incomplete(self) -> bool:
        """A file could not be read or a rule crashed: the answer is unknown, never 'clean'."""
        return bool(self.corpus.unreadable or self.crashed_rules)

    def failing(self, fail_on: str) -> list[Finding]:
        """The findings at or above `fail_on` (`error`, `warning`; `never`: none)."""
        threshold = THRESHOLDS.get(fail_on)
        return [] if threshold is None else [f for f in self.findings if f.severity >= threshold]

    def verdict(self, fail_on: str) -> Verdict:
        """Whether the check passes with `fail_on` as the threshold; `never` always passes."""
        if fail_on == "never":
            return Verdict.PASSING
        if self.incomplete:
            return Verdict.UNKNOWN
        return Verdict.FAILING if self.failing(fail_on) else Verdict.PASSING

    def log_lines(self) -> Iterator[tuple[Severity, str]]:
        """What a build logs: each finding at its severity, each waived one as info."""
        for finding in self.findings:
            yield finding.severity, f"{finding.rule}: {finding.location}: {finding.message}"
        for finding in self.waived:
            reason = f" ({finding.waiver.reason})" if finding.waiver.reason else ""
            yield Severity.INFO, f"waived {finding.rule}: {finding.location}: {finding.message}{reason}"

    def failure_summary(self, fail_on: str) -> str:
        """Why the build fails: the counts and the first failing findings."""
        failing = self.failing(fail_on)
        lines = [f"  {f.rule}: {f.location}: {f.message}" for f in failing[:MAX_SUMMARY_LINES]]
        if len(failing) > MAX_SUMMARY_LINES:
            lines.append(f"  … and {len(failing) - MAX_SUMMARY_LINES} more (run `coherence check`)")
        if self.incomplete:  # the answer is unknown: say what was not read, whatever the findings
            unread = ", ".join(self.corpus.unreadable[:MAX_SUMMARY_LINES]) or "-"
            crashed = f"; rules that crashed: {', '.join(self.crashed_rules)}" if self.crashed_rules else ""
            lines.insert(0, f"  INCOMPLETE: not read: {unread}{crashed}")
        return (f"coherence: {self.count(Severity.ERROR)} errors, {self.count(Severity.WARNING)} warnings "
                f"in {len(self.corpus.documents)} documents; the build fails on {fail_on}s "
                "(option fail_on)" + (" and when something could not be read" if self.incomplete else "")
                + ":\n" + "\n".join(lines))

    def about(self, document: Document) -> tuple[list[Finding], list[Finding], list[Finding]]:
        """(active, waived, resolved) findings located in the document's file or naming its id."""
        index = self._index
        picked = []
        for group in ("active", "waived", "resolved"):
            # By identity: a finding's own hash covers every id it names (hundreds, for a hub).
            seen = {id(f): f for f in index[group].get(document.rel, []) + index[group].get(document.id, [])}
            picked.append(list(seen.values()))
        return picked[0], picked[1], picked[2]

    @cached_property
    def _index(self) -> dict[str, dict[str, list[Finding]]]:
        """Findings by path and by every id they name: one pass, so panels stay linear."""
        index: dict[str, dict[str, list[Finding]]] = {}
        for group, findings in (("active", self.findings), ("waived", self.waived), ("resolved", self.resolved)):
            by_key: dict[str, list[Finding]] = defaultdict(list)
            for finding in findings:
                for key in dict.fromkeys((finding.path or "", *finding.ids)):
                    by_key[key].append(finding)
            index[group] = by_key
        return index


def _run_rules(context: Context, extra_rules=()) -> tuple[list[Finding], list[str]]:
    """All findings, plus the slugs of rules that crashed (their answer is unknown)."""
    findings: list[Finding] = []
    crashed: list[str] = []
    from mkdocs_coherence.rules import all_rules

    for family, rule in [*all_rules(), *extra_rules]:
        slug = rule.__name__.replace("_", "-")
        if context.settings.severity_of(slug) is None:
            continue  # switched off: not worth the time
        try:
            findings.extend(rule(context))
        except Exception as error:  # one broken rule must not hide the others' findings
            where = traceback.extract_tb(error.__traceback__)[-1]
            crashed.append(slug)
            findings.append(Finding(
                slug, f"rule {slug} crashed ({type(error).__name__} at {family}.py:{where.lineno}) and could "
                "not check this tree; please report it — the other rules ran normally",
                severity=Severity.ERROR))
    return findings, crashed


def _grade_and_waive(findings: list[Finding], settings: Settings, documents: dict[str, Document],
                     today: date) -> tuple[list[Finding], list[Finding], list[Finding]]:
    active, waived, resolved = [], [], []
    for finding in findings:
        severity = settings.severities.get(finding.rule, finding.severity or settings.severity_of(finding.rule))
        if severity is None:
            continue  # rule switched off
        finding = finding.graded(severity)
        if finding.resolved_by:
            resolved.append(finding)
            continue
        document = documents.get(finding.path or "")
        waiver = next((w for w in document.waivers if w.rule == finding.rule), None) if document else None
        if waiver is None:
            active.append(finding)
        elif waiver.until is not None and waiver.until < today:
            reason = f": {waiver.reason}" if waiver.reason else ""
            active.append(Finding(finding.rule, f"{finding.message} (waiver expired {waiver.until.isoformat()}{reason})",
                                  finding.path, finding.line, finding.ids, severity))
        else:
            waived.append(Finding(finding.rule, finding.message, finding.path, finding.line, finding.ids,
                                  severity, waiver))
    return sorted(active, key=sort_key), sorted(waived, key=sort_key), sorted(resolved, key=sort_key)


@contextmanager
def collector_paused(freeze: bool = False):
    """A check builds hundreds of thousands of small, acyclic objects that all live until it
    ends; the cycle collector's full passes over that growing heap cost about 40% of a large
    check and free nothing. Paused for the check, restored after (also on error).

    `freeze`: what exists when the pause ends is frozen (`gc.freeze`) before the collector
    resumes; else its first passes walk every object the check made and free none (0.4–0.5 s
    at 10,000 documents). For a process that ends after the check, or a caller that thaws
    (`gc.unfreeze`) once those objects may die."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if freeze:
                gc.freeze()
            gc.enable()


def check(settings: Settings, *, today: date | None = None, extra_rules=(), cache: SourceCache | None = None,
          freeze: bool = False) -> Report:
    """Check the tree. `extra_rules`: (family, function) pairs run after the built-in rules, as
    they are (a function named `my_rule` reports as `my-rule`); the test suite uses it to prove
    that a crashing rule is reported and the rest still runs. `freeze`: see `collector_paused`
    (`coherence check`, whose process ends with the check)."""
    from mkdocs_coherence.core.corpus import load_corpus
    from mkdocs_coherence.core.graph import build_graph
    from mkdocs_coherence.rules import Context

    today = today or date.today()
    with collector_paused(freeze):
        corpus = load_corpus(settings, cache=cache)
        graph = build_graph(corpus)
        rule_findings, crashed = _run_rules(Context(corpus, graph, settings, today), extra_rules)
        if corpus.external:  # imported documents are read-only: their own problems are their owners'
            from mkdocs_coherence.core.imports import keep_local

            rule_findings = keep_local(rule_findings, corpus)
        by_path = {document.rel: document for document in corpus.documents}
        active, waived, resolved = _grade_and_waive(corpus.findings + rule_findings, settings, by_path, today)
    return Report(corpus, graph, active, waived, crashed, resolved)


# --- the base revision (`check --base REV --new-only`) -----------------------------------

def base_problem(settings: Settings, new_only: bool) -> str | None:
    """Why the base cannot be used (None when it can, or when none is asked for)."""
    if new_only and not settings.base:
        return "--new-only needs a base revision: pass --base REV (or set the `base` option or COHERENCE_BASE)"
    if not settings.base:
        return None
    from mkdocs_coherence.core.numbering import BaseUnreadable, verify_base

    try:
        verify_base(settings, settings.base)
    except BaseUnreadable as error:
        return (f"base revision '{settings.base}' cannot be read ({error}); in CI, check out with full history "
                "(actions/checkout with fetch-depth: 0) and name a branch that exists, e.g. origin/main")
    return None


def report_at(settings: Settings, revision: str, today: date | None = None) -> Report | None:
    """The report of the same project as the base revision itself gives it: checked in a
    temporary work tree of `revision`, with that revision's own history (the same rules, the
    same staleness), on the same day. None when it had no mkdocs.yml there. GitError when git
    cannot give that revision."""
    import shutil

    from mkdocs_coherence.core.config import read_mkdocs_yml
    from mkdocs_coherence.core.git import checked_out, toplevel

    top = toplevel(settings.config_dir)
    config_rel = settings.config_dir.resolve().relative_to(top)
    names = tuple(dict.fromkeys((settings.config_file.name if settings.config_file else "mkdocs.yml",
                                 "mkdocs.yml", "mkdocs.yaml")))
    with checked_out(top, revision) as tree:
        root = tree / config_rel
        config = next((root / n for n in names if (root / n).is_file()), None)
        if config is None:
            return None
        cache = settings.config_dir / ".cache" / "coherence"  # fingerprints by blob id: valid for any revision
        if cache.is_dir():
            shutil.copytree(cache, root / ".cache" / "coherence", dirs_exist_ok=True)
        base_settings = dataclasses.replace(read_mkdocs_yml(config, settings.catalogue), base=None)
        return check(base_settings, today=today)


def finding_key(finding: Finding) -> tuple:
    """What makes a finding the same one on the base and on the change: its rule, its file and
    the documents it names, not its wording (a message names versions and dates that move)."""
    return (finding.rule, finding.path or "", tuple(sorted(finding.ids)))


def only_new(report: Report, settings: Settings, today: date | None = None) -> Report:
    """The report limited to findings the base revision does not itself report (matched by
    `finding_key`, as many times as the base has them). GitError when the base cannot be read."""
    base = report_at(settings, settings.base, today)
    if base is None:
        return report
    seen = Counter(finding_key(f) for f in base.findings + base.waived + base.resolved)

    def fresh(findings: list[Finding]) -> list[Finding]:
        kept = []
        for finding in findings:
            key = finding_key(finding)
            if seen[key] > 0:
                seen[key] -= 1
            else:
                kept.append(finding)
        return kept

    return dataclasses.replace(report, findings=fresh(report.findings), waived=fresh(report.waived),
                               resolved=fresh(report.resolved))
