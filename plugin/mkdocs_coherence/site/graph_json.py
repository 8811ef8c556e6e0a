"""`graph.json` and `llms.txt`: the site's machine-readable context (DESIGN §8).

`graph.json` is versioned (`"version": 2`) and described by `schemas/graph.schema.json`,
published beside it as `graph.schema.json`. Additions are backwards compatible; a change
that breaks a reader bumps the version. Version 2 (ADR-0021) adds what another project needs
to import this one: each node's `version` and `facts`, `site_url`, and `external` on the
nodes this project itself imported (an importer skips those).
"""

from __future__ import annotations

import json
from datetime import date
from importlib.resources import files as package_files

from mkdocs_coherence.core.findings import Finding
from mkdocs_coherence.core.graph import Edge
from mkdocs_coherence.site.escape import plain_markdown, plain_markdown_link, safe_link_target
from mkdocs_coherence.site.model import SiteModel, category, json_safe, one_line, tier_of

GRAPH_JSON_VERSION = 2
SCHEMA_RESOURCE = ("schemas", "graph.schema.json")


def schema_text() -> str:
    return package_files("mkdocs_coherence").joinpath(*SCHEMA_RESOURCE).read_text(encoding="utf-8")


def _finding(finding: Finding, state: str) -> dict:
    data = finding.as_json()
    data.update({"state": state, "tier": tier_of(finding), "category": category(finding) if state == "active" else state})
    return data


def front_matter(document) -> dict:
    """The document's front-matter as read and normalised, JSON-safe, with kind/id/title/status."""
    data = {"kind": document.kind, "id": document.id, "title": document.title, "status": document.status}
    for key, value in document.values.items():
        data.setdefault(str(key), value)
    return json_safe(data)


def edge_data(edge: Edge) -> dict:
    """One edge as graph.json writes it (`range` as the author wrote it)."""
    data = {"source": edge.source, "target": edge.target, "type": edge.type, "line": edge.line}
    if edge.range is not None:
        data["range"] = edge.range.text
    if edge.fact:
        data["fact"] = edge.fact
    if edge.derived:
        data["derived"] = True
    return data


def _with_source(node: dict, document) -> dict:
    """A contract bound to code carries its artifact: file, pointer and what was read there."""
    artifact = getattr(document, "artifact", None)
    if artifact is not None:
        import posixpath

        file = posixpath.normpath(posixpath.join(posixpath.dirname(document.rel), artifact.path.replace("\\", "/")))
        node["source"] = json_safe({
            "file": file, "pointer": artifact.pointer, "readable": artifact.ok,
            "facts": dict(artifact.facts) if artifact.ok else {},
            "required": sorted(artifact.required) if artifact.ok else [],
            "nullable": sorted(artifact.nullable) if artifact.ok else []})
    return node


def graph_data(model: SiteModel, context_url=lambda document_id: None, only: set[str] | None = None,
               site_url: str | None = None) -> dict:
    """graph.json: the site publishes it, `coherence graph --format json` prints it (with no
    URLs). `only`: the ids to keep (a neighbourhood), with the edges among them, their
    unresolved references and the findings that name one of them. Imported documents are nodes
    too, marked `external` (with their owners' page as `url`)."""
    report = model.report
    everything = model.documents + model.external
    documents = everything if only is None else [d for d in everything if d.id in only]
    per_document: dict[str, dict[str, int]] = {}
    for document in documents:
        active, waived, _ = model.findings_about(document)
        per_document[document.id] = {
            "errors": sum(1 for f in active if f.severity and f.severity.label == "error"),
            "warnings": sum(1 for f in active if f.severity and f.severity.label == "warning"),
            "infos": sum(1 for f in active if f.severity and f.severity.label == "info"),
            "waived": len(waived),
        }
    nodes = [_with_source({
        "id": d.id,
        "kind": d.kind,
        "title": d.title,
        "status": d.status,
        "effective_status": model.graph.effective_status(d),
        "date": d.values["date"].isoformat() if isinstance(d.values.get("date"), date) else None,
        "path": d.rel,
        "url": model.url(d.id),
        "context": context_url(d.id),
        "summary": model.summary(d),
        "owners": [str(o) for o in d.owners],
        "findings": per_document[d.id],
        "front_matter": front_matter(d),
        "version": str(d.version) if d.version is not None else None,
        "facts": json_safe(d.defines) if d.external is None or d.external.facts_known else None,
        **({"external": {"project": d.external.project}} if d.external is not None else {}),
    }, d) for d in sorted(documents, key=lambda d: d.id)]
    kept = (lambda document_id: True) if only is None else only.__contains__
    edges = [edge_data(e) for e in model.edges if kept(e.source) and kept(e.target)]
    unresolved = sorted(({"source": d.id, "key": r.key, "reference": r.raw, "line": r.line}
                         for d, r in report.graph.unresolved if kept(d.id)),
                        key=lambda u: (u["source"], u["key"], u["reference"], u["line"] or 0))
    active, waived, resolved = report.findings, report.waived, report.resolved
    if only is not None:
        paths = {d.rel for d in documents}
        active, waived, resolved = ([f for f in group if f.path in paths or any(i in only for i in f.ids)]
                                    for group in (active, waived, resolved))
    findings = ([_finding(f, "active") for f in active] + [_finding(f, "waived") for f in waived]
                + [_finding(f, "resolved") for f in resolved])
    return {
        "version": GRAPH_JSON_VERSION,
        "site_url": site_url,
        "summary": {
            "documents": len(nodes), "edges": len(edges), "unresolved": len(unresolved),
            "errors": sum(1 for f in active if f.severity and f.severity.label == "error"),
            "warnings": sum(1 for f in active if f.severity and f.severity.label == "warning"),
            "infos": sum(1 for f in active if f.severity and f.severity.label == "info"),
            "waived": len(waived), "resolved": len(resolved),
            "incomplete": report.incomplete,
        },
        "nodes": nodes,
        "edges": edges,
        "unresolved": unresolved,
        "findings": findings,
    }


def dumps(data: dict) -> str:
    """Stable JSON text: sorted keys, compact separators, UTF-8, trailing newline. Compact, because
    an indented dump runs on the pure-Python encoder, several times slower than the C one."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def _problems(model: SiteModel, document) -> str:
    """", 2 errors, 1 warning" for a document with open problems, "" for one without."""
    active = model.findings_about(document)[0]
    counts = [(sum(1 for f in active if f.severity is not None and f.severity.label == label), label)
              for label in ("error", "warning")]
    return "".join(f", {n} {label}{'s' if n != 1 else ''}" for n, label in counts if n)


def llms_txt(model: SiteModel, site_name: str, description: str | None, url_of, context_url_of) -> str:
    """llms.txt (llmstxt.org): the site, then every document with a one-line summary.

    `url_of(id)` and `context_url_of(id)` give the page and the context bundle (Markdown)."""
    def text(value) -> str:  # one line; no tag, link or emphasis of its own
        return plain_markdown(one_line(value))

    lines = [f"# {text(site_name)}", ""]
    if description:
        lines += [f"> {text(description)}", ""]
    lines += ["Intents, contracts and decision records of this project, checked by mkdocs-coherence. "
              "Each entry links to a Markdown context bundle: the document, the contracts it uses or "
              "changes with their facts and invariants, the standing decisions that affect them, and "
              "open findings; entries with open problems say how many. The whole graph is in graph.json.", ""]
    conflicts = [f for f in model.report.findings if category(f) == "conflict"]
    if conflicts:
        lines += ["## Open conflicts", "", "Incompatible assumptions and goals, and contested decisions, not yet "
                  "settled: read these before changing what they name.", ""]
        for finding in sorted(conflicts, key=lambda f: (f.rule, f.ids, f.path or "", f.line or 0)):
            names = ", ".join(text(i) for i in finding.ids)
            lines.append(f"- {text(finding.rule)} ({names}): {text(finding.message)}")
        lines.append("")
    headings = {"intent": "Intents", "contract": "Contracts", "decision": "Decisions"}
    for kind, heading in headings.items():
        documents = sorted(model.of_kind(kind), key=lambda d: d.id)
        if not documents:
            continue
        lines += [f"## {heading}", ""]
        for d in documents:
            status = text(model.graph.effective_status(d) or "no status")
            page = safe_link_target(url_of(d.id))
            tail = f" (page: {page})" if page else ""
            entry = plain_markdown_link(f"{one_line(d.id)}: {one_line(d.title)}", context_url_of(d.id))
            lines.append(f"- {entry}: {status}{_problems(model, d)}; {text(model.summary(d))}{tail}")
        lines.append("")
    lines += ["## Optional", "", "- [graph.json](graph.json): every document, link and finding as JSON "
              "(schema: graph.schema.json)", ""]
    return "\n".join(lines)
