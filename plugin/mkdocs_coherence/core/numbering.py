"""ADR numbers, read only: the number of a file, the next free one, the numbers a base
revision has, and clashes with it.

Two branches that each add "the next ADR" pick the same number. Git merges both files
without a conflict; `duplicate-id` then fires on the merged tree. With `--base REV` the
check says more: which file the change added (that is the one to renumber) and, before
the merge, that the base branch has meanwhile gained the number this change uses.
`coherence renumber PATH` (edits/renumber.py) moves the file to the next free number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs_coherence.core.config import Settings
from mkdocs_coherence.core.git import GitError, run_git, verify_revision
from mkdocs_coherence.core.schema import default_id

NUMBER = re.compile(r"^(?P<digits>\d+)(?P<rest>[-_ .].*)?$")


class BaseUnreadable(Exception):
    """The base revision cannot be read (not a git repository, unknown revision)."""


def adr_number(path: Path | str) -> int | None:
    """The ADR number of a decision file, from its name; None for date-named files."""
    identifier = default_id(Path(path), "decision")
    return int(identifier[4:]) if identifier.startswith("ADR-") else None


def decision_folders(settings: Settings) -> list[Path]:
    return [folder for folder, kind in settings.folders.items() if kind == "decision"]


def _git(cwd: Path, *args: str) -> str:
    try:
        return run_git(cwd, *args).decode("utf-8", "surrogateescape")
    except GitError as error:
        raise BaseUnreadable(str(error)) from None


def verify_base(settings: Settings, base: str) -> None:
    """Raise BaseUnreadable with a readable message when `base` names no commit here."""
    try:
        verify_revision(settings.config_dir, base)
    except GitError as error:
        raise BaseUnreadable(str(error)) from None


@dataclass
class BaseDecisions:
    """The decision files of the base revision, as paths relative to mkdocs.yml."""

    base: str
    paths: set[str] = field(default_factory=set)
    by_number: dict[int, list[str]] = field(default_factory=dict)


def base_decisions(settings: Settings, base: str) -> BaseDecisions:
    top = Path(_git(settings.config_dir, "rev-parse", "--show-toplevel").strip()).resolve()
    listing = _git(top, "ls-tree", "-r", "-z", "--name-only", "--full-tree", base)
    folders = []
    for folder in decision_folders(settings):
        try:
            folders.append(folder.resolve().relative_to(top).as_posix().rstrip("/") + "/")
        except ValueError:
            continue  # a decisions folder outside this repository
    found = BaseDecisions(base)
    for name in listing.split("\0"):
        if not name.lower().endswith((".md", ".markdown")):
            continue
        if not any(name.startswith(folder) or folder == "./" for folder in folders):
            continue
        rel = settings.relpath(top / name)
        found.paths.add(rel)
        number = adr_number(name.rsplit("/", 1)[-1])
        if number is not None:
            found.by_number.setdefault(number, []).append(rel)
    return found


def merge_order(settings: Settings, paths: list[Path]) -> dict[Path, int | None]:
    """When each file arrived on this branch: the rank, oldest first, of the first-parent commit of
    HEAD that added it (a file a merge brought arrived with the merge), so larger is later; None
    when it is not committed (the latest of all). One `git log`. BaseUnreadable outside git."""
    top = Path(_git(settings.config_dir, "rev-parse", "--show-toplevel").strip()).resolve()
    by_rel: dict[str, Path] = {}
    for path in paths:
        try:
            by_rel[path.resolve().relative_to(top).as_posix()] = path
        except ValueError:
            continue  # outside this repository: no order
    log = _git(top, "log", "--first-parent", "--diff-filter=A", "--no-renames", "--format=%x1e", "--name-only",
               "HEAD", "--", *sorted(by_rel)) if by_rel else ""
    commits = [chunk.split("\n") for chunk in log.split("\x1e")[1:]]
    order: dict[Path, int | None] = dict.fromkeys(paths)
    for age, names in enumerate(commits):  # newest first: the newest addition counts
        for name in names:
            path = by_rel.get(name.strip())
            if path is not None and order[path] is None:
                order[path] = len(commits) - age
    return order


def next_number(settings: Settings, extra: set[int] = frozenset(), folder: Path | None = None) -> int:
    """One more than the highest ADR number in the decisions folders (and `extra`)."""
    numbers = set(extra)
    for candidate in ([folder] if folder else decision_folders(settings)):
        if candidate.is_dir():
            for path in candidate.rglob("*"):
                number = adr_number(path.name) if path.suffix.lower() in (".md", ".markdown") else None
                if number is not None:
                    numbers.add(number)
    return max(numbers, default=0) + 1


def number_width(folder: Path) -> int:
    """The zero-padded width the folder's files use (4 by default, as adr-tools and MADR)."""
    widths = [len(m.group("digits")) for p in folder.glob("*.md") if (m := NUMBER.match(p.name))
              and adr_number(p.name) is not None] if folder.is_dir() else []
    return max(set(widths), key=widths.count) if widths else 4


def base_clash_findings(ctx, base: BaseDecisions):
    """Before the merge: an ADR number this change adds that the base has meanwhile given another file."""
    from mkdocs_coherence.core.findings import Finding

    for document in ctx.corpus.documents:
        if document.kind != "decision" or document.id_line is not None or document.rel in base.paths:
            continue
        number = adr_number(document.path.name)
        others = [rel for rel in base.by_number.get(number, ()) if rel != document.rel] if number is not None else []
        present = {d.rel for d in ctx.corpus.documents}
        others = [rel for rel in others if rel not in present]  # in the tree too: duplicate-id says it
        if others:
            yield Finding(
                "duplicate-id",
                f"ADR number {number} is also taken on {base.base} by {', '.join(others)}, added there "
                f"meanwhile; merging gives two ADR-{number:04d} — run `coherence renumber {document.rel} "
                f"--base {base.base}`",
                document.rel, 1, (document.id,),
            )
