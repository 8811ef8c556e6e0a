"""The context bundle of one document: what someone, or an AI tool, needs before working on it.

`coherence context ID` prints it and the site publishes it as `context/<id>.md`, byte for
byte the same (DESIGN §8, §9): the document itself, the contracts it uses or changes with
their facts and invariants, the standing decisions that affect them, and open findings.
Plain Markdown with no links into the site, so it reads the same anywhere.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from functools import lru_cache

from mkdocs_coherence.check import Report
from mkdocs_coherence.core.findings import Finding
from mkdocs_coherence.core.loader.reading import SourceCache
from mkdocs_coherence.core.model import Document
from mkdocs_coherence.site.escape import markdown_code, markdown_fence, plain_markdown
from mkdocs_coherence.site.model import category, json_safe, one_line, what_to_do
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


def _where(document: Document) -> str:
    """Where a document lives: its file here, or for an imported one its project and its page
    on the owners' site (a reader, or an AI tool, can follow it; `graph.json#id` says nothing)."""
    if document.external is not None:
        page = f", {markdown_code(document.external.url)}" if document.external.url else ""
        return f"imported from project {text(document.external.project)}{page}"
    return markdown_code(document.rel)


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
        self._flight_lines: dict[tuple[str, ...], str] = {}  # (intent id, how, ...) -> its line of work in flight
        self._flight_combinations: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[list[tuple[str, str]], int, list[frozenset[str]]]] = {}
        self._decision_lines: dict[tuple[str, ...], list[str]] = {}  # (decision id, how, ...) -> its lines
        self._contested: dict[str, list[str]] = {}  # question -> the warning that it has several answers, or []

    def _contract(self, contract: Document) -> tuple[list[str], str, list[str]]:
        """(heading lines, status line up to "this document: ", facts and invariants lines)."""
        if contract.id not in self._contracts:
            version = contract.values.get("version")
            head = [f"### {text(contract.id)} — {text(contract.title)}", ""]
            status = (f"{_status(self.report, contract)}" + (f", version {text(version)}" if version else ", unversioned")
                      + f" · {_where(contract)} · this document: ")
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
            head = f"- **{text(decision.id)}** — {text(decision.title)} ({_where(decision)})"
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

    def _contested_question(self, question: str) -> list[str]:
        """The warning that `question` has more than one standing answer ([] when it has one), once per question."""
        if question not in self._contested:
            standing = sorted(d.id for d in self._by_question.get(question, ()) if _standing(self.report, d))
            self._contested[question] = [] if len(standing) <= 1 else [
                f"**Warning**: {', '.join(markdown_code(i) for i in standing)} are all accepted answers to "
                f"{markdown_code(question)} and may contradict each other; ask which one stands before "
                "relying on either.", ""]
        return self._contested[question]

    def _decision_lines_of(self, decision: Document, hows: set[str]) -> list[str]:
        """A standing decision's lines in "Standing decisions that affect them", once per decision
        and how: a hub contract's standing decisions show the same way to each consumer."""
        key = (decision.id, *sorted(hows))
        lines = self._decision_lines.get(key)
        if lines is None:
            head, before, after, defines = self._decision(decision)
            how = "how: " + text("; ".join(key[1:]))
            lines = [head + ": " + ", ".join([*before, how, *after])]
            said = self._decision_text(decision)
            if said:
                lines.append(f"    - decision: {text(said)}")
            lines = self._decision_lines[key] = lines + defines
        return lines

    def _finding_line(self, finding: Finding, label: str) -> str:
        """A finding shows in the bundle of every document it names: written once."""
        key = (id(finding), label)
        if key not in self._findings:
            self._findings[key] = _finding_line(finding, label)
        return self._findings[key]

    def _other(self, other: Document) -> str:
        if other.id not in self._others:
            self._others[other.id] = (f"{markdown_code(other.id)} — {text(other.title)} ({other.kind}, "
                                      f"{_status(self.report, other)}, {_where(other)})")
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

    # --- v2: what surrounds the document ------------------------------------------------------

    @property
    def _by_question(self) -> dict[str, list[Document]]:
        """Decisions by `decides` key, built once per report."""
        if not hasattr(self, "_questions"):
            questions: dict[str, list[Document]] = {}
            for document in self.report.graph.index.values():
                if document.kind == "decision" and document.values.get("decides"):
                    questions.setdefault(str(document.values["decides"]), []).append(document)
            self._questions = questions
        return self._questions

    def _work_in_flight(self, document_id: str, targets: list[str],
                        areas: list) -> tuple[list[str], int, list[frozenset[str]]]:
        """The lines of the first MAX_LISTED in-flight intents (by id) other than `document_id`
        that use or change one of `targets` or share one of `areas`, each with how; how many
        there are in all; the sets of ids whose union they are (`document_id` may be in them).
        Every intent of a busy area (or every consumer of a hub) shows the same few thousand
        others: they are merged from lists sorted once, counted as the union of bitsets kept per
        list (one machine word per 64 intents), and written once per combination of lists."""
        key = (tuple(targets), tuple(f"area {area}" for area in areas))
        found = self._flight_combinations.get(key)
        if found is None:
            sources = [self._flight_of_target(target) for target in targets]
            sources += [self._flight_of_area(area) for area in areas]
            shown: list[tuple[str, set[str]]] = []
            for intent_id, how in heapq.merge(*(entries for entries, _, _ in sources)):
                if shown and shown[-1][0] == intent_id:
                    shown[-1][1].add(how)
                elif len(shown) <= MAX_LISTED:  # one more than listed: the document itself may be one
                    shown.append((intent_id, {how}))
                else:
                    break
            union = 0
            for _, _, mask in sources:
                union |= mask
            found = self._flight_combinations[key] = (
                [(intent_id, self._flight_line(intent_id, hows)) for intent_id, hows in shown], union.bit_count(),
                [ids for _, ids, _ in sources])
        listed, count, ids = found
        lines = [line for intent_id, line in listed if intent_id != document_id][:MAX_LISTED]
        return lines, count - any(document_id in each for each in ids), ids

    def _flight_line(self, intent_id: str, hows: set[str]) -> str:
        """An in-flight intent's line, once per intent and how: it shows in the bundles of its neighbours."""
        key = (intent_id, *sorted(hows))
        line = self._flight_lines.get(key)
        if line is None:
            other = self.report.graph.index[intent_id]
            goal_text = f", goal {text(other.values['goal'])}" if other.values.get("goal") else ""
            line = self._flight_lines[key] = f"- {self._other(other)}{goal_text}: {text('; '.join(key[1:]))}"
        return line

    def _flight_mask(self, ids) -> int:
        """The bitset of in-flight intent ids `ids`: one bit per in-flight intent of the report."""
        if not hasattr(self, "_flight_bits"):
            self._flight_bits = {document.id: bit for bit, document in enumerate(
                d for d in self.report.graph.index.values() if _in_flight(self.report, d))}
        bits = bytearray((len(self._flight_bits) + 8) // 8)
        for intent_id in ids:
            bit = self._flight_bits[intent_id]
            bits[bit >> 3] |= 1 << (bit & 7)
        return int.from_bytes(bits, "little")

    def _flight_of_target(self, target: str) -> tuple[list[tuple[str, str]], frozenset[str], int]:
        """(sorted (intent id, how) of the in-flight intents on `target`, their ids, their bitset),
        once per target."""
        cache = self.__dict__.setdefault("_flight_targets", {})
        if target not in cache:
            graph = self.report.graph
            entries = [(source, f"{how} {target}") for source, how in
                       sorted({(e.source, e.type) for e in graph.in_edges(target)
                               if e.type in ("uses", "changes") and e.source in graph.index
                               and _in_flight(self.report, graph.index[e.source])})]
            ids = frozenset(intent_id for intent_id, _ in entries)
            cache[target] = (entries, ids, self._flight_mask(ids))
        return cache[target]

    def _flight_of_area(self, area) -> tuple[list[tuple[str, str]], frozenset[str], int]:
        """The same for the in-flight intents of `area`, once per area."""
        cache = self.__dict__.setdefault("_flight_areas", {})
        how = f"area {area}"
        if how not in cache:
            ids = self._area_intents().get(str(area), [])
            cache[how] = ([(intent_id, how) for intent_id in ids], frozenset(ids), self._flight_mask(ids))
        return cache[how]

    def _area_intents(self) -> dict[str, list[str]]:
        if not hasattr(self, "_areas"):
            areas: dict[str, list[str]] = {}
            for document in sorted(self.report.graph.index.values(), key=lambda d: d.id):
                if document.kind == "intent" and _in_flight(self.report, document):
                    for area in _as_list(document.values.get("area")):
                        areas.setdefault(str(area), []).append(document.id)
            self._areas = areas
        return self._areas

    def _decision_text(self, decision: Document) -> str:
        cache = self.__dict__.setdefault("_decision_texts", {})
        if decision.id not in cache:
            source = self.sources.cached(decision.path) if self.sources is not None else None
            if source is not None and source.readable:
                body = source.body
            else:
                body = self._text(decision)
                if body.startswith("---"):
                    body = body.split("\n---", 1)[-1]
            cache[decision.id] = decision_text(body)
        return cache[decision.id]

    def bundle(self, document_id: str) -> str:
        """The context bundle of `document_id` (an id the report's graph knows), within the token budget."""
        sections = self._sections(document_id)
        return fit(sections, self.max_tokens)

    def _sections(self, document_id: str) -> list[Section]:
        report = self.report
        graph, index = report.graph, report.graph.index
        document = index[document_id]
        out_edges = sorted(graph.out_edges(document.id), key=lambda e: (e.target, e.type))
        in_edges = sorted(graph.in_edges(document.id), key=lambda e: (e.source, e.type))
        sections: list[Section] = []

        lines = [f"# Context: {text(document.id)} — {text(document.title)}", ""]
        facts = [document.kind, f"status {_status(report, document)}", markdown_code(document.rel)]
        if document.owners:
            facts.append("owners " + ", ".join(text(o) for o in document.owners))
        for key in ("version", "goal", "risk", "decides", "date"):
            if document.values.get(key):
                facts.append(f"{key} {text(json_safe(document.values[key]))}")
        lines += [" · ".join(facts), ""]
        lines += [f"Everything to know before working on {markdown_code(document.id)}: what it must not break, its "
                  "open findings (most important first), the document, the contracts it uses or changes with their "
                  "facts and invariants, the standing decisions that affect them, other work in flight and pending "
                  f"proposals. Printed by {markdown_code('coherence context ' + document.id)}.", ""]
        sections.append(Section("head", lines, KEEP))

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

        # What the reader must not break: invariants it is bound by, facts others assume of it.
        must = []
        own = document.values.get("invariants") or []
        must += [f"- invariant: {text(item)}" for item in own]
        for contract_id in sorted(contracts):
            for item in index[contract_id].values.get("invariants") or []:
                must.append(f"- invariant of {markdown_code(contract_id)}: {text(item)}")
        assumed = sorted({(e.fact, e.source) for e in in_edges if e.fact})
        for fact, source in assumed[:MAX_LISTED]:
            value = document.defines.get(fact)
            shown = f" = {text(_fact_value(value))}" if fact in document.defines else ""
            must.append(f"- {markdown_code(source)} assumes {markdown_code(fact)}{shown}")
        if len(assumed) > MAX_LISTED:
            must.append(f"- and {len(assumed) - MAX_LISTED} more assumptions others make of it")
        consumers = [e for e in in_edges if e.type in ("uses", "changes", "depends_on") and e.range is not None]
        if consumers:
            must.append(f"- {len({e.source for e in consumers})} documents pin its version (see Consumers): "
                        "a breaking change needs a major version bump")
        if must:
            sections.append(Section("must", ["## Must not break", ""] + must + [""], KEEP))

        # Findings, most important first, each with what to do.
        active, waived, resolved = report.about(document)
        ranked = sorted(active, key=_rank)
        findings = ["## Findings, most important first", ""]
        if not (active or waived or resolved):
            findings += ["None.", ""]
        for finding in ranked:
            findings.append(self._finding_line(finding, finding.severity.label if finding.severity else "finding"))
            todo = what_to_do(finding)
            if todo:
                findings.append(f"    - what to do: {text(todo)}")
        findings += [self._finding_line(f, "waived") for f in waived]
        findings += [self._finding_line(f, "resolved") for f in resolved]
        sections.append(Section("findings", findings + [""], KEEP))

        sections.append(Section("document", ["## The document", "", markdown_fence(self._text(document)), ""], 2,
                                f"the document's own text (read {markdown_code(document.rel)})"))

        lines = ["## Contracts it uses or changes", ""]
        if not contracts:
            lines += ["None.", ""]
        for contract_id in sorted(contracts):
            head, status, tail = self._contract(index[contract_id])
            lines += head
            lines += [status + text("; ".join(contracts[contract_id])), ""]
            lines += tail
        sections.append(Section("contracts", lines, 7, "the contracts' facts and invariants"))

        # Standing decisions that constrain it or its contracts, with what they decided.
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
        lines = ["## Standing decisions that affect them", ""]
        if not decisions:
            lines += ["None.", ""]
        questions = {str(index[d].values["decides"]) for d in decisions if index[d].values.get("decides")}
        if document.kind == "decision" and document.values.get("decides"):
            questions.add(str(document.values["decides"]))
        for question in sorted(questions):
            lines += self._contested_question(question)
        for decision_id in sorted(decisions):
            lines += self._decision_lines_of(index[decision_id], decisions[decision_id])
        lines.append("")
        sections.append(Section("decisions", lines, 6, "the standing decisions"))

        # Pending proposals on the same questions: they may change the answer.
        pending = []
        for question in sorted(questions):
            for proposal in sorted(self._by_question.get(question, ()), key=lambda d: d.id):
                if proposal.id != document.id and report.graph.effective_status(proposal) == "proposed":
                    said = self._decision_text(proposal)
                    pending.append(f"- **{text(proposal.id)}** — {text(proposal.title)} ({markdown_code(proposal.rel)}): "
                                   f"proposed on {markdown_code(question)}" + (f"; proposes: {text(said)}" if said else ""))
                    for finding in report.about(proposal)[0]:
                        if finding.rule == "relitigation":
                            pending.append(f"    - {text(finding.message)}")
        if pending:
            sections.append(Section("pending", ["## Pending proposals on the same questions", ""] + pending + [""], 4,
                                    "the pending proposals"))

        # Other work in flight on the same contracts and areas.
        targets = sorted(contracts) if document.kind != "contract" else [document.id]
        areas = _as_list(document.values.get("area")) if document.kind == "intent" else []
        flight, total, in_flight = self._work_in_flight(document.id, targets, areas)
        if total:
            lines = ["## Other work in flight on the same contracts and areas", ""]
            lines += flight
            if total > MAX_LISTED:
                lines.append(f"- and {total - MAX_LISTED} more")
            sections.append(Section("flight", lines + [""], 3, "the other work in flight"))

        # Who relies on it, and the range each pins.
        if document.kind == "contract":
            pins = sorted((e for e in in_edges if e.type in ("uses", "changes", "depends_on") and e.source in index),
                          key=lambda e: (e.source, e.type))
            if pins:
                lines = ["## Consumers", ""]
                for edge in pins[:MAX_LISTED]:
                    consumer = index[edge.source]
                    pin = "any version"
                    if edge.range is not None:
                        matches = edge.matches(document.version)
                        pin = f"@{edge.range.text}" + ("" if matches is None else " (matches)" if matches
                                                        else f" (does NOT match {document.version})")
                    lines.append(f"- {markdown_code(consumer.id)} ({consumer.kind}, {_status(report, consumer)}): "
                                 f"{edge.type} {text(pin)}")
                if len(pins) > MAX_LISTED:
                    lines.append(f"- and {len(pins) - MAX_LISTED} more")
                sections.append(Section("consumers", lines + [""], 5, "the consumers and their ranges"))

        # Every other link, both ways, so nothing around it is missing.
        covered = set(contracts) | set(decisions)

        def shown(other_id: str) -> bool:  # in a section above
            return other_id in covered or (other_id != document.id and any(other_id in ids for ids in in_flight))

        others = [(f"{edge.type} →", edge.target) for edge in out_edges if not shown(edge.target)]
        others += [(f"← {edge.type}", edge.source) for edge in in_edges if not shown(edge.source)]
        lines = ["## Other links", ""]
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
        sections.append(Section("links", lines, 1, "the other links"))
        return sections


KEEP = 100  # sections never left out (the head, what not to break, the findings)
MAX_LISTED = 30  # lines of one list before "and N more"


@dataclass
class Section:
    name: str
    lines: list[str]
    importance: int  # the least important is left out first
    what: str = ""  # how the "left out" note names it

    def text(self) -> str:
        return "\n".join(self.lines)


def tokens(text_: str) -> int:
    """A conservative token estimate (one token per 3 characters; tokenizers average ~4 on English)."""
    return -(-len(text_) // 3)


def _join(parts: list[str]) -> str:
    out = "\n".join(parts)
    while "\n\n\n" in out:  # every run of blank lines becomes one (faster than a regex)
        out = out.replace("\n\n\n", "\n\n")
    return out.rstrip("\n") + "\n"


def fit(sections: list[Section], max_tokens: int) -> str:
    """The bundle with the least important sections left out until it fits `max_tokens`,
    saying what was left out; findings beyond what fits are cut last, and counted."""
    kept = list(sections)
    left_out: list[str] = []

    def render() -> str:
        parts = [s.text() for s in kept]
        if left_out:
            parts += ["## Left out", "", f"Left out to fit {max_tokens} tokens: {'; '.join(left_out)}. "
                      "Run `coherence context ID --max-tokens N` with a larger N for everything.", ""]
        return _join(parts)

    out = render()
    for section in sorted((s for s in sections if s.importance < KEEP), key=lambda s: s.importance):
        if tokens(out) <= max_tokens:
            break
        kept.remove(section)
        left_out.append(section.what or section.name)
        out = render()
    findings = next((s for s in kept if s.name == "findings"), None)
    if tokens(out) > max_tokens and findings is not None:
        cut, note = 0, len(left_out)
        left_out.append("")
        while tokens(out) > max_tokens and len(findings.lines) > 3:
            end = len(findings.lines) - 2  # the last line before the trailing blank
            start = end
            while start > 2 and findings.lines[start].startswith("    - "):  # a finding with its "what to do"
                start -= 1
            findings.lines = findings.lines[:start] + findings.lines[end + 1:]
            cut += 1
            left_out[note] = f"the {cut} least important findings (run `coherence check`)"
            out = render()
    return out


def _rank(finding: Finding) -> tuple:
    """Errors, then conflicts, then stale context, then the rest; then by place."""
    order = {"error": 0, "conflict": 1, "stale": 2, "warning": 3, "info": 4}
    return (order.get(category(finding), 5), finding.path or "", finding.line or 0, finding.rule)


def _in_flight(report: Report, document: Document) -> bool:
    return document.kind == "intent" and report.graph.effective_status(document) in ("draft", "active", None)


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]
