"""Every benchmark scenario in one run, baselines measured side by side, as a Markdown table.

    python benchmarks/run.py            # 1,000 and 10,000 documents (several minutes)
    python benchmarks/run.py --quick    # 1,000 documents only
    python benchmarks/run.py --full     # adds 100,000 documents for `coherence check`
    python benchmarks/run.py --only check --full   # one scenario
    python benchmarks/run.py --only check --sizes 100000 --corpus tidy   # one size

Scenarios (each timed in a fresh subprocess, alternating with its baseline; times are medians of
--repeat runs, the ratio the median of the runs' ratios; peak RSS of that process):
- `coherence check` against the floor: read every Markdown file and parse its front-matter
  with PyYAML's C loader, nothing else — cold (an empty cache, which the check fills, as on a
  fresh clone) in one process and on the machine's cores (the process pool), and warm: after
  editing one file, with the cache of earlier runs (ADR-0028); on both corpora: "tidy" (2% of documents with findings) and "findings"
  (about 15%, `corpus.py --findings`);
- plugin overhead: `mkdocs build` of the same pages with and without the plugin, for the
  built-in and the material theme (one-entry nav: DESIGN §11);
- a rebuild after editing one document (what `mkdocs serve` does on save);
- `coherence --help` start-up, against starting the interpreter alone;
- the git history pass: see `benchmarks/history.py`, run separately (it builds a repository).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import write_corpus  # noqa: E402

MEASURE = r"""
import json, resource, sys, time
started = time.perf_counter()
exec(compile(sys.argv[1], "<scenario>", "exec"))
print(json.dumps({"seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  # the largest child: a pool's worker, or a git process. A forked child's peak counts
                  # the pages it shares with this process until it execs or ends: an upper bound.
                  "child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

FLOOR = r"""
sys.path.insert(0, BENCHMARKS)
from floor import read_and_parse
read_and_parse(ROOT)
"""

# The CLI's check with its DocumentStore: WORKERS processes may read; CACHE: the cache on disk;
# EDIT: one document edited first (the warm scenario: everything else comes from the cache);
# COLD: the cache emptied first (a fresh clone, as in CI: the check reads everything and fills it).
CHECK_STORE = r"""
import os, shutil
os.environ["COHERENCE_WORKERS"] = WORKERS
if COLD:
    shutil.rmtree(ROOT + "/.cache", ignore_errors=True)
if EDIT:
    with open(ROOT + "/docs/intents/intent-000001.md", "a") as handle:
        handle.write("\nOne more sentence.\n")
from mkdocs_coherence.core.config import read_mkdocs_yml
from mkdocs_coherence.rules.catalogue import RULES
from mkdocs_coherence.check import check
from mkdocs_coherence.core.cache import DocumentStore
settings = read_mkdocs_yml(ROOT + "/mkdocs.yml", RULES)
store = DocumentStore(settings.config_dir / ".cache" / "coherence" if CACHE else None, settings)
check(settings, cache=store, freeze=True)  # as `coherence check` runs it
store.save()
"""


def check_store(workers: int, cache: bool, edit: bool, cold: bool = False) -> str:
    return f"WORKERS = {str(workers)!r}\nCACHE = {cache}\nEDIT = {edit}\nCOLD = {cold}\n" + CHECK_STORE


BUILD = r"""
import logging
logging.disable(logging.WARNING)  # MkDocs' "not in nav" notes would dominate the output
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(ROOT + "/mkdocs.yml", site_dir=SITE)
config.plugins.on_startup(command="build", dirty=False)
build(config)
"""

REBUILD = BUILD + r"""
import time
path = ROOT + "/docs/intents/intent-000001.md"
with open(path, "a") as handle:
    handle.write("\nOne more sentence.\n")
started = time.perf_counter()
config = load_config(ROOT + "/mkdocs.yml", site_dir=SITE)
build(config)
print("REBUILD", time.perf_counter() - started)
"""


# As installed for real: modules load from bytecode (pip compiles it at install time). With
# PYTHONDONTWRITEBYTECODE set, every run would recompile the package and count it as overhead.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def compile_package() -> None:
    import mkdocs_coherence

    compileall.compile_dir(str(Path(mkdocs_coherence.__file__).parent), quiet=1)


def run_once(code: str, root: Path) -> dict:
    script = f"ROOT = {str(root)!r}\nSITE = {str(root / 'site')!r}\nBENCHMARKS = {str(HERE)!r}\n" + code
    out = subprocess.run([sys.executable, "-c", MEASURE, script], capture_output=True, text=True, check=True, env=ENV)
    lines = out.stdout.strip().splitlines()
    result = json.loads(lines[-1])
    rebuild = [float(line.split()[1]) for line in lines if line.startswith("REBUILD")]
    if rebuild:
        result["seconds"] = rebuild[0]
    return result


def side_by_side(measured: tuple[str, Path], baseline: tuple[str, Path], repeat: int) -> tuple[dict, dict, float]:
    """Each scenario and its baseline run alternately, so a slow minute on a shared machine
    slows both; the ratio is the median of the pairs' ratios."""
    pairs = [(run_once(*baseline), run_once(*measured)) for _ in range(repeat)]

    def summary(results: list[dict]) -> dict:
        return {"seconds": statistics.median(r["seconds"] for r in results),
                "peak_mb": max(r["peak_mb"] for r in results), "child_mb": max(r.get("child_mb", 0) for r in results)}

    ratios = [m["seconds"] / b["seconds"] for b, m in pairs]
    measured_summary = summary([m for _, m in pairs])
    measured_summary["pairs"] = ratios
    return measured_summary, summary([b for b, _ in pairs]), statistics.median(ratios)


def run_command(argv: list[str], repeat: int) -> dict:
    """Median wall time of a whole command, interpreter start included."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True, env=ENV)
        times.append(time.perf_counter() - started)
    return {"seconds": statistics.median(times), "peak_mb": float("nan")}


def corpus(base: Path, size: int, theme: str = "mkdocs", plugin: bool = True, findings: bool = False) -> Path:
    root = base / f"{size}-{theme}-{'plugin' if plugin else 'plain'}{'-findings' if findings else ''}"
    if not root.exists():
        write_corpus(root, size, theme=theme, plugin=plugin, findings=findings)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description="mkdocs-coherence benchmarks")
    parser.add_argument("--quick", action="store_true", help="1,000 documents only")
    parser.add_argument("--full", action="store_true", help="add 100,000 documents to the check scenario")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("check", "build", "rebuild", "startup"), help="run one scenario")
    parser.add_argument("--corpus", choices=("tidy", "findings", "both"), default="both",
                        help="tidy: 2%% of documents with findings; findings: about 15%%")
    parser.add_argument("--workers", type=int, default=2, help="processes for the cold check on cores (default 2)")
    parser.add_argument("--sizes", type=int, nargs="+", help="these corpus sizes only (e.g. --sizes 100000)")
    args = parser.parse_args()
    kinds = {"tidy": [False], "findings": [True], "both": [False, True]}[args.corpus]
    sizes = [1000] if args.quick else [1000, 10000]
    check_sizes = sizes + ([100000] if args.full else [])
    if args.sizes:
        sizes = check_sizes = args.sizes
    rows = []
    compile_package()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        for size in check_sizes if args.only in (None, "check") else ():
            for findings in kinds:
                root = corpus(base, size, findings=findings)
                label = "findings" if findings else "tidy"
                repeat = 1 if size >= 100000 else args.repeat
                floor = (FLOOR, root)
                # Cold as `coherence check` runs on a fresh clone: it fills its cache (ADR-0028).
                if size < 100000:
                    rows.append((f"`coherence check`, {size:,} documents, {label}, 1 process",
                                 *side_by_side((check_store(1, True, False, cold=True), root), floor, repeat),
                                 "read + C-loader parse (1 process)"))
                rows.append((f"`coherence check`, {size:,} documents, {label}, {args.workers} processes",
                             *side_by_side((check_store(args.workers, True, False, cold=True), root), floor, repeat),
                             "read + C-loader parse (1 process)"))
                run_once(check_store(1, True, False), root)  # the cache of an earlier run
                rows.append((f"warm `coherence check` after one edit, {size:,} documents, {label}",
                             *side_by_side((check_store(args.workers, True, True), root), floor, repeat),
                             "read + C-loader parse (1 process)"))
        for size in sizes if args.only in (None, "build") else ():
            for theme in ("mkdocs", "material"):
                for findings in kinds:
                    rows.append((f"`mkdocs build` + plugin, {size:,} pages, {theme}, "
                                 f"{'findings' if findings else 'tidy'}",
                                 *side_by_side((BUILD, corpus(base, size, theme, True, findings)),
                                               (BUILD, corpus(base, size, theme, False, findings)), args.repeat),
                                 "`mkdocs build` without the plugin"))
        if args.only in (None, "rebuild"):
            rows.append(("rebuild after editing one document, 1,000 pages",
                         *side_by_side((REBUILD, corpus(base, 1000)), (REBUILD, corpus(base, 1000, plugin=False)),
                                       args.repeat),
                         "the same rebuild without the plugin"))

    if args.only in (None, "startup"):
        cli = [sys.executable, "-c", "import sys; from mkdocs_coherence.cli.main import main; sys.argv = ['coherence', '--help']; main()"]
        helped, bare = run_command(cli, 5 * args.repeat), run_command([sys.executable, "-c", "pass"], 5 * args.repeat)
        rows.append(("`coherence --help`", helped, bare, helped["seconds"] / bare["seconds"], "`python -c pass`"))

    print(f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}, "
          f"{subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores\n")
    print("| scenario | time | peak memory (largest child) | baseline | baseline time | ratio | each pair |")
    print("|---|---:|---:|---|---:|---:|---:|")
    for name, measured, baseline, ratio, what in rows:
        memory = "–" if measured["peak_mb"] != measured["peak_mb"] else \
            f"{measured['peak_mb']:.0f} MB ({measured.get('child_mb', 0):.0f} MB)"
        pairs = ", ".join(f"{r:.2f}" for r in measured.get("pairs", [])) or "–"
        print(f"| {name} | {measured['seconds']:.2f} s | {memory} | {what} | "
              f"{baseline['seconds']:.2f} s | {ratio:.2f}× | {pairs} |")


if __name__ == "__main__":
    main()
