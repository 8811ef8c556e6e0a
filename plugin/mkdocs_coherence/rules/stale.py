"""Stale rules: stale-dependency, stale-code, superseded-reference, review-overdue,
shallow-history (DESIGN §5).

Staleness of a reference is decided in this order:
1. stamps: the document carries a stamp for the target → stale exactly when the target's
   fingerprint differs (any clone, shallow or not);
2. git: the target's last *material* change against the document's review point (its
   `reviewed:` day, else the time of its last commit);
3. front-matter dates, when git history is shallow or absent: the target's `reviewed:` /
   `date:` against the document's `reviewed:` / `date:`.

Transitive staleness propagates over the graph in one pass over its condensation (strongly
connected components, sinks first), carrying for each document only the most recent change
it has not absorbed: a change passes through a document exactly when it happened after that
document's review, and a later change passes wherever an earlier one does, so the most recent
one is all a dependent needs. Linear in documents and references (DESIGN §11).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from typing import Iterator

from mkdocs_coherence.core.findings import Finding, Severity
from mkdocs_coherence.core.fingerprints import describe, fingerprint, material
from mkdocs_coherence.core.graph import strongly_connected
from mkdocs_coherence.core.git_history import FULL, SHALLOW
from mkdocs_coherence.core.globs import glob_regex
from mkdocs_coherence.core.history import Change, Point
from mkdocs_coherence.core.model import Document
from mkdocs_coherence.rules import Context
from mkdocs_coherence.rules.registry import Family

family = Family("stale", notes="""
## Staleness

A document written against last month's contract is a trap for the next reader. The
stale rules flag it precisely, without noise from typo fixes.

**Material change.** A document changed *materially* only when what others rely on
changed: its `kind`, `version`, `status`, `defines`, `invariants` or its own references
(`uses`, `changes`, `depends_on`, `supersedes`, `resolves`, `affects`). Prose, formatting,
key order, quoting, comments, `owners` and review dates are not material; list order is
not either (lists compare as sets). The **fingerprint** of a document is `v1:` and 12 hex
digits of a hash of that canonical content; the `v1:` prefix means a future scheme never
forces anyone to re-review.

**When a document was last reviewed**: its `reviewed:` date; without one, the time of the
file's last commit (an uncommitted edit counts as now). A change on the day of `reviewed:`
counts as seen.

**The order in which staleness is decided**, for each reference of a live document:

1. **stamps**: when the document carries a stamp for the reference (written by
   `coherence review`), the reference is stale exactly when the target's fingerprint
   differs. Works in any clone, shallow or not, and outside git.
2. **git**: otherwise, the date of the target's last *material* change against the
   document's review. Dates are committer dates along the first-parent history: a change
   merged from a branch counts from the day the merge landed. An uncommitted material edit
   counts as a change now, so `mkdocs serve` shows it at once.
3. **front-matter dates**: in a shallow clone or outside git, the target's `reviewed:` (or
   a decision's `date:`) against the document's `reviewed:` (or `date:`). One
   `shallow-history` finding says so.

**Transitively**: a change passes on from a document to what depends on it as long as each
document on the way was last reviewed before the change. If `wallet` depends on `checkout`
which uses `customer-profile`, and the contract changed after both were reviewed, both are
flagged; `wallet`'s finding names the path `wallet → checkout → customer-profile` and the
number of hops. Once `checkout` is reviewed, the change stops there.

**Staleness follows reliance.** Only the edges along which a document relies on another
carry staleness: `uses`, `changes`, `assumes` and `depends_on`, from the dependent to what
it relies on, transitively along such edges only. A decision is a record of a point in
time: a contract it `affects` gaining a field, an intent it `resolves` shipping, or the
decision it `supersedes` changing status never makes it stale (only `review_every` asks
for its review). Where a document `assumes` particular facts of its target, only a change
to those facts, to the target's major version or to its status makes it stale through that
target, and the finding tells only those changes; such a document relies on those facts,
not on what the target itself relies on.

A finding names the dependency, what changed (`version 1.4.0 → 2.0.0, `customer.email`
removed`), when (ISO date and commit), and the path in the graph:

```text
docs/intents/wallet.md:4: warning [stale-dependency] depends_on intent 'checkout', which relies on contract 'customer-profile' (wallet → checkout → customer-profile, 2 hops away); 'customer-profile' changed materially on 2026-03-01 in commit 45d401101b (version 1.4.0 → 2.0.0, `customer.email` removed), after this intent was last touched (last committed 2026-01-10) and after 'checkout' was; re-read it, update this intent if needed, then record the review (`coherence review wallet`)
```

**`governs`** lists globs, relative to the folder of `mkdocs.yml` (`../src/**` reaches
outside it): `*` and `?` stay within a folder, `**` crosses folders (`src/**/*.py`),
`[ab]` is a character class, and a pattern naming a folder covers everything in it.

**Recording a review**: `coherence review ID` sets `reviewed:` to today and writes
`stamps:` (see [the command line](cli.md#coherence-review)). In CI, check out with
`fetch-depth: 0` so that git decides where stamps do not; stamps decide in any clone.

**How git is read**: one `git log` pass over the first-parent history (blob ids per
commit, paths filtered in Python) and one `git cat-file --batch` for the blob contents
needed to fingerprint document versions, cached by blob id in `.cache/coherence/` beside
`mkdocs.yml` (outside `docs_dir`; never commit it), so a rebuild reads only new blobs —
never one git process per file ([ADR-0009](../decisions/0009-history-in-one-pass.md)).
On 5,000 documents and 2,000 commits the pass takes about 1.5 s on a rebuild (2.7 s with a
cold cache), where one `git log -1 -- PATH` per file would take 30 minutes or more
(`python benchmarks/history.py` measures both).
""")

# Only the edges along which a document relies on another carry staleness (DESIGN §5 v1.1): a
# decision is a record of a point in time, and what it `affects`, `resolves` or `supersedes`
# changing later does not make it wrong (only `review_every` asks for its review).
RELIANCE_EDGES = ("uses", "changes", "assumes", "depends_on")
MAX_FILES_SHOWN = 3
NOT_STANDING = ("superseded", "rejected", "deprecated")
# Naming a decision that no longer stands is stale whatever the edge (superseded-reference).
NAMING_EDGES = ("uses", "changes", "depends_on", "affects", "resolves")


def _review_point(document: Document, ctx: Context, now: float) -> Point | None:
    """When the document was last reviewed (DESIGN §4 `reviewed`, default its last commit)."""
    reviewed = document.values.get("reviewed")
    if isinstance(reviewed, date):
        return Point(reviewed, None, f"reviewed {reviewed.isoformat()}")
    history = ctx.history
    if history.full:
        return history.last_touch(document, now)
    decided = document.values.get("date") if document.kind == "decision" else None
    if isinstance(decided, date):
        return Point(decided, None, f"decided {decided.isoformat()}")
    return None


def _frontmatter_change(document: Document) -> Change | None:
    """Degraded mode: the latest date the target's front-matter states (its review or decision)."""
    days = [(d, label) for label, d in (("reviewed", document.values.get("reviewed")),
                                         ("decided", document.values.get("date") if document.kind == "decision" else None))
            if isinstance(d, date)]
    if not days:
        return None
    day, label = max(days)
    return Change(day, None, note=f"{label} {day.isoformat()} by its front-matter; git history is not available "
                                  "to say whether that changed anything material")


def _dependencies(ctx: Context, document: Document) -> list[tuple[str, str, int | None]]:
    """(target id, edge type, line) per distinct target it relies on, in the order of the
    front-matter: only reliance edges carry staleness (DESIGN §5 v1.1)."""
    seen: dict[str, tuple[str, str, int | None]] = {}
    for target, edges in ctx.graph.succ.get(document.id, {}).items():  # networkx's out_edges order
        if target == document.id:
            continue
        for edge in edges:
            if edge.type in RELIANCE_EDGES and not edge.derived:
                seen[target] = (target, edge.type, edge.line)
                break
    if len(seen) < 2:
        return list(seen.values())
    return sorted(seen.values(), key=lambda item: (item[2] or 0, item[0]))


def _assumed_facts(ctx: Context, document: Document) -> dict[str, frozenset[str]]:
    """target id -> the facts of it this document assumes: only those, the target's major
    version and its status can make the document stale through that target."""
    facts: dict[str, set[str]] = {}
    if document.assumes:
        for target, edges in ctx.graph.succ.get(document.id, {}).items():
            for edge in edges:
                if edge.type == "assumes" and edge.fact is not None:
                    facts.setdefault(target, set()).add(edge.fact)
    return {target: frozenset(names) for target, names in facts.items()}


def _projection(facts: frozenset[str]):
    """What a document that assumes `facts` relies on in its target's material content."""

    def project(content: dict | None) -> dict | None:
        if content is None:
            return None
        defines = content.get("defines", {})
        version = str(content.get("version", ""))
        return {"kind": content.get("kind"), "major": version.split(".")[0], "status": content.get("status"),
                "defines": {fact: defines[fact] for fact in sorted(facts) if fact in defines}}

    return project


def _told(content: dict | None, facts: frozenset[str]) -> dict | None:
    """The material content cut down to what a dependent assuming `facts` relies on, for
    telling what changed ("version 1.4.0 → 2.0.0, `trip.currency` EUR → USD")."""
    if content is None:
        return None
    told = {key: content[key] for key in ("kind", "version", "status") if key in content}
    defines = {fact: value for fact, value in content.get("defines", {}).items() if fact in facts}
    if defines:
        told["defines"] = defines
    return told


@dataclass(frozen=True)
class _Stale:
    change: Change
    source: str  # the document that changed
    via: str  # next hop towards it
    stamped: bool = False
    known: bool = True  # the change's date is known: it can propagate to dependents


@dataclass
class _Analysis:
    points: dict[str, Point | None]
    direct: dict[tuple[str, str], _Stale]
    carried: dict[str, _Stale]  # per document: the most recent change it has not absorbed
    edges: dict[str, list[tuple[str, str, int | None]]]  # live document -> its dependencies
    narrowed: dict[str, dict[str, frozenset[str]]]  # live document -> target -> the facts it assumes of it


def _analyse(ctx: Context) -> _Analysis:
    history = ctx.history
    now = time.time()
    index = ctx.graph.index
    live = {i: d for i, d in index.items() if d.live}
    points = {i: _review_point(d, ctx, now) for i, d in live.items()}
    own: dict[str, Change | None] = {}  # a target's own latest change, looked up when first referenced
    full = history.full
    prints: dict[str, str] = {}

    def fp(target_id: str) -> str:
        if target_id not in prints:
            prints[target_id] = fingerprint(index[target_id])
        return prints[target_id]

    edges: dict[str, list[tuple[str, str, int | None]]] = {i: _dependencies(ctx, d) for i, d in live.items()}
    narrowed = {i: _assumed_facts(ctx, d) for i, d in live.items()}
    relevant: dict[tuple[str, frozenset], Change | None] = {}  # (target, facts) -> its latest relevant change
    direct: dict[tuple[str, str], _Stale] = {}
    for source_id, targets in edges.items():
        stamps = index[source_id].values.get("stamps", {})
        point = points[source_id]
        for target_id, _, _ in targets:
            facts = narrowed[source_id].get(target_id)
            if target_id in own:
                change = own[target_id]
            else:
                target = index[target_id]
                change = own[target_id] = history.material_change(target) if full else _frontmatter_change(target)
            if facts and full:
                if (target_id, facts) not in relevant:
                    relevant[(target_id, facts)] = history.relevant_change(
                        index[target_id], _projection(facts), lambda content, facts=facts: _told(content, facts))
                change = relevant[(target_id, facts)]
            if target_id in stamps:
                if stamps[target_id] == fp(target_id):
                    continue
                earlier = history.earlier_material(index[target_id], stamps[target_id])
                now_material = material(index[target_id])
                if facts and earlier is not None and _projection(facts)(earlier) == _projection(facts)(now_material):
                    continue  # what changed is nothing this document assumes
                if facts and earlier is not None:
                    earlier, now_material = _told(earlier, facts), _told(now_material, facts)
                what = (describe(earlier, now_material) if earlier is not None
                        else f"fingerprint {stamps[target_id]} when stamped, {fp(target_id)} now")
                known = change is not None and change.ts is not None
                change = Change(change.day if known else ctx.today, change.ts if known else None,
                                change.commit if known else None, note=what)
                direct[(source_id, target_id)] = _Stale(change, target_id, target_id, stamped=True, known=known)
            elif change is not None and point is not None and point.before(change):
                direct[(source_id, target_id)] = _Stale(change, target_id, target_id)

    if not direct:  # nothing changed under anyone: nothing can propagate either
        return _Analysis(points, direct, {}, edges, narrowed)
    # Transitive: condense cycles, then sinks first; within a component, iterate to a fixed point.
    # Predecessors in the order networkx's DiGraph would list them (the order work is queued in).
    predecessors: dict[str, dict[str, None]] = {}
    for source_id, targets in edges.items():
        for target_id, _, _ in targets:
            if target_id in live:
                predecessors.setdefault(target_id, {})[source_id] = None
    components = list(strongly_connected(live, lambda node: (t for t, _, _ in edges[node] if t in live)))
    component_of = {member: number for number, members in enumerate(components) for member in members}
    carried: dict[str, _Stale] = {}

    def candidate(source_id: str) -> _Stale | None:
        best = None
        point = points[source_id]
        for target_id, _, _ in edges[source_id]:
            options = [direct.get((source_id, target_id))]
            # Assuming particular facts of a target is relying on those facts only, not on what the
            # target itself relies on.
            upstream = None if target_id in narrowed[source_id] else carried.get(target_id)
            if upstream is not None and point is not None and point.before(upstream.change):
                options.append(_Stale(upstream.change, upstream.source, target_id))
            for option in options:
                if option is not None and option.known and (best is None or option.change.key > best.change.key):
                    best = option
        return best

    # Sinks first: every dependency's carried change is final before its dependents read it.
    for component, members in enumerate(components):
        pending = sorted(members)
        while pending:
            source_id = pending.pop()
            found = candidate(source_id)
            current = carried.get(source_id)
            if found is not None and (current is None or found.change.key > current.change.key):
                carried[source_id] = found
                pending.extend(p for p in predecessors.get(source_id, ())
                               if component_of[p] == component)
    return _Analysis(points, direct, carried, edges, narrowed)


def _path(analysis: _Analysis, start: str, source: str) -> list[str]:
    path, node, seen = [start], start, {start}
    while node != source:
        step = analysis.carried.get(node)
        if step is None or step.via in seen:
            break
        node = step.via
        path.append(node)
        seen.add(node)
    return path


@family.rule(Severity.WARNING)
def stale_dependency(ctx: Context) -> Iterator[Finding]:
    """something this document references changed after its review

    What it does: something this document references — directly, or through documents that have not
    absorbed the change either — changed materially (version, status, facts, invariants,
    references) after it was last reviewed; see [Staleness](#staleness)

    What to do: re-read what changed, update the document, record the review (`coherence review
    ID`)
    """
    analysis = _analyse(ctx)
    index = ctx.graph.index
    for source_id, point in sorted(analysis.points.items()):
        document = index[source_id]
        for target_id, edge_type, line in analysis.edges[source_id]:
            target = index[target_id]
            line = line or document.line(edge_type) or 1
            stale = analysis.direct.get((source_id, target_id))
            fix = f"re-read it, update this {document.kind} if needed, then record the review (`coherence review {source_id}`)"
            if stale is not None:
                change = stale.change
                if stale.stamped:
                    message = (f"{edge_type} {target.kind} '{target_id}', which changed materially since this "
                               f"{document.kind} stamped it ({change.what}"
                               f"{'; last material change ' + change.when if change.ts is not None else ''}); {fix}")
                elif change.ts is None:  # front-matter dates only
                    message = (f"{edge_type} {target.kind} '{target_id}', which was {change.what.split(' by ')[0]}, "
                               f"after this {document.kind} was last {_seen(point)}; git history is not available to "
                               f"tell whether it changed materially, so {fix}")
                else:
                    message = (f"{edge_type} {target.kind} '{target_id}', which changed materially on {change.when} "
                               f"({change.what}), after this {document.kind} was last {_seen(point)}; {fix}")
                yield Finding("stale-dependency", message, document.rel, line, (source_id, target_id))
                continue
            upstream = None if target_id in analysis.narrowed[source_id] else analysis.carried.get(target_id)
            if upstream is None or point is None or not point.before(upstream.change):
                continue
            path = [source_id] + _path(analysis, target_id, upstream.source)
            changed = index[upstream.source]
            message = (f"{edge_type} {target.kind} '{target_id}', which relies on {changed.kind} '{changed.id}' "
                       f"({' → '.join(path)}, {len(path) - 1} hops away); '{changed.id}' changed materially on "
                       f"{upstream.change.when} ({upstream.change.what}), after this {document.kind} was last "
                       f"{_seen(point)} and after '{target_id}' was; {fix}")
            yield Finding("stale-dependency", message, document.rel, line, tuple(path))


def _seen(point: Point) -> str:
    label = point.label
    return label if label.startswith(("reviewed", "decided")) else f"touched ({label})"


@family.rule(Severity.WARNING)
def stale_code(ctx: Context) -> Iterator[Finding]:
    """a path it governs changed after its review

    What it does: a commit changed a path matching the document's `governs` globs after it was last
    reviewed (the message names the latest commit and the files)

    What to do: check the document still describes the code; record the review
    """
    documents = [d for d in ctx.live_documents if d.values.get("governs")]
    if not documents or not ctx.history.full:
        return
    now = time.time()
    for document in documents:
        point = _review_point(document, ctx, now)
        if point is None:
            continue
        patterns = document.values["governs"]
        commits = ctx.history.governed(patterns, point)
        if not commits:
            continue
        latest, files = commits[0]
        every = sorted({f for _, paths in commits for f in paths})
        shown = ", ".join(every[:MAX_FILES_SHOWN]) + (f" and {len(every) - MAX_FILES_SHOWN} more"
                                                       if len(every) > MAX_FILES_SHOWN else "")
        matched = next((i for i, p in enumerate(patterns)
                        if any(glob_regex(ctx.history.to_repo_glob(p)).match(f) for f in every)), 0)
        yield Finding(
            "stale-code",
            f"governs `{patterns[matched]}`, and {len(commits)} commit{'s' if len(commits) > 1 else ''} changed "
            f"{len(every)} matching file{'s' if len(every) > 1 else ''} ({shown}) after this {document.kind} was last "
            f"{_seen(point)}; the latest is {latest.short} on {latest.day.isoformat()} \"{latest.subject}\"; check "
            f"that the {document.kind} still describes the code, then record the review "
            f"(`coherence review {document.id}`)",
            document.rel, document.line("governs", matched) or document.line("governs"), (document.id,))


@family.rule(Severity.WARNING)
def superseded_reference(ctx: Context) -> Iterator[Finding]:
    """it references a superseded, rejected or deprecated decision

    What it does: the document references a superseded, rejected or deprecated decision

    What to do: point at the decision that replaced it
    """
    for document in ctx.live_documents:
        if ctx.graph.effective_status(document) == "superseded":
            continue
        for reference in document.references:
            if reference.key not in NAMING_EDGES or not reference.resolved:
                continue
            target = ctx.graph.index[reference.resolved]
            if target.kind != "decision":
                continue
            status = ctx.graph.effective_status(target)
            if status not in NOT_STANDING:
                continue
            successors = ctx.graph.superseded_by.get(target.id, [])
            advice = (f"point to {' or '.join(repr(s) for s in successors)} instead" if successors
                      else "find what replaced it, or remove the reference")
            yield Finding(
                "superseded-reference",
                f"{reference.key} names decision '{target.id}', which is {status}"
                f"{' by ' + ', '.join(repr(s) for s in successors) if successors else ''}; {advice}",
                document.rel, reference.line, (document.id, target.id, *successors),
            )


@family.rule(Severity.WARNING)
def review_overdue(ctx: Context) -> Iterator[Finding]:
    """review_every has elapsed since reviewed

    What it does: `review_every` has elapsed since `reviewed` (default: the file's last commit)

    What to do: review the document and record the review
    """
    now = time.time()
    for document in ctx.live_documents:
        every = document.values.get("review_every")
        if every is None:
            continue
        point = _review_point(document, ctx, now)
        if point is None:
            continue
        age = (ctx.today - point.day).days
        if age > every:
            yield Finding(
                "review-overdue",
                f"review_every is {every} days, and this {document.kind} was last {_seen(point)}, {age} days ago; "
                f"review it and record the review (`coherence review {document.id}`)",
                document.rel, document.line("review_every"), (document.id,))


@family.rule(Severity.INFO)
def shallow_history(ctx: Context) -> Iterator[Finding]:
    """git history is shallow or absent

    What it does: git history is shallow (a `--depth` clone), or absent while documents use
    `reviewed` or `governs`: date-based staleness is degraded; reported once per check, without a
    file

    What to do: fetch full history in CI (`fetch-depth: 0`), or rely on stamps
    """
    # Once per check: staleness is degraded, say what and how to fix it.
    history = ctx.history
    if history.state == FULL:
        return
    if history.state == SHALLOW:
        why = "git history is shallow (a `--depth` clone)"
    else:
        # Outside git, only a tree that uses review dates or governs code loses something.
        if not any(d.values.get("reviewed") or d.values.get("governs") for d in ctx.corpus.documents):
            return
        why = f"git history is not available ({history.reason})"
    yield Finding(
        "shallow-history",
        f"{why}: the dates of material changes are unknown, so stale-dependency judges references by stamps and "
        "front-matter dates (`reviewed`, `date`) only, and stale-code cannot run; fetch the full history "
        "(actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`), or record reviews with "
        "`coherence review ID` so that stamps decide in any clone",
        None, None, ())

