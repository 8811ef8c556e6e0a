"""What the published site shows (DESIGN §8), computed from a Report; knows nothing of MkDocs.

The adapter hands in `url_of(id)`, each document's URL relative to the site root, and gets
back plain data for the generated pages, the panels, `graph.json` and `llms.txt`. Every
list is sorted, so one tree always gives the same bytes.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any, Callable

from mkdocs_coherence.check import Report
from mkdocs_coherence.core.findings import Finding, Severity
from mkdocs_coherence.core.graph import Edge
from mkdocs_coherence.core.model import Document
from mkdocs_coherence.core.values import (KINDS, STATUSES, Version, VersionRange, canonical_fact, latest_outcomes,
                                          parse_measure, parse_target)
from mkdocs_coherence.rules.catalogue import RULES

TIERS = tuple(dict.fromkeys(rule.tier for rule in RULES.values()))
CONFLICT_TIERS = ("semantic", "strategic", "decision")
NO_STATUS = "(none)"

# What to do, by tier: the finding's message says what is wrong and names the sides; this
# says how a team usually settles it.
WHAT_TO_DO = {
    "structure": "Fix the front-matter at the line shown.",
    "contract": "Align the document with the contract, or change the contract with a major version bump.",
    "semantic": "Agree on one value and write it down: define it in a contract or settle it in a decision.",
    "strategic": "Record a decision that resolves these intents, or sets priorities between the goals.",
    "decision": "Supersede the standing decision explicitly (supersedes), or withdraw the new one.",
    "stale": "Review the document against what changed, then record the review with coherence review.",
    "gate": "Add what the risk tier requires before the work proceeds, or lower the risk with a reason.",
    "outcome": "Record what was measured (outcomes), or state the success criteria.",
}
WAIVE_HINT = "To accept it knowingly, waive it on the document with `ignore:` and a reason."


def relative_url(url: str, from_url: str) -> str:
    """`url` (relative to the site root) as seen from the page at `from_url` (MkDocs' rule)."""
    dirname, _, basename = from_url.rpartition("/")
    if "." in basename:
        from_url = dirname
    source = [part for part in from_url.split("/") if part and part != "."]
    target = [part for part in url.split("/") if part and part != "."]
    common = 0
    for a, b in zip(source, target):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(source) - common) + target[common:]) or "."
    return rel + "/" if url.endswith("/") else rel


_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def slugs(ids: list[str]) -> dict[str, str]:
    """A file-name-safe, unique, stable slug per id (for `context/<slug>.md`)."""
    result: dict[str, str] = {}
    taken: set[str] = set()
    for identifier in sorted(ids):
        base = _SLUG_UNSAFE.sub("-", identifier).strip(".-") or "document"
        slug, n = base, 1
        while slug.lower() in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug.lower())
        result[identifier] = slug
    return result


def json_safe(value: Any) -> Any:
    """Front-matter values as JSON: dates as ISO strings, mappings with string keys, sorted sets."""
    if type(value) is str:  # most values: skip the checks below
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((json_safe(v) for v in value), key=str)
    if isinstance(value, (Version, VersionRange)):
        return str(value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    return str(value)


def _range_text(edge: Edge) -> str:
    return edge.range.text if edge.range is not None else ""


def one_line(text: Any, limit: int = 200) -> str:
    """Whitespace collapsed, cut at `limit` characters on a word boundary."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def category(finding: Finding) -> str:
    """error, conflict, stale, warning or info: how a panel and the conflicts page show it."""
    tier = RULES[finding.rule].tier if finding.rule in RULES else "structure"
    if finding.severity == Severity.ERROR:
        return "error"
    if tier == "stale":
        return "stale"
    if tier in CONFLICT_TIERS:
        return "conflict"
    return "info" if finding.severity == Severity.INFO else "warning"


def tier_of(finding: Finding) -> str:
    return RULES[finding.rule].tier if finding.rule in RULES else "structure"


def what_to_do(finding: Finding) -> str:
    return WHAT_TO_DO.get(tier_of(finding), "")


@dataclass
class Criterion:
    metric: str
    target: str
    baseline: str | None
    value: str | None  # the latest recorded outcome
    measured: str | None
    state: str  # met, missed, unmeasured, incomparable


@dataclass
class Outcome:
    """An intent's success criteria against its recorded outcomes."""

    criteria: list[Criterion] = field(default_factory=list)

    @property
    def state(self) -> str:
        """`none` (no criteria), `missed`, `unmeasured`, `met`, or `pending` (not shipped yet)."""
        states = {c.state for c in self.criteria}
        if not self.criteria:
            return "none"
        if "missed" in states:
            return "missed"
        if states <= {"met"}:
            return "met"
        return "unmeasured"


def outcome_of(document: Document) -> Outcome:
    latest = latest_outcomes(document.values)
    outcome = Outcome()
    for criterion in document.values.get("success", []) or []:
        if not isinstance(criterion, dict):
            continue  # invalid: the schema finding says so
        metric = str(criterion.get("metric", ""))
        recorded = latest.get(metric.strip().lower())
        value = measured = None
        state = "unmeasured"
        if recorded is not None:
            _, result = recorded
            value = str(result.get("value"))
            measured = json_safe(result.get("measured")) if result.get("measured") is not None else None
            target, measure = parse_target(criterion.get("target")), parse_measure(result.get("value"))
            verdict = target.met_by(measure) if target and measure else None
            state = "incomparable" if verdict is None else "met" if verdict else "missed"
        baseline = criterion.get("baseline")
        outcome.criteria.append(Criterion(metric, str(criterion.get("target", "")),
                                          None if baseline is None else str(baseline), value,
                                          None if measured is None else str(measured), state))
    return outcome


# The findings that say whether a consumer's reliance on a contract holds (the catalogue).
RELIANCE_RULES = ("assumption-violated", "undefined-assumption", "version-mismatch")


@dataclass
class Consumer:
    """One document relying on a contract, as the catalogue shows it: how, which version ranges
    it pins, and whether each assumption it makes about the contract's facts holds."""

    id: str
    how: list[str]  # uses, changes, depends_on, assumes, ... (each once)
    ranges: list[str]  # the version ranges it pins
    pin: bool | None  # every pin contains the contract's version; None: nothing pinned
    assumptions: list[tuple[str, str]]  # (fact, holds | violated | undefined), by fact
    findings: list[Finding]  # the reliance findings naming this consumer and the contract

    @property
    def state(self) -> str:
        """broken (a violated assumption or a pin outside the version), undefined (an assumption
        nothing defines any more), or holds."""
        states = {state for _, state in self.assumptions}
        if "violated" in states or self.pin is False or any(f.rule != "undefined-assumption" for f in self.findings):
            return "broken"
        if "undefined" in states or self.findings:
            return "undefined"
        return "holds"

    @property
    def verdict(self) -> str:
        """The state in words: what is wrong first."""
        states = {state for _, state in self.assumptions}
        if "violated" in states or any(f.rule == "assumption-violated" for f in self.findings):
            return "assumption violated"
        if self.pin is False:
            return "version mismatch"
        if "undefined" in states or self.findings:
            return "assumes an undefined fact"
        return "holds"


@dataclass
class DecisionFilters:
    statuses: list[str]
    people: list[str]
    decides: list[str]


class SiteModel:
    """Everything the generated pages need, computed once per build."""

    def __init__(self, report: Report, url_of: Callable[[str], str | None], today: date | None = None):
        self.report = report
        self.graph = report.graph
        self._url_of = url_of
        everything = sorted(report.graph.index.values(), key=lambda d: (d.kind, d.id))
        self.documents: list[Document] = [d for d in everything if d.external is None]
        # Imported from other projects (`imports`): shown in the graph and the catalogue, marked
        # external and linked to their owners' site, never rendered as pages here.
        self.external: list[Document] = [d for d in everything if d.external is not None]
        self.by_id = report.graph.index
        self.by_rel = {d.rel: d for d in self.documents}
        self.edges: list[Edge] = sorted(
            (edge for _, _, edge in report.graph.edges()),  # networkx's order, without networkx
            key=lambda e: (e.source, e.target, e.type, e.fact or "", _range_text(e), e.line or 0))
        self.out_edges: dict[str, list[Edge]] = defaultdict(list)
        self.in_edges: dict[str, list[Edge]] = defaultdict(list)
        for edge in self.edges:
            self.out_edges[edge.source].append(edge)
            self.in_edges[edge.target].append(edge)
        self.slugs = slugs([d.id for d in self.documents])  # context bundles: this project's documents
        self.outcomes = {d.id: outcome_of(d) for d in self.documents if d.kind == "intent"}
        self._reliance: dict[tuple[str, str], list[Finding]] | None = None

    # --- documents ----------------------------------------------------------------------

    def url(self, document_id: str) -> str | None:
        document = self.by_id.get(document_id)
        if document is not None and document.external is not None:
            return document.external.url  # the owners' page (absolute), or None
        return self._url_of(document_id)

    def catalogue(self) -> list[Document]:
        """The contract catalogue: this project's contracts, then the imported ones it relies on."""
        return (sorted(self.of_kind("contract"), key=lambda d: d.id)
                + [d for d in self.external if d.kind == "contract" and self.in_edges[d.id]])

    def status(self, document: Document) -> str:
        return self.graph.effective_status(document) or NO_STATUS

    def of_kind(self, kind: str) -> list[Document]:
        return [d for d in self.documents if d.kind == kind]

    def summary(self, document: Document) -> str:
        """One line about a document, for llms.txt and the graph's tooltips."""
        values = document.values
        for key in ("why",):
            if values.get(key):
                return one_line(values[key])
        if document.kind == "contract":
            facts = ", ".join(sorted(document.defines)[:6])
            version = f"version {values['version']}" if values.get("version") else "unversioned"
            return one_line(f"{values.get('type') or 'contract'}, {version}" + (f"; defines {facts}" if facts else ""))
        if document.kind == "decision":
            parts = []
            if values.get("decides"):
                parts.append(f"decides {values['decides']}")
            if values.get("date"):
                parts.append(f"on {json_safe(values['date'])}")
            if values.get("affects"):
                parts.append("affects " + ", ".join(str(a) for a in values["affects"]))
            if parts:
                return one_line("; ".join(parts))
        return one_line(document.title)

    # --- counts and findings ------------------------------------------------------------

    def counts(self) -> list[tuple[str, int, list[tuple[str, int]]]]:
        """(kind, total, [(status, count)]) with the statuses in lifecycle order."""
        rows = []
        for kind in KINDS:
            documents = self.of_kind(kind)
            counter = Counter(self.status(d) for d in documents)
            order = list(STATUSES[kind]) + sorted(s for s in counter if s not in STATUSES[kind])
            rows.append((kind, len(documents), [(s, counter[s]) for s in order if counter[s]]))
        return rows

    def statuses(self) -> list[str]:
        seen = {self.status(d) for d in self.documents}
        ordered = [s for kind in KINDS for s in STATUSES[kind]] + [NO_STATUS]
        return [s for s in dict.fromkeys(ordered) if s in seen] + sorted(seen - set(ordered))

    def by_tier(self, findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
        grouped: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            grouped[tier_of(finding)].append(finding)
        return [(tier, grouped[tier]) for tier in TIERS if grouped.get(tier)]

    def stale(self) -> list[tuple[Document | None, list[Finding]]]:
        """Documents with stale-tier findings, each with its findings; documents sorted by id."""
        grouped: dict[str, list[Finding]] = defaultdict(list)
        for finding in self.report.findings:
            if tier_of(finding) == "stale":
                owner = next((i for i in finding.ids if i in self.by_id), None) or self._id_at(finding.path)
                grouped[owner or ""].append(finding)
        return [(self.by_id.get(key), grouped[key]) for key in sorted(grouped)]

    def _id_at(self, path: str | None) -> str | None:
        document = self.by_rel.get(path)  # a dict, not a scan: one per stale finding
        return document.id if document is not None else None

    def scoreboard(self) -> dict[str, int]:
        """Success criteria of shipped intents: met, missed, unmeasured (incomparable counted apart)."""
        board = Counter()
        for document in self.of_kind("intent"):
            if document.status != "shipped":
                continue
            for criterion in self.outcomes[document.id].criteria:
                board[criterion.state] += 1
        return {state: board[state] for state in ("met", "missed", "unmeasured", "incomparable")}

    def intent_state(self, document: Document) -> str:
        outcome = self.outcomes[document.id]
        if document.status in ("draft", "active", None) and outcome.state != "none":
            return "not shipped"
        if document.status == "abandoned":
            return "abandoned"
        return outcome.state

    # --- decisions and contracts -------------------------------------------------------

    def decisions(self) -> list[Document]:
        def number(document: Document) -> tuple:
            match = re.match(r"^ADR-(\d+)$", document.id)
            return (0, int(match.group(1)), document.id) if match else (1, 0, document.id)

        return sorted(self.of_kind("decision"), key=number)

    def supersedes(self, document: Document) -> list[str]:
        return sorted({e.target for e in self.out_edges[document.id] if e.type == "supersedes"})

    def superseded_by(self, document: Document) -> list[str]:
        return sorted({e.source for e in self.in_edges[document.id] if e.type == "supersedes"})

    @staticmethod
    def people(document: Document) -> list[str]:
        """Who owns or decided a decision (owners, then deciders), each once, for the log's filter."""
        deciders = document.values.get("deciders") or []
        deciders = [deciders] if isinstance(deciders, str) else deciders if isinstance(deciders, list) else []
        return list(dict.fromkeys(str(p) for p in [*document.owners, *deciders] if p is not None and str(p).strip()))

    @staticmethod
    def decides_of(document: Document) -> str | None:
        value = document.values.get("decides")
        return value if isinstance(value, str) and value.strip() else None

    def decision_filters(self) -> DecisionFilters:
        """The choices of the decision log's filters: statuses in lifecycle order, people and
        `decides` keys sorted."""
        decisions = self.decisions()
        seen = {self.status(d) for d in decisions}
        return DecisionFilters([s for s in self.statuses() if s in seen],
                               sorted({p for d in decisions for p in self.people(d)}, key=str.lower),
                               sorted({k for d in decisions if (k := self.decides_of(d))}, key=str.lower))

    @staticmethod
    def json_list(values: list[str]) -> str:
        """A list as JSON text (for a data attribute: the page escapes it like any text)."""
        return json.dumps(list(values), ensure_ascii=False)

    @staticmethod
    def date_of(document: Document) -> str | None:
        """A decision's date as ISO text (YYYY-MM-DD), or None when it has none that reads as a date."""
        value = document.values.get("date")
        return value.isoformat()[:10] if isinstance(value, (date, datetime)) else None

    def timeline(self) -> list[tuple[str, list[Document]]]:
        """Decisions by date, newest first, grouped by year; the undated last (under "undated")."""
        dated = sorted((d for d in self.decisions() if self.date_of(d)), key=lambda d: (self.date_of(d), d.id),
                       reverse=True)
        groups: dict[str, list[Document]] = {}
        for document in dated:
            groups.setdefault(self.date_of(document)[:4], []).append(document)
        undated = [d for d in self.decisions() if not self.date_of(d)]
        return list(groups.items()) + ([("undated", undated)] if undated else [])

    def chains(self, limit: int = 200) -> list[list[str]]:
        """Supersession chains, oldest first: [A, B, C] when B supersedes A and C supersedes B.
        One chain per path from a decision nothing older precedes to one nothing newer supersedes
        (a decision superseded twice starts two chains); at most `limit`. A loop is the cycle
        rule's to report: it is cut where it closes."""
        decisions = {d.id for d in self.of_kind("decision")}
        newer = {i: [n for n in self.superseded_by(self.by_id[i]) if n in decisions] for i in decisions}
        older = {i: [o for o in self.supersedes(self.by_id[i]) if o in decisions] for i in decisions}
        roots = sorted((i for i in decisions if newer[i] and not older[i]), key=self._decision_order)
        chains: list[list[str]] = []
        for root in roots:
            stack = [[root]]
            while stack and len(chains) < limit:
                path = stack.pop()
                following = [n for n in newer[path[-1]] if n not in path]
                if not following:
                    chains.append(path)
                stack.extend(path + [n] for n in sorted(following, key=self._decision_order, reverse=True))
        return chains

    def _decision_order(self, document_id: str) -> tuple:
        match = re.match(r"^ADR-(\d+)$", document_id)
        return (0, int(match.group(1)), document_id) if match else (1, 0, document_id)

    def consumers(self, contract: Document) -> list[Edge]:
        """Edges into a contract from the documents that rely on it, with the ranges they pin."""
        return sorted(self.in_edges[contract.id], key=lambda e: (e.source, e.type, e.fact or "", _range_text(e)))

    def reliance_findings(self) -> dict[tuple[str, str], list[Finding]]:
        """(consumer id, contract id) -> the reliance findings naming both, computed once."""
        if self._reliance is None:
            self._reliance = defaultdict(list)
            for finding in self.report.findings:
                if finding.rule in RELIANCE_RULES and finding.ids:
                    for other in dict.fromkeys(finding.ids[1:]):
                        self._reliance[finding.ids[0], other].append(finding)
        return self._reliance

    def consumer_rows(self, contract: Document, limit: int | None = None) -> list[Consumer]:
        """One row per document relying on `contract`, sorted by id: what the catalogue shows
        (the first `limit` of them; `consumer_count` says how many there are)."""
        edges: dict[str, list[Edge]] = defaultdict(list)
        for edge in self.consumers(contract):
            edges[edge.source].append(edge)
        rows = []
        for source, own in islice(edges.items(), limit):
            consumer = self.by_id.get(source)
            findings = self.reliance_findings().get((source, contract.id), [])
            lines = {f.line: f.rule for f in findings if f.rule != "version-mismatch" and f.line is not None}
            assumed = {e.fact for e in own if e.fact}
            if consumer is not None:  # an assumption nothing defines has no edge: its finding names the contract
                assumed |= {fact for fact in consumer.assumes if lines.get(consumer.line("assumes", fact))
                            == "undefined-assumption"}
            assumptions = []
            for fact in sorted(assumed):
                if fact not in contract.defines:
                    state = "undefined"
                elif consumer is not None and canonical_fact(consumer.assumes.get(fact)) != \
                        canonical_fact(contract.defines[fact]):
                    state = "violated"  # said by the value itself: true whether the finding is waived or not
                else:
                    state = "holds"
                assumptions.append((fact, state))
            pins = [self.pin_ok(e) for e in own if e.range is not None]
            pin = None if not pins or None in pins else all(pins)
            if any(f.rule == "version-mismatch" for f in findings):
                pin = False
            how = sorted(dict.fromkeys(e.type for e in own), key=lambda t: (t == "assumes", t))  # what it states first
            rows.append(Consumer(source, how,
                                 list(dict.fromkeys(e.range.text for e in own if e.range is not None)),
                                 pin, assumptions, findings))
        return rows

    def consumer_count(self, contract: Document) -> int:
        """How many documents rely on `contract`: as many as `consumer_rows` has rows."""
        return len({edge.source for edge in self.in_edges[contract.id]})

    def pin_ok(self, edge: Edge) -> bool | None:
        """Does the range a consumer pins contain the contract's version? None if unknowable."""
        target = self.by_id.get(edge.target)
        return edge.matches(target.version) if target is not None else None

    @staticmethod
    def fact(value: Any) -> str:
        from mkdocs_coherence.core.values import show_fact

        return show_fact(value) if not isinstance(value, dict) else one_line(json_safe(value))

    def findings_about(self, document: Document) -> tuple[list[Finding], list[Finding], list[Finding]]:
        return self.report.about(document)
