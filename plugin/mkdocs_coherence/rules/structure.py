"""Structure rules: ids, references and loops (frontmatter-invalid, schema and unknown-key
come from reading and validating, before the graph exists: declared here, emitted by core)."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from typing import Iterator

from mkdocs_coherence.core.findings import Finding, Severity
from mkdocs_coherence.core.graph import resolve_path, strongly_connected
from mkdocs_coherence.core.lookalike import fold, unusual
from mkdocs_coherence.core.numbering import BaseUnreadable, base_clash_findings, base_decisions
from mkdocs_coherence.core.suggest import closest
from mkdocs_coherence.rules import Context
from mkdocs_coherence.rules.registry import Family

family = Family("structure")

family.emitted("frontmatter-invalid", Severity.ERROR, by="the loader (core/loader.py) and the check pipeline", doc="""
    YAML does not parse, or sits where MkDocs would not read it

    What it does: the front-matter is not YAML, is empty, is not a mapping, is never closed, or does
    not start at the first line (MkDocs would render it as raw text); also a file that is not UTF-8;
    a key written twice in one mapping (what a merge leaves: MkDocs and the check keep the last value,
    the finding names both lines and values); a key YAML does not read as text (`1:`, `true:`,
    `null:`, a date), read as written

    What to do: fix the YAML at the line given; move the `---` to the very first line; save the file
    as UTF-8; delete the wrong one of two repeated keys; quote a key that is not text
    """)

family.emitted("schema", Severity.ERROR, by="validation (core/schema.py), the check pipeline, outcome-missed", doc="""
    wrong type or value; unknown kind or status

    What it does: a key has the wrong type or value: an unknown `kind` or `status`, a version that is
    not `"MAJOR.MINOR.PATCH"`, a date that is not `YYYY-MM-DD`, a text where a list is expected, a
    malformed version range, a waiver for a rule that does not exist

    What to do: use the type and one of the allowed values the message lists
    """)

family.emitted("unknown-key", Severity.WARNING, by="validation (core/schema.py)", doc="""
    key not in the contract

    What it does: a key is not part of the contract for this kind (with a "did you mean"
    suggestion), or belongs to another kind (`version` on an intent)

    What to do: fix the spelling, or move the information into the body
    """)

CYCLE_EDGES = ("supersedes", "depends_on")
RANGE_TAIL = re.compile(r"^(?:<|>|<=|>=|==|!=)\s*v?\d+(?:\.\d+){0,2}$")  # "<3" of "id@>=2,<3" split by YAML


@family.rule(Severity.ERROR)
def duplicate_id(ctx: Context) -> Iterator[Finding]:
    """two documents claim one id

    What it does: two documents claim one id, including two ADRs with the same number

    What to do: give one an explicit different `id:`, or renumber the ADR
    """
    claims = defaultdict(list)
    for document in ctx.corpus.documents:
        claims[document.id].append(document)
    base = _base_decisions(ctx)  # with --base: the file the base has keeps its number
    for document_id, documents in claims.items():
        if len(documents) < 2:
            continue
        first, *others = sorted(documents, key=lambda d: d.rel)
        keep = next((d for d in (first, *others) if base is not None and d.rel in base.paths), first)
        for document in [d for d in (first, *others) if d is not keep]:
            explicit = document.id_line is not None
            renumber = f"coherence renumber {document.rel}" + (f" --base {base.base}" if base else "")
            fix = ("give it another id" if explicit
                   else f"renumber the file (the id comes from its number): `{renumber}`" if document.kind == "decision"
                   else "set an explicit `id:`")
            yield Finding(
                "duplicate-id",
                f"id '{document_id}' is claimed by {len(documents)} documents: "
                f"{', '.join(d.rel for d in sorted(documents, key=lambda d: d.rel))}; "
                f"references to it resolve to {first.rel} — {fix}",
                document.rel, document.id_line or 1, (document_id,),
            )
    if base is not None:
        yield from base_clash_findings(ctx, base)


@family.rule(Severity.WARNING)
def confusable_id(ctx: Context) -> Iterator[Finding]:
    """two ids are the same after Unicode NFKC and confusable folding

    What it does: two or more documents have ids that a reader cannot tell apart: they differ only
    in how an accent is encoded (`café` as one character or as `e` and a combining accent), in
    letters of another script that look the same (`сustomer` with a Cyrillic `с`), in characters
    that look alike (`0` and `O`, `rn` and `m`) or in invisible characters (a zero-width space).
    Ids are compared after Unicode NFKC, the removal of zero-width characters and Unicode's
    confusable folding (UTS #39); one finding names every id of the group and its file, with the
    unusual characters named

    What to do: rename all but one so every id reads as what it is: retype the `id:` (or the file
    name it comes from) in plain characters
    """
    groups: dict[str, dict[str, list]] = defaultdict(dict)
    for document in ctx.corpus.documents:
        groups[fold(document.id)].setdefault(document.id, []).append(document)
    for ids in groups.values():
        if len(ids) < 2:
            continue
        documents = sorted((d for group in ids.values() for d in group), key=lambda d: d.rel)
        # Point at the odd one: an id not in composed form (NFC), else one that is not plain ASCII.
        head = min(documents, key=lambda d: (unicodedata.is_normalized("NFC", d.id), d.id.isascii(), d.rel))
        named = "; ".join(
            f"'{document.id}' in {document.rel}" + (f" (with {unusual(document.id)})" if unusual(document.id) else "")
            for document in documents)
        yield Finding(
            "confusable-id",
            f"{len(ids)} ids look the same but are different ids: {named}; a reference to one may mean "
            "another — rename all but one in plain characters",
            head.rel, head.id_line or 1, tuple(sorted(ids)),
        )


def _base_decisions(ctx: Context):
    """The base revision's decision files, or None without a base (or when git cannot read it)."""
    if not ctx.settings.base:
        return None
    try:
        return base_decisions(ctx.settings, ctx.settings.base)
    except BaseUnreadable:
        return None  # `coherence check --base` verifies the revision first and says so


@family.rule(Severity.ERROR)
def unresolved_reference(ctx: Context) -> Iterator[Finding]:
    """a reference names no document

    What it does: a reference names no document, by id or by relative path (with a suggestion)

    What to do: fix the id or the path, or write the missing document
    """
    folded = None
    for document, reference in ctx.graph.unresolved:
        lookalike = None
        if not reference.is_path:
            if folded is None:  # only a tree with an unresolved reference folds its ids
                folded = {fold(other): other for other in sorted(ctx.graph.index, reverse=True)}
            lookalike = folded.get(fold(reference.target))
        close = lookalike or (closest(reference.target, ctx.graph.index) if not reference.is_path else None)
        hint = f"; did you mean '{close}'?" if close else "; check the id or the relative path"
        if lookalike:
            seen = [f"'{text}' has {unusual(text)}" for text in (reference.target, lookalike) if unusual(text)]
            hint += (" The two look alike but differ in characters a reader cannot tell apart"
                     f"{' (' + '; '.join(seen) + ')' if seen else ''}; retype the reference")
        if RANGE_TAIL.match(reference.raw):
            hint = ("; it looks like the second half of a range split by a comma: quote the whole reference, "
                    "e.g. \"customer-profile@>=2.1,<3\"")
        what = "path" if reference.is_path else "id"
        if reference.is_path and _outside(ctx, document, reference.target):
            hint = ("; it points outside the repository, where references never reach — name a document "
                    "of this project by its id or by a path inside the project")
        yield Finding(
            "unresolved-reference",
            f"{reference.key} names '{reference.raw}', but no document has that {what}{hint}",
            document.rel, reference.line, (document.id,),
        )


def _outside(ctx: Context, document, target: str) -> bool:
    candidate = resolve_path(document, target)
    return candidate is not None and not ctx.settings.inside(candidate)


@family.rule(Severity.ERROR)
def cycle(ctx: Context) -> Iterator[Finding]:
    """supersedes or depends_on loops

    What it does: `supersedes` or `depends_on` links form a loop

    What to do: remove one of the links the message lists
    """
    for edge_type in CYCLE_EDGES:
        links: dict[str, list[str]] = {}
        for u, v, _ in ctx.graph.edges_of_type(edge_type):
            links.setdefault(u, []).append(v)
        # Most trees have no loop: prove that in linear time without networkx, and only then
        # let networkx name the loop (its DFS order picks which loop a message shows).
        if links and _has_loop(links):
            yield from _loops(ctx, edge_type)


def _has_loop(links: dict[str, list[str]]) -> bool:
    return any(len(component) > 1 or component[0] in links.get(component[0], ())
               for component in strongly_connected(links, lambda node: links.get(node, ())))


def _loops(ctx: Context, edge_type: str) -> Iterator[Finding]:
    import networkx as nx

    sub = nx.DiGraph()
    sub.add_edges_from((u, v) for u, v, _ in ctx.graph.edges_of_type(edge_type))
    # Components first: find_cycle on a large acyclic graph is slow (DESIGN §11).
    for component in nx.strongly_connected_components(sub):
        if len(component) == 1:
            node = next(iter(component))
            if not sub.has_edge(node, node):
                continue
        loop = [u for u, _ in nx.find_cycle(sub.subgraph(component))]
        start = min(loop)
        at = loop.index(start)
        loop = loop[at:] + loop[:at]
        head = ctx.graph.index[start]
        line = next((r.line for r in head.references if r.key == edge_type and r.resolved == loop[(1 % len(loop))]),
                    head.line(edge_type))
        yield Finding(
            "cycle",
            f"{edge_type} loops: {' → '.join(loop + [start])}; remove one of these links",
            head.rel, line, tuple(loop),
        )

