"""`coherence impact --base REV`: what a change set touches, as Markdown for a pull request.

The change set is every file changed between the merge base of REV and the working tree
(untracked files included). It touches:

- the documents it edits, each said to change materially (with what changed) or in prose only;
- the documents whose `governs` globs match a changed file;
- every document that depends, directly or through others, on a document that changed
  materially: one reverse breadth-first walk from all of them at once (linear in the graph).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from mkdocs_coherence.core.config import Settings
from mkdocs_coherence.core.fingerprints import describe, material
from mkdocs_coherence.core.git import GitError
from mkdocs_coherence.core.git_history import changed_paths
from mkdocs_coherence.core.globs import glob_regex, literal_prefix
from mkdocs_coherence.core.history import materials_at
from mkdocs_coherence.core.model import Document

NOT_DEPENDENCIES = ("supersedes",)


@dataclass
class Impact:
    base: str
    files: list[str]  # changed, relative to the directory of mkdocs.yml
    edited: list[tuple[Document, str | None]] = field(default_factory=list)  # (document, material change or None)
    governing: list[tuple[Document, list[str], list[str]]] = field(default_factory=list)  # (doc, globs, files)
    dependents: list[tuple[Document, list[str]]] = field(default_factory=list)  # (doc, path to the change)


def compute(settings: Settings, base: str) -> Impact:
    import os

    from mkdocs_coherence.core.corpus import load_corpus
    from mkdocs_coherence.core.graph import build_graph

    toplevel, changed = changed_paths(settings, base)
    corpus = load_corpus(settings)
    graph = build_graph(corpus)

    def rel(repo_path: str) -> str:
        return os.path.relpath(toplevel / repo_path, settings.config_dir).replace(os.sep, "/")

    files = sorted(rel(p) for p in changed)
    by_rel = {d.rel: d for d in graph.index.values()}
    edited_docs = [by_rel[f] for f in files if f in by_rel]
    # A contract bound to code changes with its schema (ADR-0022): an edited API edits it.
    touched = {os.path.normpath(toplevel / p) for p in changed}
    edited_docs += sorted((d for d in by_rel.values() if d.artifact is not None and d.rel not in files
                           and any(os.path.normpath(f) in touched for f in d.artifact.files)), key=lambda d: d.rel)
    before = materials_at(settings, base, {d.rel: d for d in edited_docs}) if edited_docs else {}
    result = Impact(base, files)
    sources: list[str] = []
    for document in edited_docs:
        old = before.get(document.rel)
        now = material(document)
        if old is None:
            result.edited.append((document, "new"))
            continue
        if old != now:
            result.edited.append((document, describe(old, now)))
            sources.append(document.id)
        else:
            result.edited.append((document, None))

    return _touched(result, graph, files, sources)


def from_paths(graph, files: list[str]) -> Impact:
    """What a set of changed paths (relative to the folder of mkdocs.yml) touches, without git:
    every edited document counts as changed materially (`coherence mcp`'s `impact` tool)."""
    files = sorted({f.removeprefix("./") for f in files})
    by_rel = {d.rel: d for d in graph.index.values()}
    result = Impact("(working tree)", files)
    sources = []
    for name in files:
        if name in by_rel:
            result.edited.append((by_rel[name], "edited"))
            sources.append(by_rel[name].id)
    return _touched(result, graph, files, sources)


def _touched(result: Impact, graph, files: list[str], sources: list[str]) -> Impact:
    """Fill in the documents governing the changed files and those depending on the sources."""
    paths = sorted(files)
    for document in sorted(graph.index.values(), key=lambda d: d.rel):
        patterns = document.values.get("governs") or []
        hits, matched = set(), []
        for pattern in patterns:
            regex, start = glob_regex(pattern.lstrip("/")), literal_prefix(pattern.lstrip("/"))
            found = [p for p in paths if p.startswith(start) and regex.match(p) and p != document.rel]
            if found:
                matched.append(pattern)
                hits.update(found)
        if hits:
            result.governing.append((document, matched, sorted(hits)))

    # Reverse walk from every materially changed document at once.
    reached: dict[str, list[str]] = {source: [source] for source in sources}
    queue = deque(sorted(sources))
    while queue:
        node = queue.popleft()
        for edge in sorted(graph.in_edges(node), key=lambda e: e.source):
            dependent = edge.source
            if edge.type in NOT_DEPENDENCIES or dependent in reached:
                continue
            reached[dependent] = [dependent] + reached[node]
            queue.append(dependent)
    result.dependents = sorted(((graph.index[i], path) for i, path in reached.items() if i not in sources),
                               key=lambda item: (len(item[1]), item[0].rel))
    return result


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _link(document: Document) -> str:
    return f"[{_cell(document.title)}]({document.rel}) `{_cell(document.id)}`"


def as_markdown(impact: Impact) -> str:
    lines = [f"## Coherence impact (against `{_cell(impact.base)}`)", ""]
    if not (impact.edited or impact.governing or impact.dependents):
        lines.append(f"{_count(len(impact.files), 'file')} changed; no intent, contract or decision is touched.")
        return "\n".join(lines) + "\n"
    material_count = sum(1 for _, what in impact.edited if what and what != "new")
    lines.append(f"{_count(len(impact.files), 'file')} changed: {_count(len(impact.edited), 'document')} edited "
                 f"({material_count} materially), {_count(len(impact.governing), 'document')} governing changed "
                 f"code, {_count(len(impact.dependents), 'document')} depending on what changed materially.")
    if impact.edited:
        lines += ["", "### Documents edited", "", "| document | kind | status | change |", "|---|---|---|---|"]
        for document, what in impact.edited:
            change = "new" if what == "new" else (f"**material**: {_cell(what)}" if what else "prose only")
            lines.append(f"| {_link(document)} | {document.kind} | {document.status or '—'} | {change} |")
    if impact.governing:
        lines += ["", "### Code governed by documents", "", "| document | governs | changed files |", "|---|---|---|"]
        for document, patterns, hits in impact.governing:
            shown = ", ".join(f"`{_cell(h)}`" for h in hits[:5]) + (f" and {len(hits) - 5} more" if len(hits) > 5 else "")
            lines.append(f"| {_link(document)} | {', '.join(f'`{_cell(p)}`' for p in patterns)} | {shown} |")
    if impact.dependents:
        lines += ["", "### Dependents to re-read", "", "| document | kind | relies on | path |", "|---|---|---|---|"]
        for document, path in impact.dependents:
            hops = len(path) - 1
            lines.append(f"| {_link(document)} | {document.kind} | `{_cell(path[-1])}` | "
                         f"{_cell(' → '.join(path))} ({hops} hop{'s' if hops > 1 else ''}) |")
    return "\n".join(lines) + "\n"


__all__ = ["Impact", "compute", "from_paths", "as_markdown", "GitError"]
