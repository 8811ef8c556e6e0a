"""Outcome rules: intents say how success is measured, and shipped ones record whether it came."""

from __future__ import annotations

from typing import Iterator

from mkdocs_coherence.core.findings import Finding, Severity
from mkdocs_coherence.core.values import latest_outcomes, parse_measure, parse_target
from mkdocs_coherence.rules import Context
from mkdocs_coherence.rules.registry import Family

family = Family("outcome")


@family.rule(Severity.WARNING)
def no_success_criteria(ctx: Context) -> Iterator[Finding]:
    """an active intent states no success criteria

    What it does: an active intent states no `success`

    What to do: add at least one `{metric, target}`
    """
    for document in ctx.corpus.documents:
        written = document.line("success") is not None  # written but invalid: `schema` says so already
        if document.kind == "intent" and document.status == "active" and not written:
            yield Finding(
                "no-success-criteria",
                f"active intent '{document.id}' states no `success`; add at least one "
                "{metric, target} so anyone can tell later whether it worked",
                document.rel, document.line("status"), (document.id,),
            )


@family.rule(Severity.WARNING)
def outcome_missing(ctx: Context) -> Iterator[Finding]:
    """a shipped intent has no outcome after the grace period

    What it does: a shipped intent has success metrics but no `outcomes` after the grace period
    (`outcome_grace`)

    What to do: record what was measured
    """
    grace = ctx.settings.outcome_grace_days  # in days: `shipped + grace` could pass year 9999
    for document in ctx.corpus.documents:
        shipped = document.values.get("shipped")
        success = document.values.get("success")
        if document.kind != "intent" or document.status != "shipped" or not success or not shipped:
            continue
        if (ctx.today - shipped).days < grace:
            continue
        recorded = latest_outcomes(document.values)
        unmeasured = [str(s["metric"]) for s in success if str(s["metric"]).strip().lower() not in recorded]
        if unmeasured:
            yield Finding(
                "outcome-missing",
                f"shipped {shipped.isoformat()}, {(ctx.today - shipped).days} days ago, and nobody recorded "
                f"{', '.join(repr(m) for m in unmeasured)}; measure it and add `outcomes:` "
                "({metric, value, measured})",
                document.rel, document.line("shipped"), (document.id,),
            )


@family.rule(Severity.INFO)
def outcome_missed(ctx: Context) -> Iterator[Finding]:
    """a recorded outcome misses its target

    What it does: the latest recorded outcome of a metric misses its target (`">= 60%"`, `"<
    200ms"`, `"<= 500"`; times convert between `ms`, `s`, `min`, `h`; an unparseable target or
    incomparable units is a `schema` error)

    What to do: nothing is required; decide whether to follow up
    """
    for document in ctx.corpus.documents:
        if document.kind != "intent" or not document.values.get("outcomes"):
            continue
        recorded = latest_outcomes(document.values)
        for criterion in document.values.get("success", []):
            metric = str(criterion["metric"])
            if metric.strip().lower() not in recorded:
                continue
            index, outcome = recorded[metric.strip().lower()]
            target, measured = parse_target(criterion["target"]), parse_measure(outcome["value"])
            verdict = target.met_by(measured)
            line = document.line("outcomes", index)
            if verdict is None:
                yield Finding(
                    "schema",
                    f"outcome {metric!r} = {outcome['value']} cannot be compared with its target "
                    f"{target.text!r} (different units); record it in the target's unit",
                    document.rel, line, (document.id,),
                )
            elif not verdict:
                yield Finding(
                    "outcome-missed",
                    f"{metric!r} measured {outcome['value']} against a target of {target.text}; record what "
                    "was learned, and decide whether to iterate or accept it",
                    document.rel, line, (document.id,),
                )

