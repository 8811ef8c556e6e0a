"""Atomic writes: a file is either its old self or its new self, never half written.

Every command that writes (`new`, `renumber`, `import`) goes through here: the text is
written to a temporary file in the same folder, flushed to disk, then moved into place in
one step. A new file never replaces an existing one (`os.link` refuses atomically); a file
that changed since the command read it is not replaced (`expected`); a replaced file keeps
its mode, and a symbolic link stays a link (the file it points to is written). Line endings
are written as given: callers keep a file's own (CRLF stays CRLF). `diff` shows what a
`--dry-run` would write.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class WriteRefused(Exception):
    """The write would overwrite a file, or the folder cannot be written."""


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


def rename_no_clobber(source: Path, target: Path) -> None:
    """Rename `source` to `target`, refusing (atomically) when `target` exists."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise WriteRefused(f"{target} already exists; not overwriting it") from None
    except OSError as error:
        if target.exists():
            raise WriteRefused(f"{target} already exists; not overwriting it") from None
        try:
            os.rename(source, target)
            return
        except OSError:
            raise WriteRefused(f"cannot rename {source} to {target}: {error.strerror}") from None
    os.unlink(source)
