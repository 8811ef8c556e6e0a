"""Writing generated files on a second thread while MkDocs renders pages on the first.

A site publishes one context bundle per document, and creating a file costs far more in
system calls (about 0.2 ms each on a CI machine's disk) than in Python. The thread spends
that time outside the GIL, so a thousand files cost the build almost nothing; MkDocs' own
page rendering keeps the first core busy meanwhile. `finish()` waits for every write, so a
build that ends (or a server that starts serving) always sees every file.
"""

from __future__ import annotations

import os
import queue
import threading

_DONE = None  # the last item of the queue


class BackgroundWriter:
    """Writes `(path, content)` pairs in order, on one daemon thread started by the first write."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self.errors: list[str] = []  # "path: reason", one per file that could not be written

    def write(self, path: str, content: bytes) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="coherence-writer", daemon=True)
            self._thread.start()
        self._queue.put((path, content))

    def finish(self) -> list[str]:
        """Wait until every queued file is written; the errors, if any. The writer can be
        used again afterwards (a new thread starts with the next write)."""
        if self._thread is not None:
            self._queue.put(_DONE)
            self._thread.join()
            self._thread = None
        return self.errors

    def _run(self) -> None:
        folders: set[str] = set()  # created once, not once per file
        while (item := self._queue.get()) is not _DONE:
            path, content = item
            try:
                folder = os.path.dirname(path)
                if folder not in folders:
                    os.makedirs(folder, exist_ok=True)
                    folders.add(folder)
                with open(path, "wb") as handle:
                    handle.write(content)
            except OSError as error:  # full disk, a folder where a file should be, ...
                self.errors.append(f"{path}: {error}")
