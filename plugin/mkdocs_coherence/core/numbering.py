"""ADR numbers: the next free one, clashes with a base branch, and renumbering.

Two branches that each add "the next ADR" pick the same number. Git merges both files
without a conflict; `duplicate-id` then fires on the merged tree. With `--base REV` the
check says more: which file the change added (that is the one to renumber) and, before
the merge, that the base branch has meanwhile gained the number this change uses.
`coherence renumber PATH` moves the file to the next free number and rewrites every
reference to it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs_coherence.core.config import Settings
from mkdocs_coherence.edits.files import atomic_write, rename_no_clobber
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


# --- renumbering -----------------------------------------------------------------------


@dataclass
class Renumbering:
    old_path: Path
    new_path: Path
    old_id: str
    new_id: str
    rewritten: list[Path] = field(default_factory=list)  # files whose references were updated
    before: dict[Path, str] = field(default_factory=dict)  # each touched file's text as read
    ambiguous: list[Path] = field(default_factory=list)  # id references left alone (which ADR?)


def _id_pattern(number: int) -> re.Pattern:
    return re.compile(rf"(?<![\w/.-])ADR[- _]?0*{number}(?!\d)(?![\w-]*\.md)", re.IGNORECASE)


def plan_renumber(settings: Settings, path: Path, to: int | None, base: BaseDecisions | None,
                  documents: list, files: list[Path]) -> tuple[Renumbering, dict[Path, str]]:
    """What renumbering `path` changes: the new name and the new text of every touched file.

    `files` are every Markdown file of the site plus mkdocs.yml: links and nav entries to the
    file's name are rewritten wherever they are; `ADR-N` ids only in `documents`.
    """
    old_number = adr_number(path.name)
    if old_number is None:
        raise ValueError(f"{settings.relpath(path)} has no ADR number in its name")
    match = NUMBER.match(path.name)
    width = len(match.group("digits"))
    taken = set(base.by_number) if base else set()
    number = to if to is not None else next_number(settings, taken)
    new_name = f"{number:0{width}d}{match.group('rest') or '.md'}"
    new_path = path.with_name(new_name)
    plan = Renumbering(path, new_path, f"ADR-{old_number:04d}", f"ADR-{number:04d}")
    id_pattern = _id_pattern(old_number)
    name_pattern = re.compile(rf"(?<![\w.-]){re.escape(path.name)}(?![\w.-])")
    claimants = [d for d in documents if d.id == plan.old_id and d.path.resolve() != path.resolve()]
    texts: dict[Path, str] = {}
    by_path = {os.path.normcase(d.path.resolve()): d for d in documents}
    for doc_path in files:
        document = by_path.get(os.path.normcase(doc_path.resolve()))
        try:
            text = doc_path.read_bytes().decode("utf-8")  # as is: CRLF files stay CRLF
        except (OSError, UnicodeDecodeError):
            continue
        new_text = name_pattern.sub(new_name, text)
        is_self = doc_path.resolve() == path.resolve()
        if document is not None and id_pattern.search(new_text):
            # `ADR-0008` names the renumbered file only where it was written on the same side:
            # the file itself, or (with a base) a file the base does not have. Where two
            # files still claim the number and no base says which, leave it and say so.
            same_side = is_self or (base is not None and document.rel not in base.paths) or not claimants
            if same_side:
                new_text = id_pattern.sub(plan.new_id, new_text)
            else:
                plan.ambiguous.append(doc_path)
        if is_self:
            new_text = re.sub(rf"^(#[ \t]+){old_number}(\.[ \t])", rf"\g<1>{number}\2", new_text, count=1,
                              flags=re.MULTILINE)  # "# 8. Title" -> "# 9. Title"
        if new_text != text:
            texts[doc_path] = new_text
            plan.before[doc_path] = text
            if not is_self:
                plan.rewritten.append(doc_path)
    return plan, texts


def apply_renumber(plan: Renumbering, texts: dict[Path, str]) -> None:
    """Rename first (refusing to overwrite), then rewrite each file atomically."""
    rename_no_clobber(plan.old_path, plan.new_path)
    for doc_path, text in texts.items():
        target = plan.new_path if doc_path.resolve() == plan.old_path.resolve() else doc_path
        atomic_write(target, text, overwrite=True, expected=plan.before.get(doc_path))


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


def relpath_under(settings: Settings, path: Path) -> str:
    return settings.relpath(Path(os.path.abspath(path)))
