"""Gate rule: what each risk tier requires before work proceeds (config `gates`)."""

from __future__ import annotations

from typing import Iterator

from ..config import GATE_REQUIREMENT
from ..findings import Finding
from . import Context


def _missing(values: dict, requirement: str) -> str | None:
    match = GATE_REQUIREMENT.match(requirement)
    key, count = match.group("key"), match.group("count")
    value = values.get(key)
    if count is None:
        return None if value not in (None, "", [], {}) else f"`{key}`"
    have = len(value) if isinstance(value, (list, tuple, dict)) else (1 if value else 0)
    return None if have >= int(count) else f"at least {count} {key} (has {have})"


def gate_missing(ctx: Context) -> Iterator[Finding]:
    for document in ctx.corpus.documents:
        risk = document.values.get("risk")
        needs = ctx.settings.gates.get(risk, ()) if risk else ()
        if not needs or not document.live:
            continue
        missing = [m for m in (_missing(document.values, need) for need in needs) if m]
        if missing:
            yield Finding(
                "gate-missing",
                f"risk {risk} requires {', '.join(needs)}; missing: {', '.join(missing)} — add them before "
                "this work proceeds, or lower the risk with a reason",
                document.rel, document.line("risk"), (document.id,),
            )


RULES = (gate_missing,)
