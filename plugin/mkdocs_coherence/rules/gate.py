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


@family.rule(Severity.ERROR)
def gate_missing(ctx: Context) -> Iterator[Finding]:
    """a document at a risk tier lacks what that tier requires

    What it does: a document at a risk tier lacks what its gate requires (default: `high` needs
    `rollback`, `monitoring` and at least two `owners`)

    What to do: add what the message lists, or lower the risk deliberately
    """
    for document in ctx.live_documents:
        risk = document.values.get("risk")
        needs = ctx.settings.gates.get(risk, ()) if risk else ()
        if not needs:
            continue
        missing = [m for m in (_missing(document.values, need) for need in needs) if m]
        if missing:
            yield Finding(
                "gate-missing",
                f"risk {risk} requires {', '.join(needs)}; missing: {', '.join(missing)} — add them before "
                "this work proceeds, or lower the risk with a reason",
                document.rel, document.line("risk"), (document.id,),
            )


@lru_cache(maxsize=256)
def _requirement(text: str):
    """A parsed requirement (`rollback`, `reviewers>=2`): a handful per configuration."""
    return GATE_REQUIREMENT.match(text)

