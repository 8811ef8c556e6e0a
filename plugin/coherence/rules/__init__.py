"""Rule families: each module exposes `RULES`, functions of a `Context` that yield findings.

Adding a rule touches one module and its test; the engine runs every function listed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterator

from ..config import Settings
from ..findings import Finding
from ..graph import Graph
from ..model import Corpus


@dataclass
class Context:
    corpus: Corpus
    graph: Graph
    settings: Settings
    today: date


RuleFunction = Callable[[Context], Iterator[Finding]]


def all_rules() -> list[tuple[str, RuleFunction]]:
    """(family, function) pairs in a stable order."""
    from . import contract, structure

    return [(module.__name__.rsplit(".", 1)[1], function)
            for module in (structure, contract) for function in module.RULES]
