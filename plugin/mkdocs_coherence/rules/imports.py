"""Imports (DESIGN §4 "References across repositories", §7 `imports`): reading other projects'
published graph.json. Both rules are emitted by the loader (core/imports.py); the rules that
read references, versions and facts work across the boundary unchanged."""

from __future__ import annotations

from mkdocs_coherence.core.findings import Severity
from mkdocs_coherence.rules.registry import Family

family = Family("structure", notes="""
## Imports

Each entry of `imports` names another project's graph.json, by path (relative to
mkdocs.yml) or URL (https; http only for 127.0.0.1, localhost or ::1). A URL is fetched
with a timeout and a size limit and cached under `.cache/coherence/imports/` with its
ETag. See [Several repositories](../repositories.md).

| the import | result |
|---|---|
| read (or 304 Not Modified) | its documents, as `project:id` |
| unreachable, cached copy | the cached copy and an `import-stale` warning |
| unreachable, no cached copy; a path that does not exist | `import-invalid`, and the answer is unknown: `coherence check` exits 2, the build fails |
| malformed, oversize, unknown version | `import-invalid` (error) |
| a version 1 graph.json | its documents without facts, and an `import-stale` info |
""")

family.emitted("import-invalid", Severity.ERROR, by="the import loader (core/imports.py)", doc="""
    an imported graph.json cannot be read or used

    What it does: an entry of `imports` names a graph.json that does not exist, cannot be reached
    and has no cached copy (the check's answer is then unknown: exit 2), is not JSON, is larger
    than its `max_bytes`, or has a version this release does not read

    What to do: build the other project (its site publishes graph.json), correct the path or URL in
    `imports`, restore the connection, or raise the import's `max_bytes`
    """)

family.emitted("import-stale", Severity.WARNING, lower=Severity.INFO, by="the import loader (core/imports.py)", doc="""
    an imported graph.json was read from the cache, or publishes no facts

    What it does: the URL of an import could not be refreshed (offline, a timeout, an HTTP error),
    so its cached copy was checked (warning); or the import is a version 1 graph.json, whose facts
    are unknown, so assumptions on them are not checked (info)

    What to do: restore the connection (or import a path); ask the other project to rebuild with a
    current mkdocs-coherence
    """)
