"""A generated corpus of intents, contracts and decisions, shaped like a large organisation's.

    python benchmarks/corpus.py DIR --documents 10000 [--seed 7]

Writes `DIR/mkdocs.yml` (one-entry nav, see DESIGN §11), `DIR/docs/{intents,contracts}/` and
`DIR/decisions/`. References are drawn so that a few contracts are hubs with hundreds of
consumers (a Zipf-like draw), decisions supersede older ones on the same question, and a
small share of documents carry the conflicts the rules look for — so every rule has work.

`--findings` (the "findings" corpus): about 15% of documents also carry a finding of their
own (a contract pinned at a major it is not at, an assumption its contract contradicts, a
misspelt key, a decision without alternatives), as a real tree in flux does; every intent
has a goal and pinned contracts in both corpora.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

GOALS = ("conversion", "retention", "reliability", "engagement", "cost")
AREAS = ("profile", "checkout", "search", "billing", "orders", "onboarding", "settings", "catalogue")
PROSE = ("This section explains the motivation in the words of the team that wrote it. "
         "It names the customers affected, the systems touched and the risks seen. ") * 3


def _hub(rng: random.Random, count: int) -> int:
    """A contract index skewed towards the first few (hubs): roughly Zipf."""
    return min(count - 1, int(count ** rng.random()) - 1)


def _flawed(index: int, findings: bool) -> int | None:
    """Which flaw document `index` of its kind carries (0, 1 or 2), for 15% of them; None: none."""
    return index % 20 if findings and index % 20 < 3 else None


def write_corpus(root: Path, documents: int, seed: int = 7, theme: str = "mkdocs", plugin: bool = True,
                 findings: bool = False) -> Path:
    rng = random.Random(seed)
    contracts = max(1, documents // 10)
    decisions = max(1, documents // 10)
    intents = max(1, documents - contracts - decisions)
    docs = root / "docs"
    for folder in (docs / "intents", docs / "contracts", root / "decisions"):
        folder.mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# Benchmark corpus\n")
    # Material is measured with its search plugin (issue 22: the panel is paid again by every
    # plugin that reads the page); the findings corpus has errors, which would stop the build:
    # measured with `fail_on: never`, as a team browsing its findings under `serve` sees it.
    entries = (["search"] if theme == "material" else []) + (
        ["coherence:\n      fail_on: never" if findings else "coherence"] if plugin else [])
    plugins = "plugins:\n" + "".join(f"  - {entry}\n" for entry in entries) if entries else "plugins: []\n"
    # A one-entry nav: MkDocs' auto-nav alone costs more than everything else (DESIGN §11).
    (root / "mkdocs.yml").write_text(f"site_name: bench\ntheme: {theme}\nnav:\n  - index.md\n{plugins}")

    for index in range(contracts):
        major = 1 + index % 3
        (docs / "contracts" / f"contract-{index:06d}.md").write_text(
            f"---\nversion: \"{major}.{index % 5}.0\"\nstatus: {'deprecated' if index % 50 == 49 else 'active'}\n"
            f"type: data-model\n{'owner' if _flawed(index, findings) is not None else 'owners'}: [team-{index % 40}]\ndefines:\n"
            f"  entity{index}.status: [active, suspended, closed]\n  entity{index}.id: uuid\n"
            f"invariants:\n  - entity{index} ids never change\n---\n# Contract {index}\n\n{PROSE}\n")
    for index in range(decisions):
        number = index + 1
        question = f"question-{index // 3}"
        supersedes = f"supersedes: [ADR-{number - 1:04d}]\n" if index % 3 and index > 0 else ""
        status = "accepted" if index % 3 == 2 else "superseded"  # each question: two replaced, one standing
        flaw = _flawed(index, findings)
        options = "alternatives: [keep things as they are, buy a product]\n" if flaw is None else \
            ("" if flaw == 0 else "alternatives: [keep things as they are]\ndecided_by: [team-1]\n")
        (root / "decisions" / f"{number:04d}-decision-{index}.md").write_text(
            f"---\nstatus: {status}\ndate: 2025-{1 + index % 12:02d}-{1 + index % 28:02d}\ndecides: {question}\n"
            f"deciders: [team-{index % 40}]\n{supersedes}{options}"
            f"affects: [contract-{_hub(rng, contracts):06d}]\n---\n# {number}. Decision {index}\n\n{PROSE}\n")
    for index in range(intents):
        uses = sorted({_hub(rng, contracts) for _ in range(1 + index % 3)})
        flaw = _flawed(index, findings)
        # flaw 0: the first contract pinned at a major it is not at (version-mismatch)
        references = ", ".join(f"contract-{c:06d}@{1 + (c + (flaw == 0 and c == uses[0])) % 3}" for c in uses)
        changes = f"changes: [contract-{uses[0]:06d}]\n" if index % 40 == 0 else ""
        assumes = (f"assumes:\n  entity{uses[0]}.status: [active, suspended, closed]\n" if index % 7 else
                   f"assumes:\n  order.state{index % 13}: [open, done]\n")
        if flaw == 1:  # contradicts what the contract defines (assumption-violated)
            assumes = f"assumes:\n  entity{uses[0]}.status: [active, closed]\n"
        status = ("draft", "active", "active", "shipped")[index % 4]
        shipped = "shipped: 2026-01-15\noutcomes: [{metric: adoption, value: 41%, measured: 2026-03-01}]\n" \
            if status == "shipped" else ""
        (docs / "intents" / f"intent-{index:06d}.md").write_text(
            f"---\nstatus: {status}\ngoal: {GOALS[index % len(GOALS)]}\narea: [{AREAS[index % len(AREAS)]}]\n"
            f"owners: [team-{index % 40}, team-{(index + 1) % 40}]\nrisk: {('low', 'medium', 'high')[index % 3]}\n"
            f"rollback: feature flag\nmonitoring: dashboards\n{'reason' if flaw == 2 else 'why'}: the customers asked for it\n"
            f"success: [{{metric: adoption, target: '>= 40%'}}]\n{shipped}uses: [{references}]\n{changes}{assumes}"
            f"---\n# Intent {index}\n\n{PROSE}\n")
    if not plugin:
        # Without the plugin, decisions/ beside mkdocs.yml is not published: move it into
        # docs_dir so that both builds render the same pages.
        (root / "decisions").rename(docs / "decisions")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--theme", default="mkdocs")
    parser.add_argument("--findings", action="store_true", help="about 15%% of documents carry findings")
    args = parser.parse_args()
    write_corpus(args.folder, args.documents, args.seed, args.theme, findings=args.findings)
    print(args.folder)


if __name__ == "__main__":
    main()
