"""CPU seconds of each `coherence check` scenario beside the floor's, on a corpus of N documents.

    python benchmarks/check_cpu.py [N] [--findings]

On a machine shared with other work, wall-clock ratios scatter and a process pool cannot show
its gain; CPU seconds (the check's own process, and with its workers) are distorted far less.
Each scenario runs once in a fresh process, as `run.py` runs it: the floor, a cold check in one
process, a cold check with a pool of 2 (no cache), and a warm check after editing one file.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run  # noqa: E402
from corpus import write_corpus  # noqa: E402

WRAPPER = r"""
import json, resource, sys
exec(compile(sys.argv[1], "<scenario>", "exec"))
own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"own": own.ru_utime + own.ru_stime, "workers": workers.ru_utime + workers.ru_stime}))
"""


def cpu(code: str, root: Path) -> dict:
    script = f"ROOT = {str(root)!r}\nSITE = {str(root / 'site')!r}\nBENCHMARKS = {str(HERE)!r}\n" + code
    out = subprocess.run([sys.executable, "-c", WRAPPER, script], capture_output=True, text=True, check=True,
                         env=run.ENV)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("documents", type=int, nargs="?", default=10000)
    parser.add_argument("--findings", action="store_true", help="the findings corpus (about 15%% with findings)")
    args = parser.parse_args()
    run.compile_package()
    with tempfile.TemporaryDirectory() as folder:
        root = write_corpus(Path(folder) / "corpus", args.documents, findings=args.findings)
        rows = [("floor: read + C-loader parse", cpu(run.FLOOR, root)),
                ("cold check (fills its cache), 1 process", cpu(run.check_store(1, True, False, cold=True), root)),
                ("cold check (fills its cache), 2 processes", cpu(run.check_store(2, True, False, cold=True), root)),
                ("cold check, --no-cache, 1 process", cpu(run.check_store(1, False, False), root))]
        cpu(run.check_store(1, True, False), root)  # the cache of an earlier run
        rows.append(("warm check after one edit", cpu(run.check_store(2, True, True), root)))
    floor = rows[0][1]["own"]
    print(f"CPU seconds, {args.documents:,} documents, {'findings' if args.findings else 'tidy'} corpus\n")
    print("| scenario | check process | ratio | with its workers | ratio |")
    print("|---|---:|---:|---:|---:|")
    for name, used in rows:
        total = used["own"] + used["workers"]
        print(f"| {name} | {used['own']:.2f} s | {used['own'] / floor:.2f}× | {total:.2f} s | {total / floor:.2f}× |")


if __name__ == "__main__":
    main()
