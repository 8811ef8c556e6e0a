"""The dependency graph: one node per document, one typed edge per resolved reference.

The check itself reads plain adjacency dicts (`succ`, `pred`, `edges()`): iterating them costs
a fraction of networkx's report views, and a check never has to import networkx. The networkx
`MultiDiGraph` that the site, `coherence graph` and `impact` read is built on first use of
`Graph.graph`, from the same edges in the same order, so both views list edges identically.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from mkdocs_coherence.core.model import Corpus, Document, Reference
from mkdocs_coherence.core.values import Version, VersionRange

if TYPE_CHECKING:
    import networkx as nx

ADR_REFERENCE = re.compile(r"^ADR[- _]?0*(\d{1,18})$", re.IGNORECASE)

# A fact is defined authoritatively by a contract that still stands or an accepted decision.
DEFINING_STATUSES = {"contract": {"draft", "active", "deprecated", None}, "decision": {"accepted"}}


def defines_authoritatively(document: Document) -> bool:
    return document.status in DEFINING_STATUSES.get(document.kind, ())


@dataclass(slots=True, eq=False)
class Edge:
    """One link, typed from the graph to every output: the reference it came from (with its
    parsed range) stays with it, so nothing downstream re-parses text."""

    source: str
    target: str
    type: str  # uses, changes, depends_on, supersedes, resolves, affects, or assumes
    line: int | None  # of the reference (or the assumption) in the file that states it
    reference: Reference | None = None  # None for `assumes`: derived from a fact, not written
    fact: str | None = None  # for `assumes`: the fact assumed
    derived: bool = False  # stated on the target (`superseded_by`), not on the source

    @property
    def range(self) -> VersionRange | None:
        """The version range the source pins, if any."""
        return self.reference.range if self.reference is not None and not self.derived else None

    def matches(self, version: Version | None) -> bool | None:
        """Does the pinned range contain `version`? None when nothing is pinned or it is unknown."""
        return self.reference.matches(version) if self.reference is not None and not self.derived else None


@dataclass(eq=False)
class Graph:
    index: dict[str, Document]
    unresolved: list[tuple[Document, Reference]] = field(default_factory=list)
    definers: dict[str, list[Document]] = field(default_factory=dict)  # fact -> defining documents
    superseded_by: dict[str, list[str]] = field(default_factory=dict)  # decision -> accepted successors
    # source -> target -> edges, and target -> source -> the same edges. Insertion order is
    # networkx's (nodes in index order, neighbours by first edge, then edge key), so iterating
    # these gives exactly what `graph.edges()` / `in_edges()` / `out_edges()` would.
    succ: dict[str, dict[str, list[Edge]]] = field(default_factory=dict, repr=False)
    pred: dict[str, dict[str, list[Edge]]] = field(default_factory=dict, repr=False)
    _added: list[Edge] = field(default_factory=list, repr=False)  # in add order
    _typed: dict[str, list[tuple[str, str, Edge]]] = field(default_factory=dict, repr=False)

    def add_edge(self, edge: Edge) -> None:
        self.succ[edge.source].setdefault(edge.target, []).append(edge)
        self.pred[edge.target].setdefault(edge.source, []).append(edge)
        self._added.append(edge)
        self._typed.clear()  # an edge added late must not be missing from a typed list or the networkx view
        self.__dict__.pop("graph", None)

    def edges(self) -> Iterator[tuple[str, str, Edge]]:
        """(source, target, edge) for every edge, in networkx's `edges(data=True)` order."""
        for source, targets in self.succ.items():
            for target, edges in targets.items():
                for edge in edges:
                    yield source, target, edge

    def edges_of_type(self, edge_type: str) -> list[tuple[str, str, Edge]]:
        """The edges of one type, in `edges()` order; kept for the types asked for (the rare
        ones: supersedes, depends_on), so `uses` and `assumes` edges are not held twice."""
        edges = self._typed.get(edge_type)
        if edges is None:
            edges = self._typed[edge_type] = [edge for edge in self.edges() if edge[2].type == edge_type]
        return edges

    def out_edges(self, document_id: str) -> list[Edge]:
        """The edges from the document, in networkx's `out_edges` order."""
        return [edge for edges in self.succ.get(document_id, {}).values() for edge in edges]

    def in_edges(self, document_id: str) -> list[Edge]:
        """The edges into the document (links the other way), in networkx's `in_edges` order."""
        return [edge for edges in self.pred.get(document_id, {}).values() for edge in edges]

    @cached_property
    def graph(self) -> "nx.MultiDiGraph":
        """The networkx view, built on first use (networkx is imported only then)."""
        import networkx as nx

        graph = nx.MultiDiGraph()
        graph.add_nodes_from((d.id, {"kind": d.kind, "status": d.status, "title": d.title, "path": d.rel})
                             for d in self.index.values())
        graph.add_edges_from((edge.source, edge.target, {"edge": edge}) for edge in self._added)
        return graph

    @cached_property
    def unresolved_of(self) -> dict[str, list[str]]:
        """document id -> the raw references of it that name nothing, in order."""
        by_document: dict[str, list[str]] = {}
        for document, reference in self.unresolved:
            by_document.setdefault(document.id, []).append(reference.raw)
        return by_document

    @cached_property
    def standing_decisions_into(self) -> dict[str, list[tuple[str, str]]]:
        """document id -> (standing decision, edge type) for each edge into it: one pass over the
        edges, so per-document context stays linear even for hubs with thousands of consumers."""
        into: dict[str, list[tuple[str, str]]] = {}
        for source, target, edge in self.edges():
            document = self.index.get(source)
            if document is not None and document.kind == "decision" and self.effective_status(document) == "accepted":
                into.setdefault(target, []).append((source, edge.type))
        return into

    @cached_property
    def ranking_decisions(self) -> dict[str, list[str]]:
        """goal -> the standing (accepted, not superseded) decisions whose `priorities` rank it."""
        ranking: dict[str, list[str]] = {}
        for document in self.index.values():
            if document.kind == "decision" and self.effective_status(document) == "accepted":
                for goal in document.values.get("priorities") or ():
                    ranking.setdefault(goal, []).append(document.id)
        return ranking

    def effective_status(self, document: Document) -> str | None:
        """A decision an accepted decision supersedes is superseded, whatever its status line says."""
        return "superseded" if document.id in self.superseded_by else document.status


# `superseded_by` and `amended_by` are written on the older decision; the edge runs from the newer.
# An `amends` edge (amended, supplemented, superseded in part) leaves the older one standing.
_STATED_BY_THE_OLDER = {"superseded_by": "supersedes", "amended_by": "amends"}


def build_graph(corpus: Corpus) -> Graph:
    index = corpus.by_id()
    for external in corpus.external:  # imported (`project:id`): read-only, after the local documents
        index.setdefault(external.id, external)
    result = Graph(index, succ={i: {} for i in index}, pred={i: {} for i in index})
    by_path: dict[str, Document] | None = None  # built on the first path reference: it stats every file
    for document in (*corpus.documents, *corpus.external):
        if index.get(document.id) is not document:
            continue  # a duplicate id: its edges would be attributed to the wrong node
        for reference in document.references:
            target = index.get(reference.target)
            if target is None and (reference.is_path or ADR_REFERENCE.match(reference.target)):
                if reference.is_path and by_path is None:
                    by_path = _path_index(corpus.documents)
                target = _resolve(reference, document, index, by_path)
            if target is None:
                if document.external is None:  # an import's own loose ends are its owners' to report
                    result.unresolved.append((document, reference))
                continue
            reference.resolved = target.id
            if reference.key in _STATED_BY_THE_OLDER:  # stated on the old decision: the edge runs new -> old
                result.add_edge(Edge(target.id, document.id, _STATED_BY_THE_OLDER[reference.key], reference.line,
                                     reference, derived=True))
                continue
            result.add_edge(Edge(document.id, target.id, reference.key, reference.line, reference))
    superseded_by = result.superseded_by
    for source, target, edge in result.edges():
        if edge.type == "supersedes" and index[source].status == "accepted" and source != target:
            superseded_by.setdefault(target, []).append(source)
    for target, successors in superseded_by.items():  # a link stated on both sides counts once
        superseded_by[target] = sorted(set(successors))
    definers = result.definers
    for document in index.values():
        if document.defines and defines_authoritatively(document) and document.id not in superseded_by:
            for fact in document.defines:
                definers.setdefault(fact, []).append(document)
    for document in index.values():
        for fact in document.assumes:
            for definer in definers.get(fact, ()):
                if definer is not document:
                    result.add_edge(Edge(document.id, definer.id, "assumes", document.line("assumes", fact), fact=fact))
    return result


def _path_index(documents: Iterable[Document]) -> dict[str, Document]:
    """normcase(real path) -> document (the last one wins, as a dict built in order would).
    A file's real path is its directory's real path plus its name unless the file itself is a
    link, so one realpath per directory and one lstat per file replace a realpath per file."""
    real_dirs: dict[str, str] = {}
    by_path: dict[str, Document] = {}
    for document in documents:
        text = os.fspath(document.path)
        folder, name = os.path.split(text)
        if os.path.islink(text):
            real = os.path.realpath(text)
        else:
            real_dir = real_dirs.get(folder)
            if real_dir is None:
                real_dir = real_dirs[folder] = os.path.realpath(folder)
            real = os.path.join(real_dir, name)
        by_path[os.path.normcase(real)] = document
    return by_path


def _resolve(reference: Reference, source: Document, index: dict[str, Document],
             by_path: dict[str, Document] | None) -> Document | None:
    if reference.target in index:
        return index[reference.target]
    adr = ADR_REFERENCE.match(reference.target)
    if adr and f"ADR-{int(adr.group(1)):04d}" in index:  # ADR-5, adr 0005, ADR0005
        return index[f"ADR-{int(adr.group(1)):04d}"]
    if reference.is_path and by_path is not None:
        candidate = resolve_path(source, reference.target)
        return by_path.get(os.path.normcase(candidate)) if candidate else None
    return None


def resolve_path(source: Document, target: str) -> Path | None:
    """The file a relative-path reference names, symlinks resolved; None when no file system
    could hold it (a NUL byte, a name too long). Only documents of the corpus ever match it,
    so `../../etc/passwd` resolves to nothing (and `unresolved-reference` says why)."""
    try:
        return (source.path.parent / target).resolve()
    except (OSError, ValueError, RuntimeError):
        return None


def strongly_connected(nodes: Iterable[str], successors: Callable[[str], Iterable[str]]) -> Iterator[list[str]]:
    """Strongly connected components (iterative Tarjan), each after every component it reaches:
    sinks first. Linear in nodes and edges, no recursion however long a chain is."""
    number: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    counter = 0
    for root in nodes:
        if root in number:
            continue
        number[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(successors(root)))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in number:
                    number[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors(child))))
                    break
                if child in on_stack and number[child] < low[node]:
                    low[node] = number[child]
            else:
                work.pop()
                if work and low[node] < low[work[-1][0]]:
                    low[work[-1][0]] = low[node]
                if low[node] == number[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    yield component
