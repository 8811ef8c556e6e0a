"""Documents of other projects (DESIGN §4 "References across repositories", §7 `imports`).

Each entry of `imports` names another project's published `graph.json`: a path relative to
mkdocs.yml (a sibling checkout, a submodule, a CI artifact) or a URL read at check time. Its
documents enter the corpus as read-only external documents with ids `project:id`, so every rule
that reads references, versions and facts works across the boundary (ADR-0021).

A URL is fetched with the standard library (timeout, size limit), cached under
`.cache/coherence/imports/` beside mkdocs.yml with its ETag (`If-None-Match` next time):

- fetched, or 304 Not Modified: the fresh copy, silently;
- not reachable (offline, timeout, an HTTP error) with a cached copy: the cached copy and an
  `import-stale` warning naming when it was fetched;
- not reachable and no cached copy (or a path that does not exist): the import is unreadable,
  so `coherence check` exits 2 and the build fails naming it — never a silent pass;
- malformed, oversize or of an unknown version: `import-invalid`, an error, never a traceback.

A version 1 graph.json published no facts: its documents keep their versions, statuses and
links, but what they define or assume is unknown, and an `import-stale` info says so instead
of checking assumptions against nothing.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from mkdocs_coherence.core.config import Import, Settings
from mkdocs_coherence.core.findings import Finding, Severity
from mkdocs_coherence.core.model import Corpus, Document, External, Reference
from mkdocs_coherence.core.values import KINDS, parse_range, parse_version

READABLE_VERSIONS = (1, 2)
REFERENCE_TYPES = ("uses", "changes", "depends_on", "supersedes", "resolves", "affects")
CACHE_FOLDER = Path(".cache") / "coherence" / "imports"


@dataclass
class Fetched:
    """What reading one import gave: its bytes (None: unreadable), where from, and problems."""

    body: bytes | None = None
    base_url: str | None = None  # the URL the graph was read from (pages are relative to it)
    stale: str | None = None  # why a cached copy stands in for the live one
    problem: str | None = None  # why it could not be read at all (unreadable) or is unusable
    unreadable: bool = False  # no copy at all: the answer of the check is unknown (exit 2)


def load_imports(settings: Settings, corpus: Corpus) -> None:
    """Read every import into `corpus.external`; problems become findings on mkdocs.yml."""
    for entry in settings.imports:
        fetched = fetch(entry.graph, settings, entry.timeout, entry.max_bytes, cache_name=entry.project)
        where = _where(settings, entry.project)
        label = f"import '{entry.project}' ({entry.graph})"
        if fetched.unreadable or fetched.body is None:
            corpus.findings.append(Finding("import-invalid", f"{label} {fetched.problem}", *where,
                                           severity=Severity.ERROR))
            if fetched.unreadable:
                corpus.unreadable.append(label)
            continue
        if fetched.stale:
            corpus.findings.append(Finding(
                "import-stale", f"{label} could not be refreshed ({fetched.stale}); its cached copy was checked "
                "instead, so changes its owners made since are not seen — restore the connection, or import "
                "a path", *where, severity=Severity.WARNING))
        documents, problem, version = parse_graph(fetched.body, entry, fetched.base_url)
        if problem:
            corpus.findings.append(Finding("import-invalid", f"{label} {problem}", *where, severity=Severity.ERROR))
            continue
        if version == 1:
            corpus.findings.append(Finding(
                "import-stale", f"{label} is a version 1 graph.json, which publishes no facts: the versions, "
                "statuses and links of its documents are checked, what they define or assume is not — rebuild "
                f"'{entry.project}' with a current mkdocs-coherence", *where, severity=Severity.INFO))
        corpus.external.extend(documents)


def _where(settings: Settings, project: str) -> tuple[str | None, int | None]:
    """mkdocs.yml and the line naming the import (findings about the configuration point there)."""
    if settings.config_file is None:
        return None, None
    rel = settings.relpath(settings.config_file)
    pattern = re.compile(r"^\s*['\"]?" + re.escape(project) + r"['\"]?\s*:")
    try:
        with open(settings.config_file, encoding="utf-8-sig", errors="replace") as stream:
            inside = False
            for number, line in enumerate(stream, 1):
                if number > 100_000:
                    break
                if re.match(r"^\s*imports\s*:", line):
                    inside = True
                elif inside and pattern.match(line):
                    return rel, number
    except OSError:
        pass
    return rel, None


# --- reading: a path, or a URL with its cache ------------------------------------------


def fetch(location: str, settings: Settings, timeout: float, max_bytes: int, cache_name: str | None = None) -> Fetched:
    """The bytes of a graph.json at `location` (a path relative to mkdocs.yml, or a URL)."""
    if "://" not in location:
        return _read_path(settings.config_dir / location, max_bytes)
    return _read_url(location, settings, timeout, max_bytes, cache_name)


def _read_path(path: Path, max_bytes: int) -> Fetched:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return Fetched(problem="is not a regular file; name the graph.json the other project's build publishes",
                           unreadable=True)
        with open(path, "rb") as stream:
            body = stream.read(max_bytes + 1)
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        return Fetched(problem=f"cannot be read ({reason}); nothing was imported from it — build the other project "
                       "(its site holds graph.json) or correct the path in `imports`", unreadable=True)
    if len(body) > max_bytes:
        return Fetched(problem=_too_large(max_bytes))
    return Fetched(body)


def _too_large(max_bytes: int) -> str:
    return (f"is larger than {max_bytes:,} bytes, the limit for an import; it is not read — raise `max_bytes` "
            "for this import if the project is that large")


def _cache_files(settings: Settings, name: str) -> tuple[Path, Path]:
    folder = settings.config_dir / CACHE_FOLDER
    safe = re.sub(r"[^A-Za-z0-9_.-]", "-", name)
    return folder / f"{safe}.json", folder / f"{safe}.meta.json"


def _cached(settings: Settings, name: str | None, url: str) -> tuple[bytes | None, dict]:
    if name is None:
        return None, {}
    body_file, meta_file = _cache_files(settings, name)
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or meta.get("url") != url:
            return None, {}
        return body_file.read_bytes(), meta
    except (OSError, ValueError):
        return None, {}


def _read_url(url: str, settings: Settings, timeout: float, max_bytes: int, name: str | None) -> Fetched:
    from urllib.error import HTTPError, URLError
    from urllib.request import Request, urlopen

    from mkdocs_coherence import __version__

    cached, meta = _cached(settings, name, url)
    headers = {"User-Agent": f"mkdocs-coherence/{__version__}", "Accept": "application/json"}
    if cached is not None and isinstance(meta.get("etag"), str):
        headers["If-None-Match"] = meta["etag"]
    try:
        with urlopen(Request(url, headers=headers), timeout=timeout) as response:  # noqa: S310 (scheme checked in config)
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                return Fetched(problem=_too_large(max_bytes))
            body = response.read(max_bytes + 1)
            etag = response.headers.get("ETag")
            final = response.geturl() or url
    except HTTPError as error:
        if error.code == 304 and cached is not None:
            return Fetched(cached, url)
        reason = f"HTTP {error.code} {error.reason}"
    except (URLError, OSError, ValueError) as error:
        reason = str(getattr(error, "reason", None) or error) or type(error).__name__
    else:
        if len(body) > max_bytes:
            return Fetched(problem=_too_large(max_bytes))
        if name is not None:
            from mkdocs_coherence.core.cache import store_import

            body_file, meta_file = _cache_files(settings, name)
            store_import(body_file, meta_file, body, {"url": url, "etag": etag,
                                                      "fetched": datetime.now(timezone.utc).isoformat(timespec="seconds")})
        return Fetched(body, final)
    if cached is not None:
        return Fetched(cached, url, stale=f"{reason}; cached copy fetched {meta.get('fetched') or 'at an unknown time'}")
    return Fetched(problem=f"cannot be reached ({reason}) and has no cached copy under {CACHE_FOLDER.as_posix()}/; "
                   "nothing was imported, so the check cannot tell whether references into it hold — restore the "
                   "connection (one successful run caches it), or import a path", unreadable=True)


# --- parsing: graph.json version 1 or 2 -> external documents ----------------------------


def parse_graph(body: bytes, entry: Import, base_url: str | None) -> tuple[list[Document], str | None, int | None]:
    """(documents, problem, version): the documents of one graph.json, ids prefixed `project:`."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        what = " ".join(str(error).split())[:200]
        return [], f"is not valid JSON ({what}); publish the graph.json that mkdocs-coherence writes", None
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        return [], "is not a graph.json of mkdocs-coherence (no `nodes` list); name the graph.json its site publishes", None
    version = data.get("version")
    if version not in READABLE_VERSIONS or isinstance(version, bool):
        return [], (f"has graph.json version {version!r}, which this mkdocs-coherence does not read (it reads "
                    f"{', '.join(map(str, READABLE_VERSIONS))}); upgrade mkdocs-coherence"), None
    site = entry.site or (data.get("site_url") if isinstance(data.get("site_url"), str) else None) or base_url
    if site and not site.endswith("/") and entry.site:
        site += "/"
    edges = data.get("edges") if isinstance(data.get("edges"), list) else []
    by_source: dict[str, list[dict]] = {}
    for edge in edges:
        if isinstance(edge, dict) and isinstance(edge.get("source"), str) and edge.get("type") in REFERENCE_TYPES:
            by_source.setdefault(edge["source"], []).append(edge)
    documents, skipped = [], 0
    for node in data["nodes"]:
        document = _document(node, entry, version, site, by_source)
        if document is None:
            skipped += int(not (isinstance(node, dict) and node.get("external")))
            continue
        documents.append(document)
    if skipped:
        return [], f"has {skipped} node(s) without a valid id and kind; publish the graph.json that mkdocs-coherence writes", version
    return documents, None, version


def _document(node: Any, entry: Import, version: int, site: str | None, by_source: dict) -> Document | None:
    if not isinstance(node, dict) or node.get("external"):
        return None  # another project's import, re-exported: import it from its owner
    identifier, kind = node.get("id"), node.get("kind")
    if not isinstance(identifier, str) or not identifier or kind not in KINDS:
        return None
    front = node.get("front_matter") if isinstance(node.get("front_matter"), dict) else {}
    status = node.get("status") if isinstance(node.get("status"), str) else None
    title = node.get("title") if isinstance(node.get("title"), str) else identifier
    raw_version = node.get("version") if version >= 2 else front.get("version")
    url = node.get("url") if isinstance(node.get("url"), str) else None
    page = urljoin(site, url) if (site and url) else None
    if page is not None and not page.startswith(("https://", "http://")):
        page = None  # a path import without a site: no page to link to
    values: dict[str, Any] = {}
    for key in ("owners", "area", "goal", "type", "version", "priorities", "decides"):
        if key in front:
            values[key] = front[key]
    if not isinstance(values.get("area", []), list):
        values.pop("area")
    if not isinstance(values.get("goal", ""), str):
        values.pop("goal")
    document = Document(path=Path(entry.graph), rel=f"{entry.graph}#{identifier}", kind=kind,
                        id=f"{entry.project}:{identifier}", title=title, status=status, positions=_NO_POSITIONS,
                        values=values, version=parse_version(raw_version),
                        external=External(entry.project, page, facts_known=version >= 2))
    if version >= 2:
        document.defines = _facts(node.get("facts"))
        document.assumes = _facts(front.get("assumes"))
    for edge in by_source.get(identifier, ()):
        target = edge.get("target")
        if not isinstance(target, str):
            continue
        text = edge.get("range") if isinstance(edge.get("range"), str) else None
        document.references.append(Reference(
            edge["type"], f"{entry.project}:{target}" + (f"@{text}" if text else ""), f"{entry.project}:{target}",
            parse_range(text) if text else None, None))
    return document


def _facts(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        return {}
    return {str(fact): value for fact, value in raw.items() if isinstance(value, (str, int, float, bool, list))}


class _NoPositions:
    """An imported document has no file of ours: no line for any key."""

    def of(self, key, item=None):
        return None


_NO_POSITIONS: Any = _NoPositions()


def keep_local(findings: list[Finding], corpus: Corpus) -> list[Finding]:
    """Imported documents are read-only: a finding located in one is moved to the local document
    it names (a conflict across the boundary), or dropped when it names none (it is the owners'
    to fix, in their own check)."""
    if not corpus.external:
        return findings
    external = {d.rel for d in corpus.external}
    local = {d.id: d for d in corpus.documents}
    kept = []
    for finding in findings:
        if finding.path not in external:
            kept.append(finding)
            continue
        here = next((local[i] for i in finding.ids if i in local), None)
        if here is not None:
            kept.append(Finding(finding.rule, finding.message, here.rel, here.id_line, finding.ids, finding.severity,
                                finding.waiver, finding.resolved_by))
    return kept
