"""breaking-change (contract tier): every contract against its version at a base revision.

With `--base REV` (or `base:` / `COHERENCE_BASE`), each contract that existed at the base is
compared fact by fact with what it defines now (lists compare as sets):

- a fact removed, a scalar fact changed, or an enum (list) that lost a value, without a major
  version bump (a minor bump below 1.0.0, as semantic versioning allows) → error naming
  each change;
- a fact added, or an enum that gained a value, without at least a minor bump → warning.

A contract that is new since the base is not a breaking change. A contract bound to code
(`source`) is compared on its derived facts, read from the artifact at the base too, and on
what its schema demands (`required`, `nullable`), by direction: request or response
(ADR-0022). The base is read with one `git ls-tree` and one `git cat-file --batch`
(history.py), sharing the fingerprint cache.
"""

from __future__ import annotations

from typing import Iterator

from mkdocs_coherence.core.findings import Finding, Severity
from mkdocs_coherence.core.fingerprints import material
from mkdocs_coherence.core.git import GitError
from mkdocs_coherence.core.history import materials_at
from mkdocs_coherence.core.values import parse_version
from mkdocs_coherence.rules import Context
from mkdocs_coherence.rules.registry import Family

family = Family("contract", notes="""
## Breaking changes

With a base revision — `coherence check --base origin/main`, the `base:` option, or the
`COHERENCE_BASE` environment variable for `mkdocs build` — every contract is compared
with its version at the base (the same file path), fact by fact, lists as sets:

| change since the base | needs | otherwise |
|---|---|---|
| a fact removed, a value changed, an enum (list) lost a value | a major bump (`1.4.0 → 2.0.0`; below 1.0.0 a minor bump, as semantic versioning allows) | `breaking-change` error naming each change |
| a fact added, an enum gained a value | at least a minor bump (`1.4.0 → 1.5.0`) | `breaking-change` warning |
| a contract that did not exist at the base | nothing | — |

A contract bound to code (`source`) is compared on the facts read from its artifact, itself
read at the base revision (the same tree, no checkout), and on what the schema demands: in a
request body (or a plain JSON Schema file, which validates what it is given) a property
newly `required` or no longer `nullable` is breaking; in a response a property no longer
`required` or newly `nullable` is. The other direction is an addition. Where an OpenAPI
schema is used is read from the document's `paths` (local `$ref`s followed); a schema no
operation uses counts as a request body.

The working tree is compared, committed or not. A base that cannot be read (a shallow
clone without the branch) is an error, never a silent pass.
""")


def _compare(before: dict, after: dict) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(breaking, additive) changes between two `defines` (canonical material), as (fact, phrase)."""
    breaking, additive = [], []
    for fact in sorted(set(before) | set(after)):
        if fact not in after:
            breaking.append((fact, f"`{fact}` removed"))
        elif fact not in before:
            additive.append((fact, f"`{fact}` added"))
        elif before[fact] != after[fact]:
            old, new = before[fact], after[fact]
            if isinstance(old, list) and isinstance(new, list):
                lost = [v for v in old if v not in new]
                gained = [v for v in new if v not in old]
                if lost:
                    breaking.append((fact, f"`{fact}` lost {', '.join(f'`{v}`' for v in lost)}"))
                if gained:
                    additive.append((fact, f"`{fact}` gained {', '.join(f'`{v}`' for v in gained)}"))
            else:
                show = lambda v: "[" + ", ".join(v) + "]" if isinstance(v, list) else str(v)  # noqa: E731
                breaking.append((fact, f"`{fact}` changed from {show(old)} to {show(new)}"))
    return breaking, additive


def _demands(before: dict, after: dict, used: frozenset | None) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(breaking, additive) changes of what a schema bound to code demands: `required` and
    `nullable`, judged by where the schema is used. A request body (or a JSON Schema file,
    which validates what it is given) breaks when it demands more: a property newly required
    or no longer nullable rejects what clients sent before. A response breaks when it promises
    less: a property no longer required, or newly nullable, fails what clients read before."""
    if "required" not in before and "required" not in after and "nullable" not in before \
            and "nullable" not in after:
        return [], []
    roles = set(used or ()) or {"request"}  # where the schema is used now (artifacts.roles)
    where = "the schema" if not used else " and ".join(
        {"request": "a request body", "response": "a response"}.get(role, role) for role in sorted(roles))
    facts = after.get("defines", {})
    breaking, additive = [], []
    for key, stricter, looser in (("required", "newly required", "no longer required"),
                                  ("nullable", "no longer nullable", "newly nullable")):
        old, new = set(before.get(key, [])), set(after.get(key, []))
        for fact, phrase, tighter in ([(f, stricter if key == "required" else looser, key == "required")
                                       for f in sorted(new - old)]
                                      + [(f, looser if key == "required" else stricter, key != "required")
                                         for f in sorted(old - new)]):
            if fact not in facts:
                continue  # removed: said once, as a removed fact
            breaks = ("request" in roles and tighter) or ("response" in roles and not tighter)
            (breaking if breaks else additive).append((fact, f"`{fact}` {phrase} in {where}"))
    return breaking, additive


@family.rule(Severity.ERROR, lower=Severity.WARNING)
def breaking_change(ctx: Context) -> Iterator[Finding]:
    """a defined fact was removed or changed without a major version bump

    What it does: against a base revision (`base`, `--base`, `COHERENCE_BASE`), a contract's defined
    fact was removed or changed, or an enum lost a value, without a major version bump (error); a
    fact or enum value was added without at least a minor bump (warning); for a contract bound
    to code (`source`) the artifact is read at the base too, and a property newly `required` in a
    request body is breaking; see [Breaking changes](#breaking-changes).

    Across repositories (`imports`), a live document that pins a range on an imported contract
    whose owners moved its major version past that range is told here (error), with no base needed

    What to do: bump the major version and let consumers migrate, or restore the fact; bump the
    minor version for additions; for an imported contract, migrate to its new major version and
    update the range
    """
    yield from _moved_on_by_owners(ctx)
    base = ctx.settings.base
    if not base:
        return
    contracts = {d.rel: d for d in ctx.corpus.documents if d.kind == "contract"}
    if not contracts:
        return
    try:
        at_base = materials_at(ctx.settings, base, contracts)
    except GitError as error:
        yield Finding(
            "breaking-change",
            f"contracts could not be compared with the base revision '{base}': {error}; fetch it (in CI, "
            "actions/checkout with `fetch-depth: 0`) or pass an existing revision with --base",
            None, None, (), Severity.ERROR)
        return
    for rel, contract in sorted(contracts.items()):
        before = at_base.get(rel)
        if before is None or before.get("kind") != "contract":
            continue  # new since the base (or not a contract there): nothing to break
        now = material(contract)
        breaking, additive = _compare(before.get("defines", {}), now.get("defines", {}))
        demanded, relaxed = _demands(before, now, getattr(contract.artifact, "roles", None))
        breaking, additive = breaking + demanded, additive + relaxed
        if not breaking and not additive:
            continue
        old_version, new_version = parse_version(before.get("version")), contract.version
        shown = f"{old_version or 'no version'} → {new_version or 'no version'}"
        major = bool(old_version and new_version and (
            new_version.major > old_version.major
            or (old_version.major == 0 and new_version.major == 0 and new_version.minor > old_version.minor)))
        minor = bool(old_version and new_version and new_version > old_version
                     and (new_version.major, new_version.minor) > (old_version.major, old_version.minor))
        line = contract.line("version") or contract.line("defines", (breaking or additive)[0][0]) \
            or contract.line("defines") or 1
        if breaking and not major:
            target = f"{old_version.major + 1}.0.0" if old_version else "a new major version"
            yield Finding(
                "breaking-change",
                f"contract '{contract.id}' changed incompatibly since {base} without a major version bump "
                f"({shown}): {'; '.join(phrase for _, phrase in breaking)}; bump the version to {target} and let "
                "consumers migrate, or restore what was removed or changed",
                contract.rel, line, (contract.id,), Severity.ERROR)
        elif additive and not breaking and not minor and not major:
            target = f"{old_version.major}.{old_version.minor + 1}.0" if old_version else "a new minor version"
            yield Finding(
                "breaking-change",
                f"contract '{contract.id}' gained facts since {base} without a minor version bump ({shown}): "
                f"{'; '.join(phrase for _, phrase in additive)}; bump the version to at least {target} so "
                "consumers can tell",
                contract.rel, line, (contract.id,), Severity.WARNING)



def _moved_on_by_owners(ctx: Context) -> Iterator[Finding]:
    """Imported contracts whose major version moved past the range a local document pins."""
    from mkdocs_coherence.rules.contract import _contract_references, moved_past

    for document, reference, contract in ctx.shared(_contract_references):
        if moved_past(reference, contract):
            owner = contract.external.project
            yield Finding(
                "breaking-change",
                f"{reference.key} pins {contract.id}@{reference.range.text}, but project '{owner}' moved contract "
                f"'{contract.id}' to {contract.version}, past that range: a breaking change across the boundary; "
                f"migrate this {document.kind} to the {contract.version.major}.x contract and update its range "
                f"(or ask '{owner}' to keep the old major version)",
                document.rel, reference.line, (document.id, contract.id), Severity.ERROR)
