"""The context bundle of one document: what someone, or an AI tool, needs before working on it.

`coherence context ID` prints it and the site publishes it as `context/<id>.md`, byte for
byte the same (DESIGN §8, §9): the document itself, the contracts it uses or changes with
their facts and invariants, the standing decisions that affect them, and open findings.
Plain Markdown with no links into the site, so it reads the same anywhere.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mkdocs_coherence.check import Report
from mkdocs_coherence.core.findings import Finding
from mkdocs_coherence.core.loader.reading import SourceCache
from mkdocs_coherence.core.model import Document
from mkdocs_coherence.site.escape import markdown_code, markdown_fence, plain_markdown
from mkdocs_coherence.site.model import json_safe, one_line
from mkdocs_coherence.core.values import show_fact

CONTRACT_EDGES = ("uses", "changes", "depends_on", "assumes")
DEFAULT_MAX_TOKENS = 8000  # a bundle fits an 8k-token budget unless asked otherwise
DECISION_TEXT_LIMIT = 600  # characters of a decision's "Decision" section a bundle quotes
DECISION_HEADING = re.compile(r"^#{2,3}[ \t]+(?:the[ \t]+)?decision(?:[ \t]+outcome)?[ \t]*#*[ \t]*$", re.I | re.M)
NEXT_HEADING = re.compile(r"^#{1,3}[ \t]", re.M)


def decision_text(body: str, limit: int = DECISION_TEXT_LIMIT) -> str:
    """What a decision decided: its "Decision" (or "Decision Outcome") section, else the first
    paragraph after the title, as one line of at most `limit` characters ('' when none)."""
    found = DECISION_HEADING.search(body)
    if found:
        rest = body[found.end():]
        following = NEXT_HEADING.search(rest)
        section = rest[:following.start()] if following else rest
    else:
        paragraphs = [p for p in re.split(r"\n[ \t]*\n", body) if p.strip() and not p.lstrip().startswith("#")]
        section = paragraphs[0] if paragraphs else ""
    flat = " ".join(section.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


def text(value) -> str:
    """Inline text of a bundle: one line, HTML and Markdown escaped (`escape.plain_markdown`)."""
    return _text_of_str(value) if type(value) is str else plain_markdown(one_line(value, limit=10_000))


@lru_cache(maxsize=1 << 16)
def _text_of_str(value: str) -> str:
    # Bundles repeat the same titles, edge types and messages: one site writes ~25 per document.
    return plain_markdown(one_line(value, limit=10_000))


def _fact_value(value) -> str:
    return show_fact(value) if not isinstance(value, dict) else one_line(json_safe(value))


def _standing(report: Report, document: Document) -> bool:
    return document.kind == "decision" and report.graph.effective_status(document) == "accepted"


def _status(report: Report, document: Document) -> str:
    return text(report.graph.effective_status(document) or "no status")


def _finding_line(finding: Finding, label: str) -> str:
    where = f" ({markdown_code(finding.location)})" if finding.path else ""
    extra = ""
    if finding.waiver is not None and finding.waiver.reason:
        extra = f" — waived because: {text(finding.waiver.reason)}"
    if finding.resolved_by:
        extra = f" — settled by {', '.join(markdown_code(i) for i in finding.resolved_by)}"
    return f"- **{label}** {markdown_code(finding.rule)}{where}: {text(finding.message)}{extra}"


def bundle(report: Report, document_id: str) -> str:
    """The context bundle of `document_id` (an id the report's graph knows)."""
    return ContextBundles(report).bundle(document_id)


class ContextBundles:
    """The context bundles of one report. A site writes one per document, and most of a bundle
    describes other documents (a hub contract's facts, a decision, a linked document), so each
    such description is written once and reused by every bundle that shows it."""

    def __init__(self, report: Report, sources: SourceCache | None = None,
                 max_tokens: int = DEFAULT_MAX_TOKENS) -> None:
        self.report = report
        self.max_tokens = max_tokens
        self.sources = sources  # the check's cache: a site's bundles reuse the text it read
        self._contracts: dict[str, tuple[list[str], str, list[str]]] = {}
        self._decisions: dict[str, tuple[str, list[str], list[str], list[str]]] = {}
        self._others: dict[str, str] = {}
        self._findings: dict[tuple[int, str], str] = {}  # (id of a finding of the report, label) -> line

    def _contract(self, contract: Document) -> tuple[list[str], str, list[str]]:
        """(heading lines, status line up to "this document: ", facts and invariants lines)."""
        if contract.id not in self._contracts:
            version = contract.values.get("version")
            head = [f"### {text(contract.id)} — {text(contract.title)}", ""]
            status = (f"{_status(self.report, contract)}" + (f", version {text(version)}" if version else ", unversioned")
                      + f" · {markdown_code(contract.rel)} · this document: ")
            tail = []
            if contract.defines:
                tail += ["Facts:", ""] + [f"- {markdown_code(fact)}: {text(_fact_value(value))}"
                                          for fact, value in sorted(contract.defines.items())] + [""]
            invariants = contract.values.get("invariants") or []
            if invariants:
                tail += ["Invariants:", ""] + [f"- {text(item)}" for item in invariants] + [""]
            self._contracts[contract.id] = (head, status, tail)
        return self._contracts[contract.id]

    def _decision(self, decision: Document) -> tuple[str, list[str], list[str], list[str]]:
        """(head, details before "how", details after it, lines of its facts)."""
        if decision.id not in self._decisions:
            head = f"- **{text(decision.id)}** — {text(decision.title)} ({markdown_code(decision.rel)})"
            before, after = [], []
            if decision.values.get("date"):
                before.append(f"decided {text(json_safe(decision.values['date']))}")
            if decision.values.get("decides"):
                before.append(f"question {markdown_code(decision.values['decides'])}")
            if decision.values.get("priorities"):
                after.append("priorities " + text(" > ".join(str(p) for p in decision.values["priorities"])))
            defines = [f"    - defines {markdown_code(fact)}: {text(_fact_value(value))}"
                       for fact, value in sorted(decision.defines.items())]
            self._decisions[decision.id] = (head, before, after, defines)
        return self._decisions[decision.id]

    def _finding_line(self, finding: Finding, label: str) -> str:
        """A finding shows in the bundle of every document it names: written once."""
        key = (id(finding), label)
        if key not in self._findings:
            self._findings[key] = _finding_line(finding, label)
        return self._findings[key]

    def _other(self, other: Document) -> str:
        if other.id not in self._others:
            self._others[other.id] = (f"{markdown_code(other.id)} — {text(other.title)} ({other.kind}, "
                                      f"{_status(self.report, other)}, {markdown_code(other.rel)})")
        return self._others[other.id]

    def _text(self, document: Document) -> str:
        """The document's text as MkDocs reads it (no BOM, `\n` newlines)."""
        source = self.sources.cached(document.path) if self.sources is not None else None
        if source is not None and source.readable:
            return source.head + source.body
        try:
            return document.path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            return f"(could not read {document.rel}: {error})"

    def bundle(self, document_id: str) -> str:
        """The context bundle of `document_id` (an id the report's graph knows)."""
        report = self.report
        graph, index = report.graph, report.graph.index
        document = index[document_id]
        out_edges = sorted(graph.out_edges(document.id), key=lambda e: (e.target, e.type))
        in_edges = sorted(graph.in_edges(document.id), key=lambda e: (e.source, e.type))

        lines = [f"# Context: {text(document.id)} — {text(document.title)}", ""]
        facts = [document.kind, f"status {_status(report, document)}", markdown_code(document.rel)]
        if document.owners:
            facts.append("owners " + ", ".join(text(o) for o in document.owners))
        for key in ("version", "goal", "risk", "decides", "date"):
            if document.values.get(key):
                facts.append(f"{key} {text(json_safe(document.values[key]))}")
        lines += [" · ".join(facts), ""]
        lines += [f"Everything to know before working on {markdown_code(document.id)}: the document, the contracts it "
                  "uses or changes with their facts and invariants, the standing decisions that affect them, "
                  f"and open findings. Printed by {markdown_code('coherence context ' + document.id)}.", ""]

        lines += ["## The document", ""]
        lines += [markdown_fence(self._text(document)), ""]

        # Contracts it relies on, and how it pins them.
        contracts: dict[str, list[str]] = {}
        for edge in out_edges:
            other = index.get(edge.target)
            if other is None or other.kind != "contract" or edge.type not in CONTRACT_EDGES:
                continue
            how = edge.type
            if edge.range is not None:
                matches = edge.matches(other.version)
                verdict = "" if matches is None else " (matches)" if matches else f" (does NOT match {other.version})"
                how += f" @{edge.range.text}{verdict}"
            if edge.fact:
                how += f" {edge.fact}"
            contracts.setdefault(edge.target, []).append(how)
        lines += ["## Contracts it uses or changes", ""]
        if not contracts:
            lines += ["None.", ""]
        for contract_id in sorted(contracts):
            head, status, tail = self._contract(index[contract_id])
            lines += head
            lines += [status + text("; ".join(contracts[contract_id])), ""]
            lines += tail

        # Standing decisions that constrain it or its contracts.
        subjects = {document.id, *contracts}
        decisions: dict[str, set[str]] = {}
        for subject in sorted(subjects):
            for source_id, edge_type in report.graph.standing_decisions_into.get(subject, ()):
                if source_id != document.id:
                    decisions.setdefault(source_id, set()).add(f"{edge_type} {subject}")
        for edge in out_edges:
            if edge.target in index and _standing(report, index[edge.target]):
                decisions.setdefault(edge.target, set()).add(f"{edge.type} from this document"
                                                             + (f" ({edge.fact})" if edge.fact else ""))
        goal = document.values.get("goal")
        if goal:
            for other_id in report.graph.ranking_decisions.get(goal, ()):
                if other_id != document.id:
                    decisions.setdefault(other_id, set()).add(f"ranks the goal {goal}")
        lines += ["## Standing decisions that affect them", ""]
        if not decisions:
            lines += ["None.", ""]
        for decision_id in sorted(decisions):
            head, before, after, defines = self._decision(index[decision_id])
            how = "how: " + text("; ".join(sorted(decisions[decision_id])))
            lines.append(head + ": " + ", ".join([*before, how, *after]))
            lines += defines
        lines.append("")

        # Every other link, both ways, so nothing around it is missing.
        covered = set(contracts) | set(decisions)
        others = [(f"{edge.type} →", edge.target) for edge in out_edges if edge.target not in covered]
        others += [(f"← {edge.type}", edge.source) for edge in in_edges if edge.source not in covered]
        lines += ["## Other links", ""]
        if not others:
            lines += ["None.", ""]
        for how, other_id in sorted(set(others), key=lambda item: (item[1], item[0])):
            other = index.get(other_id)
            if other is not None:
                lines.append(f"- {text(how)} {self._other(other)}")
        unresolved = sorted(report.graph.unresolved_of.get(document.id, [])
                            if index.get(document.id) is document else [])
        for raw in unresolved:
            lines.append(f"- unresolved reference {markdown_code(raw)}")
        lines.append("")

        active, waived, resolved = report.about(document)
        lines += ["## Open findings", ""]
        if not (active or waived or resolved):
            lines += ["None.", ""]
        lines += [self._finding_line(f, f.severity.label if f.severity else "finding") for f in active]
        lines += [self._finding_line(f, "waived") for f in waived]
        lines += [self._finding_line(f, "resolved") for f in resolved]
        text_out = "\n".join(lines)
        while "\n\n\n" in text_out:  # every run of blank lines becomes one (faster than a regex)
            text_out = text_out.replace("\n\n\n", "\n\n")
        return text_out.rstrip("\n") + "\n"
