"""Rule families: one module per family, each rule a function of a `Context` that yields
findings, declared with its slug, tier, severity and documentation (`registry.py`).

Adding a rule touches one module and its fixture (tests/rules/); the check runs every
declared rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Iterator, TypeVar

from mkdocs_coherence.core.config import Settings
from mkdocs_coherence.core.findings import Finding
from mkdocs_coherence.core.graph import Graph
from mkdocs_coherence.core.model import Corpus, Document

if TYPE_CHECKING:
    from mkdocs_coherence.core.history import History

T = TypeVar("T")


@dataclass
class Context:
    corpus: Corpus
    graph: Graph
    settings: Settings
    today: date
    _history: History | None = field(default=None, repr=False)
    _shared: dict[Callable[[Context], Any], Any] = field(default_factory=dict, repr=False)

    @cached_property
    def live_documents(self) -> list[Document]:
        """The live documents in corpus order: most rules look at no others."""
        return [document for document in self.corpus.documents if document.live]

    def shared(self, compute: Callable[[Context], T]) -> T:
        """`compute(self)`, computed once per check: for what several rules of a family read."""
        if compute not in self._shared:
            self._shared[compute] = compute(self)
        return self._shared[compute]

    @property
    def history(self) -> History:
        """Git history for the stale and breaking-change rules: read once per check, on first
        use, so a check whose stale rules are all off never runs git (see `history.py`)."""
        if self._history is None:
            from mkdocs_coherence.core.history import read_history

            self._history = read_history(self.corpus, self.settings, self.graph)
        return self._history


RuleFunction = Callable[[Context], Iterator[Finding]]

NAMES_SHOWN = 8  # a message names this many sides; `ids` always carries all of them


def name_list(names, limit: int = NAMES_SHOWN, quote: bool = True) -> str:
    """"'a', 'b' and 3 more": readable messages even when a hub has thousands of consumers."""
    names = list(names)
    shown = ", ".join(f"'{name}'" if quote else name for name in names[:limit])
    return f"{shown} and {len(names) - limit} more" if len(names) > limit else shown


def all_rules() -> list[tuple[str, RuleFunction]]:
    """(family module, function) pairs in a stable order: every declared rule with a runner."""
    from mkdocs_coherence.rules.registry import runners

    return runners()
