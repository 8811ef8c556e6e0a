"""Run a check: load the tree, validate, build the graph, run every rule, grade and waive."""

from __future__ import annotations

import gc
import os
import traceback
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from mkdocs_coherence.core.adr_formats import is_decision_record
from mkdocs_coherence.core.config import Settings
from mkdocs_coherence.core.findings import Finding, Severity, sort_key
from mkdocs_coherence.core.graph import Graph, build_graph
from mkdocs_coherence.core.loader import SourceCache, iter_markdown, read_source
from mkdocs_coherence.core.model import Corpus, Document
from mkdocs_coherence.rules import Context, all_rules
from mkdocs_coherence.core.schema import build_document


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


def _folder_kind(path: Path, folders: list[tuple[str, str]]) -> str | None:
    """The kind of the most specific configured folder (given as `folder + os.sep`) containing `path`."""
    text = str(path)
    for prefix, kind in folders:
        if text.startswith(prefix):
            return kind
    return None


def discover(settings: Settings) -> list[Path]:
    """Every Markdown file under docs_dir and the configured folders, once each, sorted."""
    roots = [settings.docs_dir] + [f for f in settings.folders if not f.is_relative_to(settings.docs_dir)]
    seen: dict[str, Path] = {}
    for root in roots:
        if root.is_dir():
            for path in iter_markdown(root):
                seen.setdefault(os.path.normcase(path), path)
    # In Path order (part by part), but comparing split strings: Path comparisons would cost
    # as much as walking the folders.
    return [seen[key] for key in sorted(seen, key=lambda key: key.split(os.sep))]


def load_corpus(settings: Settings, paths: list[Path] | None = None, cache: SourceCache | None = None) -> Corpus:
    """Read and validate every file; with `cache`, unchanged files are not read again."""
    folders = sorted(((str(folder) + os.sep, kind) for folder, kind in settings.folders.items()),
                     key=lambda item: len(item[0]), reverse=True)
    corpus = Corpus()
    for path in discover(settings) if paths is None else paths:
        corpus.sources += 1
        rel = settings.relpath(path)
        try:
            document, findings, readable = _load_one(path, rel, _folder_kind(path, folders), settings, cache)
        except Exception as error:  # one file must never stop the others from being checked
            where = traceback.extract_tb(error.__traceback__)[-1]
            document, readable = None, False
            findings = [Finding("frontmatter-invalid", f"could not be checked: {type(error).__name__} in "
                                f"{Path(where.filename).name}:{where.lineno}; please report it — the other files "
                                "were checked normally", rel, None)]
        corpus.findings.extend(findings)
        if not readable:
            corpus.unreadable.append(rel)
        elif document is not None:
            corpus.documents.append(document)
    return corpus


def _load_one(path: Path, rel: str, kind: str | None, settings: Settings,
              cache: SourceCache | None = None) -> tuple[Document | None, list[Finding], bool]:
    """(document or None, findings, readable) for one file."""
    if os.path.islink(path) and not settings.inside(path):
        # A link out of the repository (to ~/.ssh, /etc, ...): never read, never published.
        return None, [Finding("frontmatter-invalid", "is a symbolic link to a file outside the repository; it is not "
                              "followed, read or published — copy the file into the repository instead", rel, None)], False
    read = cache.read if cache is not None else read_source
    source = read(path, rel, expect_document=kind is not None, limits=settings.limits)
    if not source.readable:
        return None, source.findings, False
    kind = kind or source.kind_hint  # front-matter that did not parse still names its kind
    if kind == "decision" and not is_decision_record(path, source.meta):  # a README, index or template
        return None, source.findings, True
    if not (source.has_frontmatter or kind is not None):
        return None, source.findings, True
    document, findings = build_document(source, kind, settings.gates, settings.reading)
    if document is not None:
        findings += _escaping_globs(document, settings)
    return document, source.findings + findings, True


def _escaping_globs(document: Document, settings: Settings) -> list[Finding]:
    """`governs` globs are relative to mkdocs.yml and must stay in the repository."""
    findings = []
    root = settings.repository
    for index, pattern in enumerate(document.values.get("governs", [])):
        where = os.path.normpath(os.path.join(settings.config_dir, pattern.lstrip("/")))
        if not (where == str(root) or where.startswith(str(root).rstrip(os.sep) + os.sep)):
            findings.append(Finding(
                "schema", f"governs `{pattern}` points outside the repository; globs are relative to mkdocs.yml and "
                "only match files of this repository — write a path inside it", document.rel,
                document.line("governs", index) or document.line("governs"), (document.id,)))
    return findings


def _run_rules(context: Context, extra_rules=()) -> tuple[list[Finding], list[str]]:
    """All findings, plus the slugs of rules that crashed (their answer is unknown)."""
    findings: list[Finding] = []
    crashed: list[str] = []
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
def collector_paused():
    """A check builds hundreds of thousands of small, acyclic objects that all live until it
    ends; the cycle collector's full passes over that growing heap cost about 40% of a large
    check and free nothing. Paused for the check, restored after (also on error)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check(settings: Settings, *, today: date | None = None, extra_rules=(), cache: SourceCache | None = None) -> Report:
    """Check the tree. `extra_rules`: (family, function) pairs run after the built-in rules, as
    they are (a function named `my_rule` reports as `my-rule`); the test suite uses it to prove
    that a crashing rule is reported and the rest still runs."""
    today = today or date.today()
    with collector_paused():
        corpus = load_corpus(settings, cache=cache)
        graph = build_graph(corpus)
        rule_findings, crashed = _run_rules(Context(corpus, graph, settings, today), extra_rules)
        by_path = {document.rel: document for document in corpus.documents}
        active, waived, resolved = _grade_and_waive(corpus.findings + rule_findings, settings, by_path, today)
    return Report(corpus, graph, active, waived, crashed, resolved)
