"""Strategic rule: in-flight intents that change one contract or share an area but optimise
different goals (DESIGN §5 v1.1)."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from operator import attrgetter
from typing import Iterator

from mkdocs_coherence.core.findings import Finding, Severity
from mkdocs_coherence.core.model import Document
from mkdocs_coherence.rules import NAMES_SHOWN, Context, name_list
from mkdocs_coherence.rules.registry import Family

family = Family("strategic")

SHARING_KEYS = ("changes",)  # readers (`uses`) of one contract do not conflict


class _Settlements:
    """Accepted, standing decisions that settle goal conflicts, indexed by the goals their
    `priorities` rank and by the intents they resolve: each pair of goals looks up only the
    decisions that could settle it, never every decision (linear however many there are)."""

    def __init__(self, ctx: Context):
        self.count = 0
        self.ranking: dict[str, list[tuple[str, frozenset]]] = defaultdict(list)  # goal -> (id, ranked)
        self.resolving: dict[str, list[tuple[str, frozenset]]] = defaultdict(list)  # intent -> (id, resolves)
        for document in ctx.corpus.documents:
            if document.kind != "decision" or ctx.graph.effective_status(document) != "accepted":
                continue
            resolves = frozenset(r.resolved for r in document.references if r.key == "resolves" and r.resolved)
            ranked = frozenset(document.values.get("priorities", ()))
            if resolves or len(ranked) > 1:
                self.count += 1
                for goal in ranked:
                    self.ranking[goal].append((document.id, ranked))
                for intent in resolves:
                    self.resolving[intent].append((document.id, resolves))

    def __bool__(self) -> bool:
        return self.count > 0

    def deciders(self, goal_a: str, goal_b: str, by_goal: dict[str, list[Document]]) -> set[str]:
        """Decisions that rank both goals, or resolve every intent pursuing either."""
        found = {decision for decision, ranked in self.ranking.get(goal_a, ()) if goal_b in ranked}
        candidates = self.resolving.get(by_goal[goal_a][0].id)  # resolving them all, it resolves this one
        if candidates:
            involved = {d.id for d in by_goal[goal_a] + by_goal[goal_b]}
            found.update(decision for decision, resolves in candidates if involved <= resolves)
        return found


_REL = attrgetter("rel")
IN_FLIGHT = ("draft", "active", None)


def _shared_things(things: list[tuple[str, str]]) -> str:
    """"contract 'customer' and area 'profile'": every thing a set of intents shares."""
    return name_list([f"{what} '{name}'" for what, name in things], quote=False)


@family.rule(Severity.WARNING)
def goal_conflict(ctx: Context) -> Iterator[Finding]:
    """two in-flight intents shape one surface and pursue different goals

    What it does: two in-flight (`draft`, `active`) intents both `change` one contract or share an
    `area` (they shape the same surface), pursue different `goal`s, and no accepted decision
    `resolves` them or ranks the goals with `priorities`. Merely reading one contract (`uses`) is
    no conflict. One finding per set of intents, listing every contract and area they share

    What to do: record a decision that resolves the conflict or ranks the goals, or align the goals
    """
    shared: dict[tuple[str, str], dict[str, Document]] = defaultdict(dict)  # (what, name) -> intents
    goal_of: dict[int, str] = {}  # id(intent) -> its goal, lower-cased once (ids may be duplicated)
    for document in (*ctx.corpus.documents, *ctx.corpus.external):  # imported intents share areas too
        if document.kind != "intent" or document.status not in IN_FLIGHT or not document.values.get("goal"):
            continue
        goal_of[id(document)] = document.values["goal"].lower()
        for reference in document.references:
            if reference.key in SHARING_KEYS and reference.resolved:
                shared[("contract", reference.resolved)][document.id] = document
        for area in document.values.get("area", ()):
            shared[("area", area)][document.id] = document
    # One finding per set of intents: the things each set shares, gathered (linear in the things).
    by_set: dict[tuple[str, ...], tuple[dict[str, Document], list[tuple[str, str]]]] = {}
    for (what, name), intents in sorted(shared.items(), key=lambda item: (item[0][0] != "contract", item[0])):
        if len(intents) < 2:
            continue  # one intent cannot disagree with itself
        if len({goal_of[id(intent)] for intent in intents.values()}) < 2:
            continue
        key = tuple(sorted(intents))
        by_set.setdefault(key, (intents, []))[1].append((what, name))
    settlements = _Settlements(ctx) if by_set else None

    for intents, things in by_set.values():  # in the order of their first shared thing
        everyone = sorted(intents.values(), key=_REL)
        by_goal: dict[str, list[Document]] = defaultdict(list)
        for intent in everyone:
            by_goal[goal_of[id(intent)]].append(intent)
        open_pairs, settled_by = [], set()
        for goal_a, goal_b in combinations(sorted(by_goal), 2):
            deciders = settlements.deciders(goal_a, goal_b, by_goal) if settlements else ()
            if deciders:
                settled_by.update(deciders)
            else:
                open_pairs.append((goal_a, goal_b))
        first = next((d for d in everyone if d.external is None), None)
        if first is None:
            continue  # only imported intents: their owners' check reports it
        sides = "; ".join(f"{name_list([d.id for d in docs])} optimise{'s' if len(docs) == 1 else ''} {goal}"
                          for goal, docs in sorted(by_goal.items()))
        resolves = (", ".join(d.id for d in everyone) if len(everyone) <= NAMES_SHOWN
                    else f"the {len(everyone)} intents")
        thing = _shared_things(things)
        ids = tuple(name for what, name in things if what == "contract") + tuple(d.id for d in everyone)
        if open_pairs:
            pairs = ", ".join(f"{a} vs {b}" for a, b in open_pairs)
            yield Finding(
                "goal-conflict",
                f"intents shaping {thing} pursue different goals ({pairs}): {sides}; settle it with an accepted "
                f"decision that resolves them (resolves: [{resolves}]) or ranks the goals "
                f"(priorities: [{', '.join(sorted({g for pair in open_pairs for g in pair}))}] in the order you "
                "choose), or align the goals",
                first.rel, first.line("goal"), ids,
            )
        else:
            yield Finding(
                "goal-conflict",
                f"intents shaping {thing} pursue different goals ({sides}), settled by "
                f"{', '.join(sorted(settled_by))}",
                first.rel, first.line("goal"), ids, resolved_by=tuple(sorted(settled_by)),
            )
