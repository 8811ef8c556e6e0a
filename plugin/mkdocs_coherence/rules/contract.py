"""Contract rules: version ranges, retired contracts, assumptions that contradict definitions."""

from __future__ import annotations

from typing import Iterator

from mkdocs_coherence.core.findings import Finding, Severity
from mkdocs_coherence.core.graph import defines_authoritatively
from mkdocs_coherence.core.values import canonical_fact, show_fact
from mkdocs_coherence.rules import Context
from mkdocs_coherence.rules.registry import Family

family = Family("contract")

CONSUMING_KEYS = ("uses", "changes", "depends_on")


def _contract_references(ctx: Context) -> list:
    """(document, reference, contract) for every live document's reference to a contract."""
    found = []
    index = ctx.graph.index
    for document in ctx.live_documents:
        for reference in document.references:
            target = index.get(reference.resolved) if reference.resolved else None
            if target is not None and target.kind == "contract" and reference.key in CONSUMING_KEYS:
                found.append((document, reference, target))
    return found


def moved_past(reference, contract) -> bool:
    """An imported contract whose version lies above every version the reference's range allows:
    its owners moved its major version on (breaking-change), as opposed to a range that the
    consumer got wrong (version-mismatch)."""
    version = contract.version
    if contract.external is None or reference.range is None or version is None or reference.range.contains(version):
        return False
    uppers = [(op, bound) for op, bound in reference.range.clauses if op in ("<", "<=")]
    return bool(uppers) and all(version >= bound if op == "<" else version > bound for op, bound in uppers)


@family.rule(Severity.ERROR)
def version_mismatch(ctx: Context) -> Iterator[Finding]:
    """a live document uses a contract outside its version range

    What it does: a live document `uses`, `changes` or `depends_on` a contract with a version range
    that does not contain the contract's `version`, or pins a range on a contract that declares no
    version

    What to do: move the document to the contract's current major version and update its range, or
    keep the contract compatible
    """
    for document, reference, contract in ctx.shared(_contract_references):
        if reference.range is None:
            continue
        matches = reference.matches(contract.version)
        if matches is None:  # a range, but the contract has no version
            yield Finding(
                "version-mismatch",
                f"{reference.key} pins '{reference.raw}', but contract '{contract.id}' declares no version; "
                f"give {contract.rel} a `version:`",
                document.rel, reference.line, (document.id, contract.id),
            )
        elif not matches and not moved_past(reference, contract):  # moved past: breaking-change says so
            yield Finding(
                "version-mismatch",
                f"{reference.key} pins {contract.id}@{reference.range.text}, but contract '{contract.id}' is at "
                f"{contract.version}; update this {document.kind} to the {contract.version.major}.x contract "
                f"(and its range), or keep the contract compatible",
                document.rel, reference.line, (document.id, contract.id),
            )


@family.rule(Severity.ERROR, lower=Severity.WARNING)
def retired_contract(ctx: Context) -> Iterator[Finding]:
    """a live document uses a retired (error) or deprecated (warning) contract

    What it does: a live document uses a `retired` contract (error) or a `deprecated` one (warning)

    What to do: move to the replacement contract, or revive the contract
    """
    for document, reference, contract in ctx.shared(_contract_references):
        if contract.status == "retired":
            yield Finding(
                "retired-contract",
                f"{reference.key} names contract '{contract.id}', which is retired; move to its replacement "
                "or revive the contract",
                document.rel, reference.line, (document.id, contract.id), Severity.ERROR,
            )
        elif contract.status == "deprecated":
            yield Finding(
                "retired-contract",
                f"{reference.key} names contract '{contract.id}', which is deprecated; plan the move to its "
                "replacement",
                document.rel, reference.line, (document.id, contract.id), Severity.WARNING,
            )


@family.rule(Severity.ERROR)
def assumption_violated(ctx: Context) -> Iterator[Finding]:
    """an assumption contradicts a fact a contract or accepted decision defines

    What it does: a live document `assumes` a fact with a value that contradicts what a contract
    (not retired) or an accepted decision `defines`

    What to do: align the assumption with the definition, or change the definition deliberately and
    bump the contract's major version
    """
    definitions: dict[str, list] = {}  # fact -> (definer, canonical value): once per fact, not per assumer
    for document in ctx.live_documents:
        if not document.assumes:
            continue
        for fact, assumed in document.assumes.items():
            definers = ctx.graph.definers.get(fact)
            if not definers:
                continue
            if fact not in definitions:
                definitions[fact] = [(d, canonical_fact(d.defines[fact])) for d in definers]
            expected = canonical_fact(assumed)
            contradicting = [d for d, value in definitions[fact] if d is not document and value != expected]
            if not contradicting:
                continue
            by_value: dict = {}
            for definer in contradicting:
                by_value.setdefault(canonical_fact(definer.defines[fact]), []).append(definer)
            sides = "; ".join(
                f"{' and '.join(f'{d.kind} {d.id!r}' for d in group)} define{'s' if len(group) == 1 else ''} "
                f"{show_fact(group[0].defines[fact])}"
                for group in by_value.values())
            yield Finding(
                "assumption-violated",
                f"assumes {fact} = {show_fact(assumed)}, but {sides}; align this {document.kind} with the "
                "definition, or change the definition deliberately (and bump its version)",
                document.rel, document.line("assumes", fact), (document.id, *(d.id for d in contradicting)),
            )



def _namespace(fact: str) -> str:
    """`trip.currency` -> `trip`: the facts a contract owns share their first segment."""
    return fact.split(".", 1)[0]


@family.rule(Severity.WARNING)
def undefined_assumption(ctx: Context) -> Iterator[Finding]:
    """a document assumes a fact in a namespace a contract it uses defines, but nothing defines that fact

    What it does: a live document assumes a fact (`trip.legacy_id`) in a namespace (`trip.*`) that a
    contract it `uses`, `changes` or `depends_on` defines, but no contract or accepted decision
    defines that fact: typically the contract dropped it in its last major version, and the
    assumption now passes unchecked

    What to do: move to what the contract defines now (and drop the assumption), or ask the
    contract's owners to define the fact again
    """
    owned: dict[str, dict[str, None]] = {}  # contract id -> namespaces it defines facts in
    index = ctx.graph.index
    for document, reference, contract in ctx.shared(_contract_references):
        if not document.assumes or not contract.defines or not defines_authoritatively(contract):
            continue
        if contract.id not in owned:
            owned[contract.id] = dict.fromkeys(_namespace(fact) for fact in contract.defines)
    if not owned:
        return
    for document in ctx.live_documents:
        if not document.assumes:
            continue
        contracts = [reference.resolved for reference in document.references
                     if reference.key in CONSUMING_KEYS and reference.resolved in owned]
        if not contracts:
            continue
        for fact in document.assumes:
            if fact in ctx.graph.definers:
                continue
            owners = list(dict.fromkeys(c for c in contracts if _namespace(fact) in owned[c]))
            if not owners:
                continue
            described = " and ".join(
                f"contract '{c}'" + (f" (at {index[c].version})" if index[c].version is not None else "")
                for c in owners)
            yield Finding(
                "undefined-assumption",
                f"assumes {fact}, but {described}, which this {document.kind} relies on for "
                f"{_namespace(fact)}.*, defines no such fact (nothing else does either; was it removed in a "
                f"major version?); move to what the contract defines now and drop the assumption, or ask its "
                f"owners to define {fact} again",
                document.rel, document.line("assumes", fact), (document.id, *owners))


def _where(contract) -> str:
    artifact = contract.artifact
    shown = artifact.repo_path or artifact.path
    return f"{shown}#{artifact.pointer}" if artifact.pointer else shown


@family.rule(Severity.ERROR)
def contract_drift(ctx: Context) -> Iterator[Finding]:
    """a contract bound to code (`source`) defines facts its artifact disagrees with, or the artifact cannot be read

    What it does: a contract with `source` (an OpenAPI 3.x or JSON Schema file of the repository,
    with a JSON pointer; `facts_prefix` names the namespace, default the schema's name) also
    declares `defines`, and a declared fact of that namespace is missing from the artifact, has
    another type or enum there, or the artifact has a fact `defines` leaves out (an object whose
    properties are declared need not be); or the artifact cannot be read (missing file, bad
    pointer, invalid YAML or JSON, a `$ref` leaving the repository, a limit). The artifact is the
    truth in its namespace; declared facts outside it stand as written (ADR-0022)

    What to do: align `defines` with the code (or drop `defines` and let the code define the
    facts), or change the code deliberately and bump the contract's version; for an unreadable
    artifact, correct the path, pointer or file
    """
    for contract in ctx.corpus.documents:
        artifact = contract.artifact
        if artifact is None or contract.kind != "contract":
            continue
        source_line = contract.line("source") or 1
        for problem in artifact.problems:
            yield Finding(
                "contract-drift",
                f"contract '{contract.id}' cannot read its source {_where(contract)}: {problem}; until it can, "
                "the facts written in `defines` stand unchecked",
                contract.rel, source_line, (contract.id,))
        declared = contract.values.get("defines") or {}
        if artifact.problems or not declared:
            continue
        code = artifact.facts
        for fact, value in declared.items():
            if not artifact.owns(fact):
                continue  # outside the schema's namespace: a fact no schema holds, declared by hand
            if fact not in code:
                said = f"defines {fact} = {show_fact(value)}, but {_where(contract)} has no such property"
            elif canonical_fact(value) != canonical_fact(code[fact]):
                said = (f"defines {fact} = {show_fact(value)}, but {_where(contract)} says "
                        f"{show_fact(code[fact])}")
            else:
                continue
            yield Finding(
                "contract-drift",
                f"contract '{contract.id}' {said}; align `defines` with the code (or drop `defines` and let the "
                "code define the facts), or change the code deliberately and bump the version",
                contract.rel, contract.line("defines", fact) or contract.line("defines") or source_line, (contract.id,))
        # An object or array with properties below it is told by those: `customer.address.city`
        # declared, `customer.address: object` need not be.
        parents = {fact.rsplit(".", 1)[0] for fact in code if "." in fact}
        extra = [fact for fact in code if fact not in declared and fact not in parents]
        if extra:
            shown = ", ".join(f"{fact} = {show_fact(code[fact])}" for fact in extra[:6])
            more = f" and {len(extra) - 6} more" if len(extra) > 6 else ""
            yield Finding(
                "contract-drift",
                f"contract '{contract.id}' leaves out what {_where(contract)} defines: {shown}{more}; add them to "
                "`defines`, or drop `defines` and let the code define the facts",
                contract.rel, contract.line("defines") or source_line, (contract.id,))
