"""What `coherence mcp` answers, as plain functions over a fresh check: the tools an AI coding
tool calls (check, context, impact, neighbours, decision_for, search, draft_adr) and the
resources it reads (each context bundle, llms.txt).

Nothing here knows the MCP SDK (`cli/mcp.py` is the only module that imports it), so every
answer is tested in-process. Every call checks the tree again through one `SourceCache`:
a file is re-read only when it changed, so an edit shows in the next answer. Read-only:
`draft_adr` returns Markdown and writes nothing. A bad request raises `BadRequest` with what
to do, which the server turns into an MCP error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mkdocs_coherence.check import Report, check
from mkdocs_coherence.core.config import Settings
from mkdocs_coherence.core.findings import Severity
from mkdocs_coherence.core.loader.reading import SourceCache
from mkdocs_coherence.core.model import Document
from mkdocs_coherence.site.bundles import DEFAULT_MAX_TOKENS, ContextBundles, decision_text
from mkdocs_coherence.site.graph_export import UnknownNode, find_node, neighbourhood
from mkdocs_coherence.site.graph_json import graph_data, llms_txt
from mkdocs_coherence.site.model import SiteModel, category, json_safe, what_to_do

SEVERITIES = ("error", "warning", "info")
MAX_DEPTH = 5
MAX_RESULTS = 100


class BadRequest(ValueError):
    """A request the tools cannot answer: the message says what to send instead."""


@dataclass
class Project:
    """One project the server answers about: its settings and the source cache kept between calls."""

    settings: Settings
    sources: SourceCache = field(default_factory=SourceCache)

    def report(self) -> Report:
        """A fresh check of the tree; unchanged files come from the cache."""
        return check(self.settings, cache=self.sources)

    # --- tools ----------------------------------------------------------------------------

    def check(self, rule: str | None = None, path: str | None = None, severity: str | None = None) -> dict:
        """Active findings (most severe first), filtered by rule slug, path prefix and least severity."""
        if severity is not None and severity not in SEVERITIES:
            raise BadRequest(f"severity must be one of {', '.join(SEVERITIES)}, not {severity!r}")
        report = self.report()
        least = Severity.parse(severity) if severity else Severity.INFO
        picked = [f for f in report.findings
                  if f.severity >= least and (rule is None or f.rule == rule)
                  and (path is None or (f.path or "").startswith(path.lstrip("./") if path.startswith("./") else path))]
        picked.sort(key=lambda f: (-int(f.severity), f.path or "", f.line or 0, f.rule))
        return {
            "version": 1,
            "findings": [dict(f.as_json(), category=category(f), what_to_do=what_to_do(f)) for f in picked],
            "summary": {"documents": len(report.corpus.documents), "shown": len(picked),
                        "errors": report.count(Severity.ERROR), "warnings": report.count(Severity.WARNING),
                        "infos": report.count(Severity.INFO), "incomplete": report.incomplete},
        }

    def context(self, document_id: str, max_tokens: int = DEFAULT_MAX_TOKENS) -> str:
        """The context bundle of one document, as Markdown."""
        if max_tokens < 200:
            raise BadRequest("max_tokens must be at least 200")
        report = self.report()
        return ContextBundles(report, self.sources, max_tokens=max_tokens).bundle(self._find(report, document_id))

    def impact(self, paths: list[str] | None = None, base: str | None = None) -> dict:
        """What changed paths (relative to mkdocs.yml's folder) or a base revision touch."""
        if bool(paths) == bool(base):
            raise BadRequest("pass either `paths` (changed files, relative to the folder of mkdocs.yml) or `base` "
                             "(a git revision), not both and not neither")
        from mkdocs_coherence.site.impact import GitError, compute, from_paths

        try:
            result = compute(self.settings, base) if base else from_paths(self.report().graph, paths or [],
                                                                          self.settings)
        except GitError as error:
            raise BadRequest(f"cannot compare with {base!r}: {error}") from None
        return {
            "base": result.base,
            "files": result.files,
            "edited": [{"id": d.id, "path": d.rel, "kind": d.kind, "change": what or "prose only"}
                       for d, what in result.edited],
            "governing": [{"id": d.id, "path": d.rel, "globs": globs, "files": files}
                          for d, globs, files in result.governing],
            "dependents": [{"id": d.id, "path": d.rel, "kind": d.kind, "via": via} for d, via in result.dependents],
            # Across repositories: documents of the projects importing this one (`exports_to`).
            "consumers": [{"importer": c.importer, "project": c.project, "id": c.document, "title": c.title,
                           "how": c.how, "range": c.range, "contract": c.contract.id, "breaks": c.breaks}
                          for c in result.consumers],
            "unread_importers": list(result.unread_importers),
        }

    def neighbours(self, document_id: str, depth: int = 1) -> dict:
        """The graph around one document, `depth` links away both ways (the shape of graph.json)."""
        if not 0 <= depth <= MAX_DEPTH:
            raise BadRequest(f"depth must be between 0 and {MAX_DEPTH}, not {depth}")
        report = self.report()
        centre = self._find(report, document_id)
        data = graph_data(SiteModel(report, lambda _: None), only=neighbourhood(report.graph, centre, depth))
        data["centre"], data["depth"] = centre, depth
        return data

    def decision_for(self, key: str) -> dict:
        """The standing answer to a `decides` key, the pending proposals and the history."""
        report = self.report()
        graph = report.graph
        records = sorted((d for d in graph.index.values() if d.kind == "decision" and d.values.get("decides") == key),
                         key=lambda d: d.id)
        if not records:
            known = sorted({str(d.values["decides"]) for d in graph.index.values()
                            if d.kind == "decision" and d.values.get("decides")})
            raise BadRequest(f"no decision decides {key!r}; known keys: {', '.join(known) or 'none'}")

        def describe(document: Document) -> dict:
            return {"id": document.id, "title": document.title, "status": graph.effective_status(document),
                    "date": json_safe(document.values.get("date")), "path": document.rel,
                    "decision": decision_text(self._source(document)),
                    "defines": json_safe(dict(document.defines)),
                    "supersedes": sorted(e.target for e in graph.out_edges(document.id) if e.type == "supersedes")}

        groups: dict[str, list[dict]] = {"standing": [], "pending": [], "history": []}
        for document in records:
            status = graph.effective_status(document)
            group = "standing" if status == "accepted" else "pending" if status == "proposed" else "history"
            groups[group].append(describe(document))
        answer = {"key": key, **groups}
        if len(groups["standing"]) > 1:
            answer["warning"] = ("more than one accepted decision answers this question; supersede all but one "
                                 "(`supersedes:`) so the answer is unambiguous")
        elif not groups["standing"]:
            answer["warning"] = "no accepted decision answers this question yet"
        return answer

    def search(self, query: str, kind: str | None = None, limit: int = 20) -> dict:
        """Documents whose id, title, fact names or text contain `query`, best matches first."""
        needle = query.strip().lower()
        if not needle:
            raise BadRequest("query is empty")
        if kind is not None and kind not in ("intent", "contract", "decision"):
            raise BadRequest("kind must be intent, contract or decision")
        if not 1 <= limit <= MAX_RESULTS:
            raise BadRequest(f"limit must be between 1 and {MAX_RESULTS}")
        report = self.report()
        hits = []
        for document in report.graph.index.values():
            if kind is not None and document.kind != kind:
                continue
            facts = [*document.defines, *(document.values.get("assumes") or {})]
            if needle == document.id.lower():
                score, where = 0, "id"
            elif needle in document.id.lower():
                score, where = 1, "id"
            elif needle in str(document.title).lower():
                score, where = 2, "title"
            elif any(needle in str(fact).lower() for fact in facts):
                score, where = 3, "fact"
            elif needle in self._source(document).lower():
                score, where = 4, "text"
            else:
                continue
            hits.append((score, document.id, {"id": document.id, "title": document.title, "kind": document.kind,
                                              "status": report.graph.effective_status(document),
                                              "path": document.rel, "matched": where}))
        ranked = [hit for _, _, hit in sorted(hits, key=lambda h: (h[0], h[1]))]
        return {"query": query, "total": len(ranked), "results": ranked[:limit]}

    def draft_adr(self, title: str, decides: str | None = None, context: str | None = None) -> str:
        """The Markdown of a new ADR (status proposed) for a question; written nowhere."""
        title = " ".join(title.split())
        if not title:
            raise BadRequest("title is empty")
        report = self.report()
        graph = report.graph
        numbers = [int(m.group(1)) for i in graph.index if (m := re.fullmatch(r"ADR-(\d+)", i))]
        number = max(numbers, default=0) + 1
        standing = sorted(d.id for d in graph.index.values() if decides and d.kind == "decision"
                          and d.values.get("decides") == decides and graph.effective_status(d) == "accepted")
        lines = ["---", "status: proposed", f"date: {_today()}"]
        if decides:
            lines.append(f"decides: {_yaml_scalar(decides)}")
        if standing:
            lines.append(f"supersedes: [{', '.join(standing)}]")
        lines += ["alternatives: []", "---", "", f"# {number}. {title}", "", "## Context", "",
                  (context or "What forces this decision, and what is known.").strip(), ""]
        if standing:
            lines += ["This replaces " + ", ".join(standing) + ", the standing answer to `" + str(decides)
                      + "`; say why it no longer holds.", ""]
        lines += ["## Decision", "", "What is decided, in one or two sentences.", "", "## Considered Options", "",
                  "- **Option A** — why it was or was not chosen.", "- **Option B** — why it was or was not chosen.",
                  "", "## Consequences", "", "What becomes easier or harder, and who must act.", ""]
        return "\n".join(lines)

    # --- resources --------------------------------------------------------------------------

    def llms_txt(self) -> str:
        report = self.report()
        model = SiteModel(report, lambda _: None)
        return llms_txt(model, self.settings.config_dir.name, None, lambda _: None,
                        lambda document_id: f"coherence://context/{document_id}")

    def ids(self) -> list[str]:
        return sorted(self.report().graph.index)

    # --- helpers ----------------------------------------------------------------------------

    def _find(self, report: Report, document_id: str) -> str:
        try:
            return find_node(report.graph, document_id)
        except UnknownNode as error:
            raise BadRequest(str(error)) from None

    def _source(self, document: Document) -> str:
        source = self.sources.cached(document.path)
        if source is not None and source.readable:
            return source.body
        return ""


def _today() -> str:
    from datetime import date

    return date.today().isoformat()


def _yaml_scalar(value: str) -> str:
    return value if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]*", value) else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
