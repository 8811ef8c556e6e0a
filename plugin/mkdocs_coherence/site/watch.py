"""What `mkdocs serve` watches beyond docs_dir. Plain Python over the server's watch API (no
MkDocs import): the MkDocs face hands the server in."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol


class WatchingServer(Protocol):
    """What FolderWatch uses of MkDocs' LiveReloadServer."""

    observer: Any

    def watch(self, path: str) -> None: ...

    def unwatch(self, path: str) -> None: ...


def artifact_folders(documents: Iterable[Any], docs_dir: Path, config_dir: Path) -> list[Path]:
    """The folders of the schema files contracts bound to code read (`source`, its `$ref`s), so
    that editing the API under `mkdocs serve` rebuilds the contract's page. Not docs_dir (MkDocs
    watches it) and never a folder holding mkdocs.yml: watched recursively, it would hold the
    site folder, and every build would trigger the next."""
    found: set[Path] = set()
    for document in documents:
        artifact = getattr(document, "artifact", None)
        for file in artifact.files if artifact is not None else ():
            folder = Path(file).parent
            if _watchable(folder, docs_dir, config_dir):
                found.add(folder)
    return sorted(found)


def import_folders(imports: Iterable[Any], docs_dir: Path, config_dir: Path) -> list[Path]:
    """The folders of the graph.json files imported by path (`imports:`, a sibling checkout's
    site), so that `mkdocs serve` follows the owners' rebuild; URLs are read at each build."""
    found: set[Path] = set()
    for entry in imports:
        if entry.is_url:
            continue
        folder = (config_dir / entry.graph).resolve().parent
        if _watchable(folder, docs_dir, config_dir):
            found.add(folder)
    return sorted(found)


def _watchable(folder: Path, docs_dir: Path, config_dir: Path) -> bool:
    """Not in docs_dir (MkDocs watches it) and not holding mkdocs.yml (its site folder would
    make every build trigger the next)."""
    return not folder.is_relative_to(docs_dir) and not config_dir.is_relative_to(folder)


class FolderWatch:
    """What `mkdocs serve` watches beyond docs_dir: the folders outside it (`decisions/`).

    A watch belongs to the folder as it was: once the folder is deleted, replaced or renamed
    away and back, watchdog's watch is gone or follows the old folder, and later edits would not
    be rebuilt. So each folder's parent is watched too (not recursively): when the folder
    appears, disappears or moves, its watch is made again and the site rebuilt. Each build
    also brings the watches in line with the settings (an option changed, an event missed).
    """

    def __init__(self, server: WatchingServer, warn: Callable[[str], None]) -> None:
        self.server = server
        self.warn = warn  # the plugin's logger: a warning counts under --strict
        self.folders: set[str] = set()
        self.watched: set[str] = set()  # folders we asked the server to watch
        self.parents: set[str] = set()
        self.lock = threading.Lock()

    def update(self, folders: Iterable[Path]) -> None:
        """Watch exactly `folders` (and their parents); on every build."""
        with self.lock:
            self.folders = {os.path.abspath(folder) for folder in folders}
            for folder in sorted(self.watched - self.folders):
                self._unwatch(folder)
            for folder in sorted(self.folders):
                self._watch_parent(os.path.dirname(folder))
                if os.path.isdir(folder) != (folder in self.watched):
                    self._rewatch(folder)

    def _watch_parent(self, parent: str) -> None:
        if parent in self.parents or not os.path.isdir(parent):
            return
        from watchdog.events import FileSystemEventHandler

        handler = FileSystemEventHandler()
        handler.on_any_event = self._parent_event  # type: ignore[method-assign]
        try:
            self.server.observer.schedule(handler, parent, recursive=False)
        except OSError as error:  # e.g. out of inotify watches: serve still works, less live
            self.warn(f"cannot watch {parent} ({error}); a folder renamed there is seen at the next rebuild")
            return
        self.parents.add(parent)

    def _parent_event(self, event) -> None:
        """A folder created, deleted or moved in a watched parent."""
        touched = {os.path.abspath(os.fsdecode(path)) for path in (event.src_path, getattr(event, "dest_path", ""))
                   if path}
        with self.lock:
            changed = sorted(self.folders & touched)
            for folder in changed:
                self._rewatch(folder)
        if changed:
            self._request_rebuild()

    def _rewatch(self, folder: str) -> None:
        """A fresh watch on what is at `folder` now (none when nothing is there)."""
        self._unwatch(folder)
        if os.path.isdir(folder):
            try:
                self.server.watch(folder)
            except OSError as error:  # gone again in between, or no watches left
                self.warn(f"cannot watch {folder} ({error})")
                return
            self.watched.add(folder)

    def _unwatch(self, folder: str) -> None:
        if folder in self.watched:
            self.watched.discard(folder)
            try:
                self.server.unwatch(folder)
            except (KeyError, OSError):  # already unscheduled with its folder
                pass

    def _request_rebuild(self) -> None:
        """What the server's own watch callback does on a change (MkDocs ignores folder events)."""
        condition = getattr(self.server, "_rebuild_cond", None)
        if condition is None:  # another MkDocs: the next file change rebuilds
            return
        with condition:
            self.server._want_rebuild = True
            condition.notify_all()
