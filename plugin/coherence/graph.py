"""The dependency graph: one node per document, one typed edge per resolved reference."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx

from .model import Corpus, Document, Reference

ADR_REFERENCE = re.compile(r"^ADR[- _]?0*(\d{1,18})$", re.IGNORECASE)

# A fact is defined authoritatively by a contract that still stands or an accepted decision.
DEFINING_STATUSES = {"contract": {"draft", "active", "deprecated", None}, "decision": {"accepted"}}


def defines_authoritatively(document: Document) -> bool:
    return document.status in DEFINING_STATUSES.get(document.kind, ())


@dataclass
class Graph:
    graph: nx.MultiDiGraph
    index: dict[str, Document]
    unresolved: list[tuple[Document, Reference]] = field(default_factory=list)
    definers: dict[str, list[Document]] = field(default_factory=dict)  # fact -> defining documents
    superseded_by: dict[str, list[str]] = field(default_factory=dict)  # decision -> accepted successors

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
        for source, target, edge_type in self.graph.edges(data="type"):
            document = self.index.get(source)
            if document is not None and document.kind == "decision" and self.effective_status(document) == "accepted":
                into.setdefault(target, []).append((source, edge_type))
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

    def references_to(self, document_id: str):
        """(source id, edge data) for every edge into the document: links the other way."""
        return [(source, data) for source, _, data in self.graph.in_edges(document_id, data=True)]


def build_graph(corpus: Corpus) -> Graph:
    index = corpus.by_id()
    by_path = {os.path.normcase(document.path.resolve()): document for document in corpus.documents}
    graph = nx.MultiDiGraph()
    for document in index.values():
        graph.add_node(document.id, kind=document.kind, status=document.status, title=document.title,
                       path=document.rel)
    result = Graph(graph, index)
    for document in corpus.documents:
        if index.get(document.id) is not document:
            continue  # a duplicate id: its edges would be attributed to the wrong node
        for reference in document.references:
            target = _resolve(reference, document, index, by_path)
            if target is None:
                result.unresolved.append((document, reference))
                continue
            reference.resolved = target.id
            if reference.key == "superseded_by":  # stated on the old decision: the edge runs new -> old
                graph.add_edge(target.id, document.id, type="supersedes", line=reference.line, range=None,
                               derived=True)
                continue
            graph.add_edge(document.id, target.id, type=reference.key, line=reference.line,
                           range=reference.range.text if reference.range else None)
    for source, target, edge_type in graph.edges(data="type"):
        if edge_type == "supersedes" and index[source].status == "accepted" and source != target:
            result.superseded_by.setdefault(target, []).append(source)
    for successors in result.superseded_by.values():
        successors.sort()
    for document in index.values():
        if defines_authoritatively(document) and document.id not in result.superseded_by:
            for fact in document.defines:
                result.definers.setdefault(fact, []).append(document)
    for document in index.values():
        for fact in document.assumes:
            for definer in result.definers.get(fact, ()):
                if definer is not document:
                    graph.add_edge(document.id, definer.id, type="assumes", fact=fact,
                                   line=document.line("assumes", fact))
    return result


def _resolve(reference: Reference, source: Document, index: dict[str, Document],
             by_path: dict[str, Document]) -> Document | None:
    if reference.target in index:
        return index[reference.target]
    adr = ADR_REFERENCE.match(reference.target)
    if adr and f"ADR-{int(adr.group(1)):04d}" in index:  # ADR-5, adr 0005, ADR0005
        return index[f"ADR-{int(adr.group(1)):04d}"]
    if reference.is_path:
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
