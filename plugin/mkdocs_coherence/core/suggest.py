""""Did you mean …?" for a misspelt name: one rule for every message that offers one."""

from __future__ import annotations

from typing import Iterable


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like `word`, if one is close enough to be worth suggesting."""
    import difflib  # only a misspelling needs it: kept out of every check's start-up

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None
