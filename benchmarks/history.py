"""Benchmark: the one-pass git history against one git process per file.

    python benchmarks/history.py [--documents 5000] [--commits 2000] [--sample 100] [--keep DIR]

Generates a repository (with `git fast-import`, so generating takes seconds) of N documents —
contracts and the intents that use them — and M dated commits, each editing a few documents,
half of the edits material (a version bump, a fact) and half prose. Then measures:

- the history pass of `coherence` (`read_history`: one `git log`, one `git cat-file --batch`),
  with a cold fingerprint cache and with a warm one (a rebuild);
- a whole `coherence check` (CLI, warm cache);
- the per-file alternative, `git log -1 --format=%ct -- PATH` for each document: measured on a
  random sample of files and extrapolated to all of them (said so in the table), because
  running it for every file takes far longer than everything else together.

Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugin"))

ENV = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
ENV.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)


def contract(i: int, version: str, prose: int) -> str:
    return (f"---\nversion: \"{version}\"\nstatus: active\nowners: [team-{i % 17}]\ndefines:\n"
            f"  entity{i}.status: [active, closed]\n  entity{i}.id: uuid\n---\n# Contract {i}\n\n"
            + "Prose paragraph.\n" * prose)


def intent(i: int, contracts: int, prose: int) -> str:
    uses = ", ".join(f"contract-{(i * 7 + k) % contracts}" for k in range(3))
    return (f"---\nstatus: draft\nowners: [team-{i % 23}]\nuses: [{uses}]\n---\n# Intent {i}\n\n"
            + "Prose paragraph.\n" * prose)


def generate(root: Path, documents: int, commits: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    contracts = max(1, documents // 5)
    state: dict[str, tuple[str, int, int]] = {}  # path -> (kind, version minor, prose)
    for i in range(contracts):
        state[f"docs/contracts/contract-{i}.md"] = ("contract", 0, 1)
    for i in range(documents - contracts):
        state[f"docs/intents/intent-{i}.md"] = ("intent", 0, 1)

    def render(path: str) -> bytes:
        kind, minor, prose = state[path]
        number = int(path.rsplit("-", 1)[1][:-3])
        text = contract(number, f"1.{minor}.0", prose) if kind == "contract" else intent(number, contracts, prose)
        return text.encode()

    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=ENV)
    (root / "mkdocs.yml").write_text("site_name: bench\nnav: [index.md]\nplugins:\n  - coherence\n")
    stream = [b"progress generating\n"]
    start = 1_700_000_000

    def commit(number: int, changed: list[str], message: str) -> None:
        when = start + number * 3600
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"committer Bench <bench@example.com> {when} +0000\n".encode())
        data = message.encode()
        stream.append(b"data %d\n%s\n" % (len(data), data))
        for path in changed:
            blob = (root / "mkdocs.yml").read_bytes() if path == "mkdocs.yml" else (
                b"# Home\n" if path == "docs/index.md" else render(path))
            stream.append(f"M 100644 inline {path}\n".encode())
            stream.append(b"data %d\n%s\n" % (len(blob), blob))

    commit(0, ["mkdocs.yml", "docs/index.md", *sorted(state)], "initial documents")
    paths = sorted(state)
    for number in range(1, commits):
        changed = rng.sample(paths, 3)
        for path in changed:
            kind, minor, prose = state[path]
            if kind == "contract" and rng.random() < 0.5:
                state[path] = (kind, minor + 1, prose)  # material: a version bump
            else:
                state[path] = (kind, minor, prose + 1)  # prose only
        commit(number, changed, f"change {number}")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(stream), check=True, env=ENV,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True, env=ENV)


def timed(function, repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--sample", type=int, default=100, help="files timed for the per-file alternative")
    parser.add_argument("--keep", help="generate into this folder and keep it")
    args = parser.parse_args()

    from mkdocs_coherence.core.config import read_mkdocs_yml
    from mkdocs_coherence.rules.catalogue import RULES
    from mkdocs_coherence.core.corpus import load_corpus
    from mkdocs_coherence.core.graph import build_graph
    from mkdocs_coherence.core.history import read_history

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="coherence-bench-"))
    root = folder / "repo"
    if root.exists():
        shutil.rmtree(root)
    generate_seconds = timed(lambda: generate(root, args.documents, args.commits))
    settings = read_mkdocs_yml(root / "mkdocs.yml", RULES)
    corpus = load_corpus(settings)
    graph = build_graph(corpus)
    cache = settings.config_dir / ".cache"

    shutil.rmtree(cache, ignore_errors=True)
    results = {}
    cold = timed(lambda: results.setdefault("cold", read_history(corpus, settings, graph)))
    warm = timed(lambda: results.__setitem__("warm", read_history(corpus, settings, graph)), repeat=3)
    check = timed(lambda: subprocess.run([sys.executable, "-m", "mkdocs_coherence", "check", str(root), "--format", "json"],
                                         capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT / "plugin")}))
    history = results["cold"]
    changes = sum(1 for c in history.changes.values() if c is not None)

    files = sorted(d.path.relative_to(root).as_posix() for d in corpus.documents)
    sample = random.Random(1).sample(files, min(args.sample, len(files)))
    per_file = timed(lambda: [subprocess.run(["git", "log", "-1", "--format=%ct", "--", path], cwd=root,
                                             capture_output=True, check=True, env=ENV) for path in sample])
    extrapolated = per_file / len(sample) * len(files)

    print(f"Repository: {len(files):,} documents, {len(history.commits):,} commits "
          f"(generated in {generate_seconds:.1f} s), on {os.cpu_count()} CPUs, {subprocess.run(['git', '--version'], capture_output=True, text=True).stdout.strip()}.\n")
    print("| what | git processes | time |")
    print("|---|---|---|")
    print(f"| history pass, cold cache (log + cat-file of {history.blobs_read:,} blobs; {changes:,} last material changes found) "
          f"| 4 | {cold:.2f} s |")
    print(f"| history pass, warm cache (a rebuild: 0 blobs read) | {3 + (results['warm'].blobs_read > 0)} | {warm:.2f} s |")
    print(f"| whole `coherence check` (CLI, warm cache: load, graph, every rule, history) | — | {check:.2f} s |")
    print(f"| `git log -1 -- PATH` per file: measured on {len(sample)} files ({per_file:.2f} s), "
          f"**extrapolated** to {len(files):,} | {len(files):,} | {extrapolated:.1f} s |")
    print(f"\nPer-file alternative / warm history pass: {extrapolated / warm:.0f}×. "
          "The per-file command gives only the date of the last change of any kind; telling a material "
          "change from prose needs the blobs as well.")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
