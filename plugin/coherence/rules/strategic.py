"""Strategic rule: live intents that share a contract or an area but optimise different goals."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Iterator

from ..findings import Finding
from ..model import Document
from . import NAMES_SHOWN, Context, name_list

SHARING_KEYS = ("uses", "changes")


def _settlements(ctx: Context):
    """Accepted, standing decisions: (id, intents it resolves, goal pairs its priorities rank)."""
    settled = []
    for document in ctx.corpus.documents:
        if document.kind != "decision" or ctx.graph.effective_status(document) != "accepted":
            continue
        resolves = frozenset(r.resolved for r in document.references if r.key == "resolves" and r.resolved)
        ranked = frozenset(document.values.get("priorities", ()))
        if resolves or len(ranked) > 1:
            settled.append((document.id, resolves, ranked))
    return settled


def goal_conflict(ctx: Context) -> Iterator[Finding]:
    shared: dict[tuple[str, str], dict[str, Document]] = defaultdict(dict)  # (what, name) -> intents
    for document in ctx.corpus.documents:
        if document.kind != "intent" or not document.live or not document.values.get("goal"):
            continue
        for reference in document.references:
            if reference.key in SHARING_KEYS and reference.resolved:
                shared[("contract", reference.resolved)][document.id] = document
        for area in document.values.get("area", ()):
            shared[("area", area)][document.id] = document
    settlements = _settlements(ctx) if shared else []

    for (what, name), intents in sorted(shared.items()):
        by_goal: dict[str, list[Document]] = defaultdict(list)
        for intent in sorted(intents.values(), key=lambda d: d.rel):
            by_goal[intent.values["goal"].lower()].append(intent)
        if len(by_goal) < 2:
            continue
        open_pairs, settled_by = [], set()
        for goal_a, goal_b in combinations(sorted(by_goal), 2):
            involved = {d.id for d in by_goal[goal_a] + by_goal[goal_b]}
            deciders = [d for d, resolves, ranked in settlements
                        if {goal_a, goal_b} <= ranked or involved <= resolves]
            if deciders:
                settled_by.update(deciders)
            else:
                open_pairs.append((goal_a, goal_b))
        everyone = sorted(intents.values(), key=lambda d: d.rel)
        first = everyone[0]
        sides = "; ".join(f"{name_list(d.id for d in docs)} optimise{'s' if len(docs) == 1 else ''} {goal}"
                          for goal, docs in sorted(by_goal.items()))
        resolves = (", ".join(d.id for d in everyone) if len(everyone) <= NAMES_SHOWN
                    else f"the {len(everyone)} intents")
        thing = f"contract '{name}'" if what == "contract" else f"area '{name}'"
        ids = ((name,) if what == "contract" else ()) + tuple(d.id for d in everyone)
        if open_pairs:
            pairs = ", ".join(f"{a} vs {b}" for a, b in open_pairs)
            yield Finding(
                "goal-conflict",
                f"intents sharing {thing} pursue different goals ({pairs}): {sides}; settle it with an accepted "
                f"decision that resolves them (resolves: [{resolves}]) or ranks the goals "
                f"(priorities: [{', '.join(sorted({g for pair in open_pairs for g in pair}))}] in the order you "
                "choose), or align the goals",
                first.rel, first.line("goal"), ids,
            )
        else:
            yield Finding(
                "goal-conflict",
                f"intents sharing {thing} pursue different goals ({sides}), settled by "
                f"{', '.join(sorted(settled_by))}",
                first.rel, first.line("goal"), ids, resolved_by=tuple(sorted(settled_by)),
            )


RULES = (goal_conflict,)
