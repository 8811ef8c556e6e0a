"""Decision rules: re-opened questions, inconsistent supersedes, missing alternatives.
(References to decisions that no longer stand are stale: `superseded-reference` in stale.py.)"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from mkdocs_coherence.core.findings import Finding, Severity
from mkdocs_coherence.core.model import Document
from mkdocs_coherence.rules import Context
from mkdocs_coherence.rules.registry import Family

family = Family("decision")

ALTERNATIVE_SECTIONS = ("option", "alternative")  # "Considered Options", "Alternatives", ...


def _when(document: Document) -> str:
    date = document.values.get("date")
    return f" ({document.status} {date.isoformat()})" if date else f" ({document.status})"


@family.rule(Severity.WARNING)
def relitigation(ctx: Context) -> Iterator[Finding]:
    """a second decision on a question that already has an accepted answer

    What it does: a second decision on a `decides` key that already has an accepted answer, without
    `supersedes`

    What to do: supersede the standing decision explicitly, or drop the new one
    """
    by_question: dict[str, list[Document]] = defaultdict(list)
    for document in ctx.corpus.documents:
        if document.kind == "decision" and document.values.get("decides"):
            by_question[document.values["decides"]].append(document)
    for question, decisions in by_question.items():
        if len(decisions) < 2:
            continue
        standing = [d for d in decisions if ctx.graph.effective_status(d) == "accepted"]
        if not standing:
            continue
        # The earliest accepted answer stands; later ones must say what they replace.
        standing.sort(key=lambda d: (d.values.get("date") or d.values.get("reviewed") or _FAR, d.id))
        answer = standing[0]
        replaced = {answer.id}
        challengers = [
            d for d in sorted(decisions, key=lambda d: d.rel)
            if d is not answer and ctx.graph.effective_status(d) in ("accepted", "proposed", None)
            and not any(r.key == "supersedes" and r.resolved in replaced for r in d.references)
        ]
        if not challengers:
            continue
        first = challengers[0]
        others = ", ".join(f"'{d.id}'{_when(d)}" for d in challengers)
        yield Finding(
            "relitigation",
            f"{others} decide{'s' if len(challengers) == 1 else ''} '{question}' again, which '{answer.id}' "
            f"({answer.rel}) already answers{_when(answer)}; if it replaces that answer add "
            f"`supersedes: [{answer.id}]`, otherwise withdraw it or decide a different question",
            first.rel, first.line("decides"), (answer.id, *(d.id for d in challengers)),
        )


_FAR = __import__("datetime").date.max


@family.rule(Severity.WARNING)
def supersede_mismatch(ctx: Context) -> Iterator[Finding]:
    """A supersedes B but B's status says otherwise

    What it does: an accepted A supersedes B, but B's status is not `superseded`; or B says
    "superseded by A" while A is not accepted

    What to do: set B's status to `superseded by A`, or accept A
    """
    for source, target, edge in ctx.graph.edges_of_type("supersedes"):
        if source == target:
            continue
        newer, older = ctx.graph.index[source], ctx.graph.index[target]
        if edge.derived:
            # The older one says "superseded by newer": the newer one must be accepted.
            if newer.status != "accepted":
                yield Finding(
                    "supersede-mismatch",
                    f"'{older.id}' says it is superseded by '{newer.id}', but '{newer.id}' is "
                    f"{newer.status or 'without status'}; accept '{newer.id}' or restore '{older.id}'s status",
                    older.rel, older.line("status"), (older.id, newer.id),
                )
        elif newer.status == "accepted" and older.status != "superseded":
            yield Finding(
                "supersede-mismatch",
                f"'{newer.id}' supersedes '{older.id}', but '{older.id}' still says "
                f"{older.status or 'nothing about its status'}; set its status to `superseded by {newer.id}`",
                older.rel, older.line("status") or 1, (older.id, newer.id),
            )


@family.rule(Severity.WARNING, lower=Severity.INFO)
def missing_alternatives(ctx: Context) -> Iterator[Finding]:
    """an accepted decision records no alternatives

    What it does: an accepted decision records no alternatives: no `alternatives:`, no section
    that holds them ("Options", "Considered Options", "Alternatives", "Possible solutions",
    "Possible actions", "Candidates"), no list introduced by "we considered", "We discussed three
    options:", "A reasonable set of candidates are:", and no prose naming a weighed option ("Two
    strategies were considered", "One option is", "Instead of X, we will"). A warning for records
    with front-matter; `info` for records read in place without it (an existing ADR folder is
    adopted as it is)

    What to do: list the options that were considered
    """
    for document in ctx.corpus.documents:
        if document.kind != "decision" or document.status != "accepted" or document.values.get("alternatives"):
            continue
        if document.weighs_options or any(word in section.lower() for section in document.sections
                                          for word in ALTERNATIVE_SECTIONS):
            continue
        yield Finding(
            "missing-alternatives",
            f"accepted decision '{document.id}' records no alternatives; add `alternatives:` or a "
            "\"Considered Options\" section, so nobody re-opens it for want of knowing what was weighed",
            document.rel, document.line("status") or 1, (document.id,),
            Severity.INFO if document.in_place else Severity.WARNING,
        )
