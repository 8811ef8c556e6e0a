"""Semantic rules: incompatible assumptions and definitions, and parallel changes.

Each conflict is reported once per shared thing (a fact, a contract), naming every side:
grouping by the shared thing keeps the rules linear in the number of documents.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from mkdocs_coherence.core.findings import Finding, Severity
from mkdocs_coherence.core.model import Document
from mkdocs_coherence.core.values import canonical_fact, show_fact
from mkdocs_coherence.rules import Context, name_list
from mkdocs_coherence.rules.registry import Family

family = Family("semantic")

IN_FLIGHT = ("draft", "active", None)


def _sides(groups: dict, verb: str, value_of) -> str:
    """"'a', 'b' assume [x]; 'c' assumes [y]" — one clause per distinct value."""
    return "; ".join(
        f"{name_list(d.id for d in documents)} {verb}{'s' if len(documents) == 1 else ''} "
        f"{show_fact(value_of(documents[0]))}"
        for documents in groups.values())


def _by_value(documents: list[Document], facts_of) -> dict:
    groups: dict = {}
    for document in sorted(documents, key=lambda d: d.rel):
        groups.setdefault(canonical_fact(facts_of(document)), []).append(document)
    return groups


@family.rule(Severity.WARNING)
def conflicting_assumptions(ctx: Context) -> Iterator[Finding]:
    """two live documents assume different values for a fact nobody defines

    What it does: two live documents assume different values for a fact that nobody defines

    What to do: agree on the value and write it down in a contract's `defines`
    """
    assumers: dict[str, list[Document]] = defaultdict(list)
    imported = [d for d in ctx.corpus.external if d.live]  # across repositories (`imports`)
    for document in (*ctx.live_documents, *imported) if imported else ctx.live_documents:
        for fact in document.assumes:
            assumers[fact].append(document)
    for fact, documents in assumers.items():
        if fact not in ctx.graph.definers:  # defined facts are judged by assumption-violated
            yield from _fact_read_differently(
                "conflicting-assumptions", fact, documents, "assumes",
                "is read {ways} ways and defined nowhere: {sides}; define it in a contract (or an accepted "
                "decision) and align every side with it")


@family.rule(Severity.WARNING)
def conflicting_definitions(ctx: Context) -> Iterator[Finding]:
    """two contracts or decisions define one fact differently

    What it does: two contracts or decisions define one fact differently

    What to do: settle on one owner of the fact; supersede or correct the other
    """
    for fact, documents in ctx.graph.definers.items():
        yield from _fact_read_differently(
            "conflicting-definitions", fact, documents, "defines",
            "is defined {ways} ways: {sides}; settle one definition (a decision that supersedes the others, "
            "or one contract that owns the fact)")


def _fact_read_differently(rule: str, fact: str, documents: list[Document], key: str,
                           template: str) -> Iterator[Finding]:
    """One finding when `documents` give `fact` (under `key`: assumes/defines) different values."""
    if len(documents) < 2:
        return
    value_of = (lambda d: d.assumes[fact]) if key == "assumes" else (lambda d: d.defines[fact])
    groups = _by_value(documents, value_of)
    if len(groups) < 2:
        return
    local = [d for d in documents if d.external is None]
    if not local:
        return  # only imported documents: their owners' check reports it
    first = min(local, key=lambda d: d.rel)
    sides = _sides(groups, key[:-1], value_of)
    yield Finding(rule, f"{fact} " + template.format(ways=len(groups), sides=sides),
                  first.rel, first.line(key, fact), tuple(sorted(d.id for d in documents)))


@family.rule(Severity.WARNING)
def parallel_change(ctx: Context) -> Iterator[Finding]:
    """two in-flight intents both change one contract

    What it does: two in-flight intents (`draft`, `active`) both `change` one contract

    What to do: coordinate the two changes, or sequence them
    """
    changers: dict[str, list] = defaultdict(list)
    for document in ctx.corpus.documents:
        if document.kind != "intent" or document.status not in IN_FLIGHT:
            continue
        for reference in document.references:
            if reference.key == "changes" and reference.resolved:
                changers[reference.resolved].append((document, reference))
    for contract_id, sides in changers.items():
        intents = sorted({d.id: (d, r) for d, r in sides}.values(), key=lambda pair: pair[0].rel)
        if len(intents) < 2:
            continue
        first, reference = intents[0]
        names = name_list((f"'{d.id}' ({d.status or 'no status'})" for d, _ in intents), quote=False)
        yield Finding(
            "parallel-change",
            f"{len(intents)} in-flight intents change contract '{contract_id}' at once: {names}; agree on one "
            "combined change (and version) before either ships, or sequence them",
            first.rel, reference.line, (contract_id, *(d.id for d, _ in intents)),
        )

