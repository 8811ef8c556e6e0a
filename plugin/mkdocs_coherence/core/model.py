"""The domain model: documents, their references, and the corpus they form."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs_coherence.core.findings import Finding, Waiver
from mkdocs_coherence.core.loader.source import Positions
from mkdocs_coherence.core.values import LIVE_STATUSES, Version, VersionRange

# Reference keys and the edge type each becomes (DESIGN §3).
REFERENCE_KEYS = ("uses", "changes", "depends_on", "supersedes", "resolves", "affects")


@dataclass(slots=True)  # slots: tens of thousands per check, no per-instance __dict__
class Reference:
    """`uses: [customer-profile@2]` -> key 'uses', target 'customer-profile', range '2'."""

    key: str
    raw: str
    target: str
    range: VersionRange | None
    line: int | None
    is_path: bool = False
    resolved: str | None = None  # id of the target document, once resolved

    def matches(self, version: Version | None) -> bool | None:
        """Does the range this reference pins contain `version`? None when it pins no range or
        the version is unknown: the one answer for the rules, the site and the bundles."""
        if self.range is None or version is None:
            return None
        return self.range.contains(version)


@dataclass(frozen=True, slots=True)
class External:
    """Where an imported document comes from: the project it belongs to (`imports:` key) and its
    page on that project's site (absolute, or None when the import gives no site to link to)."""

    project: str
    url: str | None = None
    facts_known: bool = True  # False for a version 1 graph.json: its facts were not published


@dataclass(slots=True)
class Document:
    path: Path
    rel: str  # relative to the directory of mkdocs.yml, `/`-separated
    kind: str
    id: str
    title: str
    status: str | None
    positions: Positions
    values: dict[str, Any] = field(default_factory=dict)  # validated, normalised front-matter
    references: list[Reference] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    version: Version | None = None
    assumes: dict[str, Any] = field(default_factory=dict)
    defines: dict[str, Any] = field(default_factory=dict)
    id_line: int | None = None
    sections: tuple[str, ...] = ()  # headings below the title, e.g. "Considered Options"
    weighs_options: bool = False  # a decision whose text names the options it weighed
    in_place: bool = False  # a decision read in place, from a record without front-matter
    artifact: Any = None  # core.artifacts.Artifact: what a contract's `source` yields (defines = its facts)
    external: External | None = None  # a read-only document of another project (core/imports.py)

    @property
    def live(self) -> bool:
        return self.status in LIVE_STATUSES.get(self.kind, ())  # is_live, inlined: rules ask it ~10x per document

    @property
    def owners(self) -> list[str]:
        return self.values.get("owners", [])

    def line(self, key: str, item: int | str | None = None) -> int | None:
        return self.positions.of(key, item)


@dataclass
class Corpus:
    """Everything read from one tree: documents, every Markdown source, and reading problems."""

    documents: list[Document] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # from reading and validation
    unreadable: list[str] = field(default_factory=list)  # rel paths MkDocs cannot read either
    sources: int = 0
    external: list[Document] = field(default_factory=list)  # imported from other projects, read-only

    def by_id(self) -> dict[str, Document]:
        """First document per id (duplicates are reported by the structure rules)."""
        index: dict[str, Document] = {}
        for document in self.documents:
            index.setdefault(document.id, document)
        return index
