"""Material fingerprints (DESIGN §5 "Material change").

A document changed *materially* only when what others rely on changed: its kind, `version`,
`status`, `defines`, `invariants` and its own references; for a contract bound to code
(`source`), the facts derived from the artifact and which of them are `required` and
`nullable` (so reformatting the schema file is no change, and dropping an enum value is). Prose, formatting, key order,
quoting, comments, owners and review dates are not material. The fingerprint is a short
hash of the canonicalised material content, prefixed with the scheme (`v1:`), so a future
scheme never forces everyone to re-review.

The material content itself (a small JSON-able dict) is kept next to the fingerprint in the
history cache, so a stale finding can say *what* changed ("version 1.4.0 → 2.0.0,
`customer.email` removed"), not only that something did.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from mkdocs_coherence.core.model import Document
from mkdocs_coherence.core.values import canonical_fact

SCHEME = "v1"
MAX_DESCRIBED = 6  # changes named in one description before "and N more"


def _fact(value: Any) -> Any:
    """A fact value in canonical, JSON-able form: lists as sorted lists, scalars as text."""
    canonical = canonical_fact(value)
    if isinstance(canonical, frozenset):
        return sorted(canonical)
    return canonical


def _words(text: str) -> str:
    return " ".join(str(text).split())


def material(document: Document) -> dict[str, Any]:
    """What others rely on, canonicalised: equal for documents that differ only in prose."""
    content: dict[str, Any] = {"kind": document.kind}
    version = document.values.get("version")
    if isinstance(version, str) and version.strip():
        content["version"] = version.strip().lstrip("vV")
    if document.status:
        content["status"] = document.status
    if document.defines:
        content["defines"] = {fact: _fact(value) for fact, value in document.defines.items()}
    artifact = document.artifact
    if artifact is not None and artifact.ok:  # bound to code: what the schema demands counts too
        if artifact.required:
            content["required"] = sorted(artifact.required)
        if artifact.nullable:
            content["nullable"] = sorted(artifact.nullable)
    invariants = document.values.get("invariants")
    if invariants:
        content["invariants"] = sorted({_words(text) for text in invariants})
    references: dict[str, list[str]] = {}
    for reference in document.references:
        references.setdefault(reference.key, []).append(_words(reference.raw))
    if references:
        content["references"] = {key: sorted(set(raws)) for key, raws in references.items()}
    return content


def hash_material(content: dict[str, Any] | None) -> str:
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return f"{SCHEME}:{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}"


def fingerprint(document: Document) -> str:
    """`v1:` + 12 hex digits of the canonical material content."""
    return hash_material(material(document))


# --- describing a change ---------------------------------------------------------------


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """Each material difference, as a short phrase, in a stable order."""
    if before is None and after is None:
        return []
    if before is None:
        return ["created"]
    if after is None:
        return ["removed"]
    said: list[str] = []
    for key in ("kind", "version", "status"):
        old, new = before.get(key), after.get(key)
        if old != new:
            said.append(f"{key} {old or 'none'} → {new or 'none'}")
    old_facts, new_facts = before.get("defines", {}), after.get("defines", {})
    for fact in sorted(set(old_facts) | set(new_facts)):
        old, new = old_facts.get(fact), new_facts.get(fact)
        if fact not in new_facts:
            said.append(f"`{fact}` removed")
        elif fact not in old_facts:
            said.append(f"`{fact}` added")
        elif old != new:
            if isinstance(old, list) and isinstance(new, list):
                lost = [v for v in old if v not in new]
                gained = [v for v in new if v not in old]
                parts = ([f"lost {', '.join(f'`{v}`' for v in lost)}"] if lost else []) + \
                        ([f"gained {', '.join(f'`{v}`' for v in gained)}"] if gained else [])
                said.append(f"`{fact}` {' and '.join(parts)}")
            else:
                said.append(f"`{fact}` {_show(old)} → {_show(new)}")
    for key in ("required", "nullable"):
        old, new = set(before.get(key, [])), set(after.get(key, []))
        said += [f"`{fact}` now {key}" for fact in sorted(new - old)]
        said += [f"`{fact}` no longer {key}" for fact in sorted(old - new)]
    old_inv, new_inv = set(before.get("invariants", [])), set(after.get("invariants", []))
    said += [f"invariant removed: \"{_short(text)}\"" for text in sorted(old_inv - new_inv)]
    said += [f"invariant added: \"{_short(text)}\"" for text in sorted(new_inv - old_inv)]
    old_refs, new_refs = before.get("references", {}), after.get("references", {})
    for key in sorted(set(old_refs) | set(new_refs)):
        old, new = set(old_refs.get(key, [])), set(new_refs.get(key, []))
        if old != new:
            moves = [f"+{r}" for r in sorted(new - old)] + [f"−{r}" for r in sorted(old - new)]
            said.append(f"{key} {' '.join(moves)}")
    return said


def describe(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """'version 1.4.0 → 2.0.0, `customer.email` removed' — or 'no material change'."""
    said = changes(before, after)
    if not said:
        return "no material change"
    if len(said) > MAX_DESCRIBED:
        said = said[:MAX_DESCRIBED] + [f"and {len(said) - MAX_DESCRIBED} more"]
    return ", ".join(said)
