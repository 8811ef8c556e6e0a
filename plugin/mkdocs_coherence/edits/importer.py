"""`coherence import`: move the metadata of existing ADRs into front-matter, on request.

Only lines that state metadata the new front-matter now holds are removed: the `* Status:`
/ `- Date:` / `Date:` lines, a decider list, and a `## Status` section made only of a status
and supersede links. Every other line — prose, unknown bullets such as `* Discussion:`, an
`Amended by` link, a status line with a clause (`Accepted, supplemented by ADR-12`) or a
status word the tool cannot map, a date without a day — stays exactly as it was. Existing front-matter is
kept byte for byte; the new keys are added at its end. Writes are atomic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from mkdocs_coherence.core.adr_formats import DEFAULT_READING, Reading, read_in_place, status_clause
from mkdocs_coherence.core.config import Settings
from mkdocs_coherence.edits.files import WriteRefused, atomic_write, diff, refuse_outside
from mkdocs_coherence.core.loader.discovery import iter_markdown
from mkdocs_coherence.core.loader.frontmatter import MKDOCS_FRONTMATTER
from mkdocs_coherence.core.loader.reading import read_source

PEOPLE = ("deciders", "consulted", "informed")


@dataclass
class Imported:
    path: Path
    rel: str
    old: str
    new: str

    def diff(self) -> str:
        return diff(self.rel, self.old, self.new)


def _dump(key: str, value) -> str:
    return yaml.safe_dump({key: value}, default_flow_style=False, allow_unicode=True, sort_keys=False, width=10_000)


def convert(text: str, meta: dict, reading: Reading = DEFAULT_READING) -> str | None:
    """The file's new text, or None when it states nothing in its body to move."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text[len(bom):]
    newline = "\r\n" if "\r\n" in text else "\n"
    text = text.replace("\r\n", "\n")
    match = MKDOCS_FRONTMATTER.match(text)
    head, body = (text[: match.end()], text[match.end():]) if match else ("", text)
    found = read_in_place(body, reading=reading)
    if not found.found:
        return None

    keys: list[str] = []
    moved: set[str] = set()  # fields whose lines may go
    if "status" not in meta and found.status is not None and found.status.status is not None:
        # The normalised status (`✅ Accepted` -> accepted). A word the tool cannot map writes no
        # key, and its line stays in the body, as does a line whose clause says more than the word.
        status = found.status.status
        if not status_clause(found.status.text).strip(" \t.;,"):
            moved.add("status")
        if status == "superseded" and len(found.superseded_by) <= 1:
            # MADR's form `superseded by X`, which front-matter reads as the link too.
            status = f"superseded by {found.superseded_by[0]}" if found.superseded_by else status
            moved.add("superseded_by")
        keys.append(_dump("status", status))
    if "date" not in meta and found.date is not None:
        keys.append(_dump("date", found.date))
        moved.add("date")
    for name in PEOPLE:
        if name in found.people and name not in meta and not (name == "deciders" and "decision-makers" in meta):
            keys.append(_dump(name, found.people[name]))
            moved.update((name, f"{name}+"))
    if "supersedes" not in meta and found.supersedes:
        keys.append(_dump("supersedes", found.supersedes))
        moved.add("supersedes")
    if not keys:
        return None

    lines = body.split("\n")
    removable = {index for index, name in found.consumed.items() if name in moved}
    if found.status_section is not None:
        start, end = found.status_section
        section = [i for i in range(start + 1, end) if lines[i].strip()]
        if all(i in removable for i in section):
            removable.update(range(start, end))  # the heading and its blank lines go too
        else:
            removable -= set(section)  # keep the section whole rather than half of it
    kept: list[str] = []
    removed_since_kept = False
    for index, line in enumerate(lines):
        if index in removable:
            removed_since_kept = True
            continue
        if removed_since_kept and not line.strip() and kept and not kept[-1].strip():
            continue  # no double blank line where metadata was
        kept.append(line)
        if line.strip():
            removed_since_kept = False
    new_body = "\n".join(kept)
    block = "".join(keys)
    if match:
        fence_end = head.rstrip("\n").rfind("\n") + 1  # the closing `---` line
        new_head = head[:fence_end] + block + head[fence_end:]
    else:
        new_head = "---\n" + block + "---\n"
        new_body = new_body.lstrip("\n") if not new_body.startswith("<!--") else new_body
    return bom + (new_head + new_body).replace("\n", newline)


def plan_import(settings: Settings, only: list[Path] | None = None) -> tuple[list[Imported], list[str]]:
    """The files `import` would rewrite, and the problems that keep others from being read."""
    plans, problems = [], []
    folders = [f for f, kind in settings.folders.items() if kind == "decision" and f.is_dir()]
    paths = sorted({p for folder in folders for p in iter_markdown(folder)})
    if only:
        wanted = {p.resolve() for p in only}
        missing = [settings.relpath(p) for p in only if p.resolve() not in {q.resolve() for q in paths}]
        problems += [f"{rel}: not a Markdown file in a decisions folder" for rel in missing]
        paths = [p for p in paths if p.resolve() in wanted]
    for path in paths:
        rel = settings.relpath(path)
        try:
            refuse_outside(settings, path)
        except WriteRefused as refused:
            problems.append(f"{rel}: {refused}")
            continue
        source = read_source(path, rel, expect_document=True)
        if not source.readable or source.findings:
            problems += [f"{f.location}: {f.message}" for f in source.findings]
            continue
        try:
            old = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            problems.append(f"{rel}: cannot read: {error}")
            continue
        new = convert(old, source.meta, settings.reading)
        if new is not None and new != old:
            plans.append(Imported(path, rel, old, new))
    return plans, problems


def apply_import(plans: list[Imported]) -> None:
    for plan in plans:
        atomic_write(plan.path, plan.new, overwrite=True, expected=plan.old)
