"""The bytes the plugin adds to each document page, and to Material's search index.

    python benchmarks/page_bytes.py [DOCUMENTS]      # default 300 documents per corpus

Builds the same pages twice with mkdocs-material and its search plugin, with the plugin and
without it (decisions moved into docs_dir so both builds render the same pages), and compares
each document page's HTML: the median difference, the part of it that is the navigation's
Coherence section, the rest (median, 90th percentile, largest), what the panel itself weighs,
and what the search index holds for the document pages. Two corpora: `benchmarks/corpus.py`'s
own (most intents carry a long goal conflict) and a findings corpus, where about one
document in seven has a finding in its own file (one in five shows one on its panel) and
every intent has a goal and pinned contracts (issue #22's scenario). The goal
(issue #22): at most 3 KB added per document page beside the navigation, median, on the
findings corpus. Results and what they mean: docs/performance.md, "Page weight".
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import GOALS, PROSE, write_corpus  # noqa: E402

from mkdocs_coherence.site.pages import PAGES  # noqa: E402

GOAL_BYTES = 3 * 1024


def write_findings_corpus(root: Path, documents: int, seed: int = 11, plugin: bool = True) -> Path:
    """Contracts, decisions and intents where every intent has a goal and pinned contracts,
    and about one document in seven carries a finding: a pin outside the contract's version
    range, an assumption the contract contradicts, a decision with no alternatives."""
    rng = random.Random(seed)
    contracts, decisions = max(2, documents // 10), max(1, documents // 10)
    intents = max(1, documents - contracts - decisions)
    docs = root / "docs"
    folders = {"intents": docs / "intents", "contracts": docs / "contracts",
               "decisions": (root if plugin else docs) / "decisions"}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# Findings corpus\n")
    plugins = "plugins:\n  - search\n" + ("  - coherence:\n      fail_on: never\n" if plugin else "")
    (root / "mkdocs.yml").write_text(f"site_name: findings\ntheme: material\nnav:\n  - index.md\n{plugins}")
    for index in range(contracts):
        (folders["contracts"] / f"contract-{index:05d}.md").write_text(
            f"---\nversion: \"{1 + index % 3}.{index % 4}.0\"\nstatus: active\nowners: [team-{index % 20}]\n"
            f"defines:\n  entity{index}.status: [active, suspended, closed]\n  entity{index}.id: uuid\n"
            f"---\n# Contract {index}\n\n{PROSE}\n")
    for index in range(decisions):
        alternatives = "" if index % 7 == 3 else "alternatives: [keep things as they are, buy a product]\n"
        (folders["decisions"] / f"{index + 1:04d}-decision-{index}.md").write_text(
            f"---\nstatus: accepted\ndate: 2025-{1 + index % 12:02d}-{1 + index % 28:02d}\ndecides: question-{index}\n"
            f"{alternatives}affects: [contract-{rng.randrange(contracts):05d}]\n---\n"
            f"# {index + 1}. Decision {index}\n\n{PROSE}\n")
    for index in range(intents):
        used = sorted({rng.randrange(contracts) for _ in range(1 + index % 3)})
        broken = index % 7 == 1  # about one intent in seven: a finding
        pins = ", ".join(f"contract-{c:05d}@{1 + c % 3 + (broken and n == 0)}" for n, c in enumerate(used))
        value = "[active, dormant]" if index % 14 == 1 else "[active, suspended, closed]"
        (folders["intents"] / f"intent-{index:05d}.md").write_text(
            f"---\nstatus: {('draft', 'active', 'active', 'shipped')[index % 4]}\ngoal: {GOALS[index % len(GOALS)]}\n"
            f"owners: [team-{index % 20}]\nsuccess: [{{metric: adoption, target: '>= 40%'}}]\n"
            + ("outcomes: [{metric: adoption, value: 41%, measured: 2026-03-01}]\nshipped: 2026-01-15\n"
               if index % 4 == 3 else "")
            + f"uses: [{pins}]\nassumes:\n  entity{used[0]}.status: {value}\n---\n# Intent {index}\n\n{PROSE}\n")
    return root


def tidy_corpus(root: Path, documents: int, plugin: bool) -> Path:
    """benchmarks/corpus.py's corpus, in Material with its search plugin."""
    write_corpus(root, documents, theme="material", plugin=plugin)
    config = root / "mkdocs.yml"
    text = config.read_text().replace("plugins:\n  - coherence\n", "plugins:\n  - search\n  - coherence:\n"
                                      "      fail_on: never\n").replace("plugins: []\n", "plugins:\n  - search\n")
    config.write_text(text)
    return root


def build(project: Path) -> Path:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    logging.disable(logging.ERROR)
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    mkdocs_build(config)
    return project / "site"


def document_pages(site_dir: Path) -> dict[str, int]:
    return {p.relative_to(site_dir).as_posix(): p.stat().st_size
            for folder in ("intents", "contracts", "decisions") for p in (site_dir / folder).rglob("index.html")}


def element_bytes(html: str, opening: str) -> int:
    """The size of the element that starts with `opening` (its nested ones of the same tag included)."""
    start = html.find(opening)
    if start < 0:
        return 0
    tag = opening[1:].split()[0]
    depth, end = 0, len(html)
    for match in re.finditer(rf"<(/?){tag}\b[^>]*>", html[start:]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            end = start + match.end()
            break
    return len(html[start:end].encode())


NAV = '<nav class="md-nav md-nav--primary"'
PANEL = '<div class="coherence-panel"'


def index_bytes(site_dir: Path, pages: set[str]) -> int:
    """What Material's search index holds for the document pages: their entries' text, in bytes."""
    index = json.loads((site_dir / "search" / "search_index.json").read_text())
    return sum(len(json.dumps(entry, ensure_ascii=False).encode()) for entry in index["docs"]
               if entry["location"].split("#")[0] in pages)


def measure(name: str, make, documents: int, folder: Path) -> dict:
    with_site = build(make(folder / f"{name}-with", documents, plugin=True))
    plain_site = build(make(folder / f"{name}-plain", documents, plugin=False))
    with_pages, plain_pages = document_pages(with_site), document_pages(plain_site)
    assert with_pages.keys() == plain_pages.keys(), set(with_pages) ^ set(plain_pages)
    added, nav, panels, with_findings = [], [], [], 0
    for page in with_pages:
        html, plain = (with_site / page).read_text(), (plain_site / page).read_text()
        added.append(with_pages[page] - plain_pages[page])
        nav.append(element_bytes(html, NAV) - element_bytes(plain, NAV))
        panels.append(element_bytes(html, PANEL))
        with_findings += 'coherence-finding"' in html
    beside_nav = sorted(a - n for a, n in zip(added, nav))
    locations = {page.removesuffix("index.html") for page in with_pages}
    return {"corpus": name, "pages": len(added), "with findings": with_findings,
            "median": statistics.median(added), "nav median": statistics.median(nav),
            "beside nav": statistics.median(beside_nav), "p90": beside_nav[int(len(beside_nav) * 0.9)],
            "max": beside_nav[-1], "panel median": statistics.median(panels),
            "index with": index_bytes(with_site, locations), "index plain": index_bytes(plain_site, locations)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("documents", type=int, nargs="?", default=300)
    parser.add_argument("--keep", type=Path, help="build here and keep the sites")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="page-bytes-"))
    try:
        rows = [measure("findings", write_findings_corpus, args.documents, folder),
                measure("benchmarks/corpus.py", tidy_corpus, args.documents, folder)]
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"Bytes the plugin adds per document page, {args.documents} documents, material + search:\n")
    print("| corpus | pages | with findings | added, median | of which nav section | added beside the nav: "
          "median | p90 | max | panel, median | search index of these pages, with / without |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['corpus']} | {r['pages']} | {r['with findings']} | {r['median']:,.0f} B | {r['nav median']:,.0f} B | "
              f"{r['beside nav']:,.0f} B | {r['p90']:,} B | {r['max']:,} B | {r['panel median']:,.0f} B | "
              f"{r['index with'] / 1024:,.0f} KB / {r['index plain'] / 1024:,.0f} KB "
              f"({r['index with'] / r['index plain']:.2f}×) |")
    verdict = "meets" if rows[0]["beside nav"] <= GOAL_BYTES else "misses"
    print(f"\nThe nav section is Material's markup for the plugin's {len(PAGES)} generated pages, in every page's "
          "navigation (as any pages of a site are).")
    print(f"Goal: ≤ {GOAL_BYTES:,} B added per document page beside the nav (median, findings corpus): {verdict} it.")


if __name__ == "__main__":
    main()
