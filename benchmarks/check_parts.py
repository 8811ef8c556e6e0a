"""Where a `coherence check` spends its time, beside its floor, inside one process.

    python benchmarks/check_parts.py [N]        (default: 10000 documents)

`run.py` times whole processes, whose start-up and the machine's scatter blur a few percent;
here each part runs five times in one process and the fastest run counts: the floor (walk,
read, C-loader parse of the front-matter), then discovery, loading and validating, the
graph, the rules, and the whole check (without a cache, as `--no-cache`); then with the
cache of validated documents that `coherence check` keeps between runs (ADR-0028): the whole
cold check that fills it (a fresh clone) and its saving, loading from it, the whole warm
check. Prints a Markdown table with each part's share of the floor. The corpus is `corpus.py`'s, as in `run.py`.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from mkdocs_coherence.core.config import read_mkdocs_yml
from mkdocs_coherence.rules.catalogue import RULES
from mkdocs_coherence.check import _run_rules, check
from mkdocs_coherence.core.cache import DocumentStore
from mkdocs_coherence.core.corpus import discover, load_corpus
from mkdocs_coherence.core.graph import build_graph
from mkdocs_coherence.rules import Context

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402
from floor import read_and_parse  # noqa: E402

RUNS = 5
os.environ["COHERENCE_WORKERS"] = "1"  # the parts of one process: no pool for the cold check that fills the cache


def measure(root: Path) -> dict[str, float]:
    settings = read_mkdocs_yml(root / "mkdocs.yml", RULES)
    best: dict[str, float] = {}

    def timed(name: str, work):
        started = time.perf_counter()
        result = work()
        best[name] = min(best.get(name, float("inf")), time.perf_counter() - started)
        return result

    gc.disable()  # as the check itself runs; the floor gets the same treatment
    try:
        for _ in range(RUNS):
            timed("floor: read + C-loader parse", lambda: read_and_parse(str(root)))
            timed("discover the files", lambda: discover(settings))
            corpus = timed("load: read, parse, validate", lambda: load_corpus(settings))
            graph = timed("graph", lambda: build_graph(corpus))
            timed("rules", lambda: _run_rules(Context(corpus, graph, settings, date.today())))
            timed("whole check", lambda: check(settings))
        folder = root / ".cache" / "coherence"
        for _ in range(RUNS):  # as a fresh clone runs it: everything read, and the cache filled
            shutil.rmtree(folder, ignore_errors=True)
            store = DocumentStore(folder, settings)
            timed("whole check, cold, filling the cache", lambda: check(settings, cache=store))
            timed("saving the filled cache", store.save)
        for _ in range(RUNS):
            timed("load from the cache (warm)", lambda: load_corpus(settings, cache=DocumentStore(folder, settings)))
            timed("whole check, warm", lambda: check(settings, cache=DocumentStore(folder, settings)))
    finally:
        gc.enable()
    return best


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "corpus"
        write_corpus(root, count)
        best = measure(root)
    base = best["floor: read + C-loader parse"]
    print(f"`coherence check` parts, {count:,} documents (fastest of {RUNS} runs in one process)\n")
    print("| part | time | share of the floor |")
    print("|---|---:|---:|")
    for name, seconds in best.items():
        print(f"| {name} | {seconds:.3f} s | {seconds / base:.2f}× |")


if __name__ == "__main__":
    main()
