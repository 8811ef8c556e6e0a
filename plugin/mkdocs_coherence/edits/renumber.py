"""`coherence renumber FILE`: give an ADR the next free number (or `--to N`) and rewrite every
reference to it — links and nav entries to its file name, and its `ADR-N` id.

Planning reads only; `apply_renumber` changes every file or none (edits/files.py
`replace_all`), and nothing is written through a link that leaves the repository.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs_coherence.core.config import Settings
from mkdocs_coherence.core.model import Document
from mkdocs_coherence.core.numbering import NUMBER, BaseDecisions, adr_number, next_number
from mkdocs_coherence.edits.files import Replacement, refuse_outside, replace_all


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
                  documents: list[Document], files: list[Path],
                  texts_now: dict[Path, str] | None = None) -> tuple[Renumbering, dict[Path, str]]:
    """What renumbering `path` changes: the new name and the new text of every touched file.

    `files` are every Markdown file of the site plus mkdocs.yml: links and nav entries to the
    file's name are rewritten wherever they are; `ADR-N` ids only in `documents`. WriteRefused
    when a file to change is reached through a link out of the repository. `texts_now`: files
    (by resolved path) as an earlier plan of the same transaction left them, read instead of the disk.
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
            text = (texts_now or {}).get(doc_path.resolve()) or doc_path.read_bytes().decode("utf-8")  # CRLF stays
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
            elif base is None:
                plan.ambiguous.append(doc_path)
            # else: written on the other side (the base's), it names the file that keeps the number
        if is_self:
            new_text = re.sub(rf"^(#[ \t]+){old_number}(\.[ \t])", rf"\g<1>{number}\2", new_text, count=1,
                              flags=re.MULTILINE)  # "# 8. Title" -> "# 9. Title"
        if new_text != text:
            texts[doc_path] = new_text
            plan.before[doc_path] = text
            if not is_self:
                plan.rewritten.append(doc_path)
    for target in (path, new_path, *texts):
        refuse_outside(settings, target)
    return plan, texts


def apply_renumber(plan: Renumbering, texts: dict[Path, str]) -> None:
    """Rename the file (refusing to overwrite) and rewrite every reference: all or nothing."""
    old = plan.old_path.resolve()
    own = next((doc_path for doc_path in texts if doc_path.resolve() == old), None)
    before = plan.before[own].encode("utf-8") if own is not None else plan.old_path.read_bytes()
    after = texts[own].encode("utf-8") if own is not None else before
    replacements = [Replacement(plan.old_path, after, before, new_path=plan.new_path)]
    replacements += [Replacement(doc_path, text.encode("utf-8"), plan.before[doc_path].encode("utf-8"))
                     for doc_path, text in texts.items() if doc_path is not own]
    replace_all(replacements)


@dataclass
class Clash:
    """ADR files that share one number: `keeps` keeps it, `moves` get the next free ones."""

    id: str
    keeps: Path
    moves: list[Path]


def find_clashes(settings: Settings, documents: list[Document], base: BaseDecisions | None,
                 order: dict[Path, int | None]) -> tuple[list[Clash], list[list[Path]]]:
    """Every number two decision files share, and which one keeps it: the base's file (with a
    base), else the one that arrived first on this branch (`order`, from `merge_order`); the
    later-merged files move. Also the clashes nothing decides (two files that arrived together)."""
    groups: dict[str, list[Document]] = {}
    for document in documents:
        number = adr_number(document.path.name) if document.kind == "decision" else None
        if number is not None and document.id == f"ADR-{number:04d}":
            groups.setdefault(document.id, []).append(document)
    clashes, undecided = [], []
    for identifier, group in sorted(groups.items()):
        if len(group) < 2:
            continue
        paths = sorted((d.path for d in group), key=lambda p: settings.relpath(p))
        on_base = [p for p in paths if base is not None and settings.relpath(p) in base.paths]
        if len(on_base) == 1:
            keeps = on_base[0]
        else:
            arrival = {p: (order.get(p) is None, order.get(p) or 0) for p in paths}
            first = min(arrival.values())
            earliest = [p for p in paths if arrival[p] == first]
            if len(earliest) > 1 or first[0]:
                undecided.append(paths)
                continue
            keeps = earliest[0]
        moves = sorted((p for p in paths if p != keeps), key=lambda p: (order.get(p) is None, order.get(p) or 0,
                                                                         settings.relpath(p)))
        clashes.append(Clash(identifier, keeps, moves))
    return clashes, undecided


def plan_all(settings: Settings, movers: list[Path], base: BaseDecisions | None, documents: list[Document],
             files: list[Path], sides: dict[Path, BaseDecisions] | None = None
             ) -> tuple[list[Renumbering], dict[Path, str], dict[Path, str]]:
    """One transaction for several files: each mover takes the next free number after the one
    before it, and each plan reads the texts the plans before it left. `sides`: per mover, the
    files of the other side (those that arrived before it), when no base says so: an `ADR-N`
    in a file of the mover's side names the mover. Returns the plans, the final text of every
    touched file and its text as read (both by the file's resolved present path)."""
    taken = set(base.by_number) if base else set()
    plans: list[Renumbering] = []
    now: dict[Path, str] = {}  # resolved present path -> text after the plans so far
    original: dict[Path, str] = {}
    for path in movers:
        number = next_number(settings, taken)
        taken.add(number)
        side = base if base is not None else (sides or {}).get(path)
        plan, texts = plan_renumber(settings, path, number, side, documents, files, now)
        for doc_path, text in texts.items():
            key = doc_path.resolve()
            original.setdefault(key, plan.before[doc_path])
            now[key] = text
        plans.append(plan)
    return plans, now, original


def apply_all(plans: list[Renumbering], final: dict[Path, str], original: dict[Path, str]) -> None:
    """Every rename and every rewrite of `plan_all`, all or nothing (edits/files.py `replace_all`)."""
    replacements = []
    moved = {plan.old_path.resolve(): plan.new_path for plan in plans}
    for old, new_path in moved.items():
        before = original[old].encode("utf-8") if old in original else old.read_bytes()
        after = final[old].encode("utf-8") if old in final else before
        replacements.append(Replacement(old, after, before, new_path=new_path))
    replacements += [Replacement(path, text.encode("utf-8"), original[path].encode("utf-8"))
                     for path, text in final.items() if path not in moved]
    replace_all(replacements)
