"""Loading many files on the machine's cores: `coherence check` only (ADR-0020, ADR-0028).

Above `THRESHOLD` files to load, a process pool reads, parses and validates them in chunks
while the check takes the chunks already done, in order. Never inside `mkdocs build` or `serve`:
the plugin does not ask for it. Where processes cannot be started (a sandbox, a platform
without them) or a worker dies, the files are read in this process, with the same result.
`COHERENCE_WORKERS=1` forces one process; `COHERENCE_WORKERS=N` sets the pool's size.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import Future

from mkdocs_coherence.core.config import Settings

THRESHOLD = 1000  # fewer files than this are read faster than a pool starts and returns them
WORKERS_ENV = "COHERENCE_WORKERS"


def workers() -> int:
    """How many processes may read: COHERENCE_WORKERS, else the cores this process may use."""
    text = os.environ.get(WORKERS_ENV, "").strip()
    if text:
        try:
            return max(1, int(text))
        except ValueError:
            return 1
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _load_chunk(jobs: list[tuple[str, str, str | None]], settings: Settings,
                keep: bool) -> list[tuple[tuple | None, str | None]]:
    """In a worker: (None, cache entry as JSON) for each file when `keep`, or (the result, None)
    when it cannot be cached or there is no cache to fill; the parent decodes entries exactly as
    it decodes the disk cache's, and saves the JSON as it is (written here, on the pool's cores,
    rather than again in the parent when it saves)."""
    from mkdocs_coherence.core.cache import compact_json, load_entry

    results = []
    for key, rel, kind in jobs:
        result, entry = load_entry(key, rel, kind, settings, keep)
        results.append((None, compact_json(entry)) if entry is not None else (result, None))
    return results


class Pending:
    """The pool's results by file, taken as the check reaches each file."""

    def __init__(self, executor, chunks: list[list[tuple[str, str, str | None]]], settings: Settings,
                 keep: bool) -> None:
        self.executor = executor
        self.futures: list[Future] = [executor.submit(_load_chunk, chunk, settings, keep) for chunk in chunks]
        self.where = {job[0]: (number, place) for number, chunk in enumerate(chunks) for place, job in enumerate(chunk)}
        self.results: dict[int, list] = {}
        self.left = [len(chunk) for chunk in chunks]  # results of each chunk not yet taken
        self.broken = False

    def expects(self, key: str) -> bool:
        return not self.broken and key in self.where

    def take(self, key: str) -> tuple[tuple | None, str | None] | None:
        """(result or None, entry as JSON or None) for `key`; None when the pool failed (read it here)."""
        number, place = self.where.pop(key)
        if number not in self.results:
            try:
                self.results[number] = self.futures[number].result()
            except Exception:  # a worker died (BrokenProcessPool), or could not pickle: read here
                self.broken = True
                self.close()
                return None
            self.futures[number] = None  # type: ignore[call-overload]  # free it as it is used
        result = self.results[number][place]
        self.left[number] -= 1
        if not self.left[number]:
            del self.results[number]  # every file of the chunk taken: free it
        return result

    def close(self) -> None:
        if self.executor is not None:  # a broken pool is not waited for; idle workers end at once
            self.executor.shutdown(wait=not self.broken, cancel_futures=True)
            self.executor = None


def load_in_pool(jobs: list[tuple[str, str, str | None]], settings: Settings, keep: bool = True) -> Pending | None:
    """Start loading `jobs` (key, rel, folder kind) in a pool; None when they are too few,
    one process is asked for, or processes cannot be started."""
    count = min(workers(), 32)
    if count < 2 or len(jobs) < THRESHOLD:
        return None
    try:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork where it is safe and cheap (Linux: the workers start with the modules loaded);
        # spawn elsewhere (macOS, Windows).
        # (COHERENCE_POOL_START=spawn runs the other platforms' way on Linux: tests/test_check_cache.py)
        method = os.environ.get("COHERENCE_POOL_START") or ("fork" if sys.platform.startswith("linux") else "spawn")
        executor = ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context(method))
        size = max(50, len(jobs) // (count * 8))  # small chunks: the check validates the first ones early
        return Pending(executor, [jobs[start:start + size] for start in range(0, len(jobs), size)], settings,
                       keep)
    except (OSError, ImportError, NotImplementedError, ValueError, RuntimeError):
        return None
