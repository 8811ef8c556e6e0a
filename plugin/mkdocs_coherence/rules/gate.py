"""Gate rule: what each risk tier requires before work proceeds (config `gates`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Iterator

from mkdocs_coherence.core.config import GATE_REQUIREMENT
from mkdocs_coherence.core.findings import Finding, Severity
from mkdocs_coherence.rules import Context
from mkdocs_coherence.rules.registry import Family

family = Family("gate")


def _missing(values: dict, requirement: str) -> str | None:
    match = _requirement(requirement)
    key, count = match.group("key"), match.group("count")
    value = values.get(key)
    if count is None:
        return None if value not in (None, "", [], {}) else f"`{key}`"
    have = len(value) if isinstance(value, (list, tuple, dict)) else (1 if value else 0)
    return None if have >= int(count) else f"at least {count} {key} (has {have})"


FLOOR_KEYS = ("uses", "changes")  # an intent that uses or changes a contract is at least at its risk


def _tier(document, ctx: Context, rank: dict[str, int]) -> tuple[str | None, list[str]]:
    """The intent's risk tier and where it came from: its own `risk:`, raised to the `risk` of a
    contract it uses or changes, or of an area in `risk_floor` — the highest wins."""
    own = document.values.get("risk")
    floors: list[tuple[str, str]] = []  # (tier, "contract 'payment-capture'")
    if document.kind == "intent":
        index = ctx.graph.index
        for reference in document.references:
            contract = index.get(reference.resolved) if reference.resolved and reference.key in FLOOR_KEYS else None
            if contract is not None and contract.kind == "contract" and contract.values.get("risk") in rank:
                floors.append((contract.values["risk"], f"contract '{contract.id}'"))
        areas = ctx.settings.risk_floor_areas
        if areas:
            floors += [(areas[area], f"area '{area}'") for area in document.values.get("area", ()) if area in areas]
    if not floors:
        return own, []
    highest = max(rank.get(tier, -1) for tier, _ in floors)
    if own in rank and rank[own] >= highest:
        return own, []
    tier = next(tier for tier, _ in floors if rank[tier] == highest)
    return tier, list(dict.fromkeys(source for t, source in floors if t == tier))


@family.rule(Severity.ERROR)
def gate_missing(ctx: Context) -> Iterator[Finding]:
    """a document at a risk tier lacks what that tier requires

    What it does: an intent at a risk tier lacks what its gate requires (default: `high` needs
    `rollback`, `monitoring` and at least two `owners`). The tier is the intent's own `risk`,
    raised to the `risk` of any contract it uses or changes and to the floor of any of its areas
    (`risk_floor: {areas: {payments: high}}`): work on a risky surface cannot dodge the gate by
    omitting `risk`. The finding says where the tier came from

    What to do: add what the message lists, or lower the risk deliberately (where the tier is
    inherited, only the contract's owners or the configuration can lower it)
    """
    rank = {tier: number for number, tier in enumerate(ctx.settings.risk_tiers)}
    for document in ctx.live_documents:
        if document.kind != "intent":
            continue  # a contract's or a decision's `risk` is a floor for the intents that rely on it
        risk, sources = _tier(document, ctx, rank)
        needs = ctx.settings.gates.get(risk, ()) if risk else ()
        if not needs:
            continue
        missing = [m for m in (_missing(document.values, need) for need in needs) if m]
        if not missing:
            continue
        own = document.values.get("risk")
        if sources:
            origin = (f" (inherited from {' and '.join(sources)}"
                      + (f"; its own `risk: {own}` is lower" if own else ", since it states no `risk:`") + ")")
            line = document.line("risk") or _source_line(document, sources[0]) or 1
            lower = " or ".join(f"ask the owners of {source} to lower its `risk`" if source.startswith("contract")
                                else f"lower the floor of {source} in `risk_floor`" for source in sources) + \
                ", with a reason"
        else:
            origin, line = "", document.line("risk")
            lower = "lower the risk with a reason"
        yield Finding(
            "gate-missing",
            f"risk {risk}{origin} requires {', '.join(needs)}; missing: {', '.join(missing)} — add them before "
            f"this work proceeds, or {lower}",
            document.rel, line, (document.id,),
        )


def _source_line(document, source: str) -> int | None:
    """The line of the reference or the area that set the tier."""
    what, _, name = source.partition(" ")
    name = name.strip("'")
    if what == "contract":
        return next((r.line for r in document.references if r.resolved == name and r.key in FLOOR_KEYS), None)
    areas = document.values.get("area", ())
    return document.line("area", areas.index(name)) if name in areas else None


@lru_cache(maxsize=256)
def _requirement(text: str):
    """A parsed requirement (`rollback`, `reviewers>=2`): a handful per configuration."""
    return GATE_REQUIREMENT.match(text)

