"""Rule time on a hub corpus: N intents that all use and change one contract.

    python benchmarks/rules.py [N ...]        (default: 1000 10000)

Prints a Markdown table: load (read + parse + validate), graph, and every rule family's time,
so that a rule that turns quadratic shows at once. The corpus is the worst case for
conflict rules: one contract with N consumers, two goals, one shared area, one fact read
three ways.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from mkdocs_coherence.core.config import parse_settings
from mkdocs_coherence.rules.catalogue import RULES
from mkdocs_coherence.core.corpus import load_corpus
from mkdocs_coherence.core.graph import build_graph
from mkdocs_coherence.rules import Context, all_rules


def generate(root: Path, count: int) -> None:
    (root / "docs" / "contracts").mkdir(parents=True)
    (root / "docs" / "intents").mkdir(parents=True)
    (root / "docs" / "contracts" / "hub.md").write_text(
        "---\nversion: '1.0.0'\nstatus: active\ndefines:\n  hub.mode: strict\n---\n# Hub\n")
    for index in range(count):
        goal = ("conversion", "retention")[index % 2]
        (root / "docs" / "intents" / f"i{index:06d}.md").write_text(
            f"---\nstatus: active\ngoal: {goal}\nowners: [team-{index % 50}]\nuses: [hub@1]\nchanges: [hub@1]\n"
            f"area: [shared]\nassumes:\n  order.status: [{index % 3}]\n"
            f"success: [{{metric: m, target: '>= 1'}}]\n---\n# Intent {index}\n\nSome prose.\n")


def measure(count: int) -> list[tuple[str, float, int]]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generate(root, count)
        settings = parse_settings({}, config_dir=root, docs_dir=root / "docs", catalogue=RULES)
        rows = []
        started = time.perf_counter()
        corpus = load_corpus(settings)
        rows.append(("load (read, parse, validate)", time.perf_counter() - started, len(corpus.findings)))
        started = time.perf_counter()
        graph = build_graph(corpus)
        rows.append(("graph", time.perf_counter() - started, 0))
        context = Context(corpus, graph, settings, date.today())
        per_family: dict[str, list[float | int]] = defaultdict(lambda: [0.0, 0])
        for family, rule in all_rules():
            started = time.perf_counter()
            findings = list(rule(context))
            per_family[family][0] += time.perf_counter() - started
            per_family[family][1] += len(findings)
        rows += [(f"rules: {family}", seconds, found) for family, (seconds, found) in per_family.items()]
        return rows


def main(argv: list[str]) -> None:
    sizes = [int(arg) for arg in argv] or [1000, 10000]
    results = {size: measure(size) for size in sizes}
    print("| step | " + " | ".join(f"{size:,} intents" for size in sizes) + " | findings |")
    print("|---|" + "---:|" * len(sizes) + "---:|")
    for index, (step, _, found) in enumerate(results[sizes[0]]):
        cells = " | ".join(f"{results[size][index][1] * 1000:.0f} ms" for size in sizes)
        print(f"| {step} | {cells} | {results[sizes[-1]][index][2]} |")
    for size in sizes:
        rule_time = sum(seconds for step, seconds, _ in results[size] if step.startswith("rules"))
        print(f"\nAll rules at {size:,} intents: {rule_time * 1000:.0f} ms")


if __name__ == "__main__":
    main(sys.argv[1:])
