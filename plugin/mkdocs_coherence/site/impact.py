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
    # Across repositories (`exports_to`): documents of importing projects relying on a changed contract.
    consumers: list[Consumer] = field(default_factory=list)
    unread_importers: list[str] = field(default_factory=list)  # "location: why", never silently skipped


@dataclass
class Consumer:
    importer: str  # where its graph.json was read (the `exports_to` entry)
    project: str  # the name the importer gave this project in its `imports`
    document: str  # its id there
    title: str
    how: str  # uses, changes, depends_on
    range: str | None
    contract: Document  # ours, as it is now
    breaks: bool | None  # its range no longer contains our version (None: it pins none)


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

    _touched(result, graph, files, sources)
    return _with_importers(result, graph, sources, settings)


def _with_importers(result: Impact, graph, sources: list[str], settings: Settings | None) -> Impact:
    """The importing projects' documents (`exports_to`) relying on a changed contract."""
    changed = [graph.index[i] for i in sources if graph.index[i].kind == "contract"]
    if changed and settings is not None and settings.exports_to:
        _importers(result, settings, changed)
    return result


def _importers(result: Impact, settings: Settings, contracts: list[Document]) -> None:
    """Read each importer's published graph.json: its documents that rely on a changed contract."""
    import json

    from mkdocs_coherence.core.config import DEFAULT_IMPORT_BYTES, DEFAULT_IMPORT_TIMEOUT
    from mkdocs_coherence.core.imports import fetch
    from mkdocs_coherence.core.values import parse_range

    for location in settings.exports_to:
        fetched = fetch(location, settings, DEFAULT_IMPORT_TIMEOUT, DEFAULT_IMPORT_BYTES)
        try:
            data = json.loads(fetched.body.decode("utf-8-sig")) if fetched.body is not None else None
        except (UnicodeDecodeError, ValueError, RecursionError):
            data, fetched.problem = None, "is not valid JSON"
        if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
            result.unread_importers.append(f"{location}: {fetched.problem or 'is not a graph.json of mkdocs-coherence'}")
            continue
        nodes = {n.get("id"): n for n in data["nodes"] if isinstance(n, dict) and isinstance(n.get("id"), str)}
        ours: dict[str, tuple[str, Document]] = {}  # the importer's id of our contract -> (its name for us, contract)
        for contract in contracts:
            for node_id, node in nodes.items():
                external = node.get("external")
                if isinstance(external, dict) and node_id == f"{external.get('project')}:{contract.id}":
                    ours[node_id] = (str(external["project"]), contract)
        for edge in data.get("edges") if isinstance(data.get("edges"), list) else ():
            if not isinstance(edge, dict) or edge.get("target") not in ours or edge.get("derived"):
                continue
            if edge.get("type") not in ("uses", "changes", "depends_on"):
                continue
            source = nodes.get(edge.get("source"))
            if source is None or source.get("external"):
                continue
            project, contract = ours[edge["target"]]
            text = edge.get("range") if isinstance(edge.get("range"), str) else None
            pinned = parse_range(text) if text else None
            breaks = None if pinned is None or contract.version is None else not pinned.contains(contract.version)
            result.consumers.append(Consumer(location, project, str(source["id"]), str(source.get("title") or ""),
                                             edge["type"], text, contract, breaks))
    result.consumers.sort(key=lambda c: (c.importer, c.breaks is not True, c.document, c.how))


def from_paths(graph, files: list[str], settings: Settings | None = None) -> Impact:
    """What a set of changed paths (relative to the folder of mkdocs.yml) touches, without git:
    every edited document counts as changed materially (`coherence mcp`'s `impact` tool); with
    `settings`, the importing projects (`exports_to`) that rely on an edited contract too."""
    files = sorted({f.removeprefix("./") for f in files})
    by_rel = {d.rel: d for d in graph.index.values() if d.external is None}
    result = Impact("(working tree)", files)
    sources = []
    for name in files:
        if name in by_rel:
            result.edited.append((by_rel[name], "edited"))
            sources.append(by_rel[name].id)
    _touched(result, graph, files, sources)
    return _with_importers(result, graph, sources, settings)


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
    if not (impact.edited or impact.governing or impact.dependents or impact.consumers or impact.unread_importers):
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
    if impact.consumers or impact.unread_importers:
        lines += ["", "### Other projects relying on a changed contract", ""]
        if impact.consumers:
            lines += ["| project | document | relies on | pins | now |", "|---|---|---|---|---|"]
            for c in impact.consumers:
                verdict = ("**breaks**: outside its range" if c.breaks else "within its range" if c.breaks is False
                           else "pins no range")
                pins = f"@{_cell(c.range)}" if c.range else "—"
                lines.append(f"| {_cell(c.importer)} | `{_cell(c.project)}:` {_cell(c.title)} `{_cell(c.document)}` | "
                             f"{c.how} `{_cell(c.contract.id)}` | {pins} | {_cell(c.contract.version or '—')}: {verdict} |")
        for problem in impact.unread_importers:
            lines.append(f"- not read: {_cell(problem)} (option `exports_to`)")
    return "\n".join(lines) + "\n"


__all__ = ["Impact", "compute", "from_paths", "as_markdown", "GitError"]
