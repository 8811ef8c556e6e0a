"""Atomic writes: a file is either its old self or its new self, never half written.

Every command that writes (`new`, `renumber`, `import`) goes through here: the text is
written to a temporary file in the same folder, flushed to disk, then moved into place in
one step. A new file never replaces an existing one (`os.link` refuses atomically); a file
that changed since the command read it is not replaced (`expected`); a replaced file keeps
its mode, and a symbolic link stays a link (the file it points to is written). Line endings
are written as given: callers keep a file's own (CRLF stays CRLF). `diff` shows what a
`--dry-run` would write.

`replace_all` changes several files (and renames one) all or none; `refuse_outside` keeps
every write inside the repository, whatever symbolic links the tree holds.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs_coherence.core.config import Settings


class WriteRefused(Exception):
    """The write would overwrite a file, leave the repository, or the folder cannot be written."""


def refuse_outside(settings: Settings, path: Path) -> None:
    """WriteRefused, naming the link, when `path` (the file, its folder or any folder above it)
    is reached through a symbolic link that leaves the repository: nothing is written outside it."""
    repository = os.path.realpath(settings.repository)
    if _within(os.path.realpath(path), repository):
        return
    link = _link_out(Path(os.path.abspath(path)), repository) or _linked_root(settings, path, repository)
    if link is not None:
        raise WriteRefused(f"{settings.relpath(link)} is a symbolic link to {os.path.realpath(link)}, outside the "
                           "repository; nothing is written through it")
    raise WriteRefused(f"{path} is outside the repository ({repository}); nothing is written there")


def _link_out(path: Path, repository: str) -> Path | None:
    """The first link on the way to `path` that sits in the repository and leads out of it."""
    for candidate in [*reversed(path.parents), path]:
        if os.path.islink(candidate) and _within(os.path.realpath(candidate.parent), repository) \
                and not _within(os.path.realpath(candidate), repository):
            return candidate
    return None


def _linked_root(settings: Settings, path: Path, repository: str) -> Path | None:
    """A link beside mkdocs.yml that leads to where `path` really is. Settings hold docs_dir and
    the configured folders resolved, so a `docs` or `decisions` link no longer shows in `path`."""
    real = os.path.realpath(path)
    try:
        entries = sorted(os.scandir(settings.config_dir), key=lambda entry: entry.name)
    except OSError:
        return None
    for entry in entries:
        if entry.is_symlink():
            target = os.path.realpath(entry.path)
            if _within(real, target) and not _within(target, repository):
                return Path(entry.path)
    return None


def _within(path: str, root: str) -> bool:
    path, root = os.path.normcase(path), os.path.normcase(root)
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def atomic_write(path: Path, text: str, *, overwrite: bool, expected: str | bytes | None = None) -> None:
    """Write `text` (UTF-8, `\\n` line ends as given) to `path` atomically.

    `overwrite=False` creates a new file and refuses if one exists, even one created by
    someone else a moment ago; `overwrite=True` replaces the file and keeps its mode.
    `expected`: the content the caller read; if the file no longer holds it, it is not replaced.
    """
    path = Path(path)
    if overwrite and path.is_symlink():
        path = path.resolve()  # keep the link; write the file it points to
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise WriteRefused(f"cannot write in {folder}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if overwrite:
            if expected is not None:
                _unchanged(path, expected)
            try:
                os.chmod(temporary, os.stat(path).st_mode & 0o7777)
            except FileNotFoundError:
                pass
            os.replace(temporary, path)
            return
        os.chmod(temporary, 0o666 & ~_umask())
        try:
            os.link(temporary, path)  # atomic, and fails if the name exists
        except FileExistsError:
            raise WriteRefused(f"{path} already exists; not overwriting it") from None
        except OSError:  # a file system without hard links
            if path.exists():
                raise WriteRefused(f"{path} already exists; not overwriting it") from None
            os.replace(temporary, path)
    except OSError as error:
        raise WriteRefused(f"cannot write {path}: {error.strerror}") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _unchanged(path: Path, expected: str | bytes) -> None:
    try:
        current = path.read_bytes()
    except FileNotFoundError:
        raise WriteRefused(f"{path} was removed while the command ran; nothing written to it") from None
    wanted = expected.encode("utf-8") if isinstance(expected, str) else expected
    if current != wanted:
        raise WriteRefused(f"{path} changed while the command ran; not overwriting it — run the command again")


def diff(rel: str, old: str | None, new: str) -> str:
    """A unified diff of one file (`old` None: a new file), as `--dry-run` prints it.
    Line endings are shown as they would be written (a CRLF file's lines end in `\\r`)."""
    import difflib  # only `--dry-run` needs it; the check imports this module too

    return "".join(difflib.unified_diff(
        (old or "").splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile="/dev/null" if old is None else f"a/{rel}", tofile=f"b/{rel}"))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- several files, all or none -------------------------------------------------------


@dataclass(frozen=True)
class Replacement:
    """One file of a change that must happen whole: its new bytes, and where it moves."""

    path: Path  # the file as read (a link inside the repository: the file it points to is written)
    data: bytes  # its new content
    before: bytes  # its content as read: replaced only while it still holds exactly this
    new_path: Path | None = None  # its new name (refusing an existing file), or None to stay


@dataclass
class _Staged:
    replacement: Replacement
    target: Path  # where the temporary goes
    temporary: str
    mode: int


def replace_all(replacements: list[Replacement]) -> None:
    """Every replacement or none: first a temporary beside each target holding its new bytes,
    then (when every file still holds what was read) each moved into place, renames first;
    a failure undoes the ones already in place. No temporary is left behind."""
    staged: list[_Staged] = []
    try:
        for replacement in sorted(replacements, key=lambda r: r.new_path is None):  # renames first
            staged.append(_stage(replacement))
        for item in staged:
            _unchanged(item.replacement.path, item.replacement.before)
        _commit(staged)
    finally:
        for item in staged:
            if os.path.lexists(item.temporary):
                os.unlink(item.temporary)


def _stage(replacement: Replacement) -> _Staged:
    path = replacement.path
    target = replacement.new_path or (path.resolve() if path.is_symlink() else path)
    try:
        mode = os.stat(path).st_mode & 0o7777
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise WriteRefused(f"cannot write in {target.parent}: {error.strerror}; nothing was changed") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(replacement.data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
    except OSError as error:
        os.unlink(temporary)
        raise WriteRefused(f"cannot write {target}: {error.strerror}; nothing was changed") from None
    return _Staged(replacement, target, temporary, mode)


def _commit(staged: list[_Staged]) -> None:
    done: list[_Staged] = []
    try:
        for item in staged:
            if item.replacement.new_path is not None:
                _move_new(item)
            else:
                os.replace(item.temporary, item.target)
            done.append(item)
    except (OSError, WriteRefused) as error:
        undone = _undo(done)
        if isinstance(error, WriteRefused) and not undone:
            raise
        reason = str(error) if isinstance(error, WriteRefused) else f"cannot write {item.target}: {error.strerror}"
        left = f"; could not restore {', '.join(undone)}" if undone else "; nothing was changed"
        raise WriteRefused(reason + left) from None


def _move_new(item: _Staged) -> None:
    """The renamed file: its new name, created only if free, then its old name removed."""
    try:
        os.link(item.temporary, item.target)  # atomic, and fails if the name exists
    except FileExistsError:
        raise WriteRefused(f"{item.target} already exists; not overwriting it") from None
    except OSError:  # a file system without hard links
        if os.path.lexists(item.target):
            raise WriteRefused(f"{item.target} already exists; not overwriting it") from None
        os.rename(item.temporary, item.target)
    try:
        os.unlink(item.replacement.path)
    except OSError:
        os.unlink(item.target)
        raise


def _undo(done: list[_Staged]) -> list[str]:
    """Put back what `done` replaced, last first; the files that could not be restored."""
    failed = []
    for item in reversed(done):
        replacement = item.replacement
        original = replacement.path if replacement.new_path is not None else item.target
        temporary = None
        try:
            handle, temporary = tempfile.mkstemp(prefix=f".{original.name}.", suffix=".tmp", dir=original.parent)
            with os.fdopen(handle, "wb") as stream:
                stream.write(replacement.before)
            os.chmod(temporary, item.mode)
            os.replace(temporary, original)
            if replacement.new_path is not None:
                os.unlink(replacement.new_path)
        except OSError:
            failed.append(str(replacement.path))
        finally:
            if temporary is not None and os.path.lexists(temporary):
                os.unlink(temporary)
    return failed
