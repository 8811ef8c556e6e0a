"""The graph's plain adjacency (what the check reads) and its networkx view (what the site and
`coherence graph` read) list the same edges in the same order; a check needs no networkx."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import networkx as nx

from mkdocs_coherence.core.config import parse_settings
from mkdocs_coherence.rules.catalogue import RULES
from mkdocs_coherence.check import check
from mkdocs_coherence.core.graph import strongly_connected
from conftest import write_tree

TREE = {
    "docs/contracts/customer.md": """\
        ---
        version: "2.0.0"
        defines: {customer.status: [active, closed]}
        ---
        # Customer
        """,
    "docs/contracts/billing.md": """\
        ---
        version: "1.0.0"
        depends_on: [customer]
        defines: {invoice.currency: EUR}
        ---
        # Billing
        """,
    # uses and changes the same contract: two parallel edges, kept apart by their keys
    "docs/intents/checkout.md": """\
        ---
        status: active
        goal: conversion
        uses: [customer@2, billing@1]
        changes: [customer]
        depends_on: [../contracts/billing.md]
        assumes: {customer.status: [active], invoice.currency: EUR}
        ---
        # Checkout
        """,
    "docs/intents/retain.md": """\
        ---
        status: draft
        goal: retention
        uses: [customer@1]
        depends_on: [checkout, nowhere]
        ---
        # Retain
        """,
    "docs/decisions/0001-old.md": """\
        ---
        status: superseded by ADR-0002
        date: 2025-01-01
        decides: storage
        affects: [customer]
        ---
        # Old
        """,
    "docs/decisions/0002-new.md": """\
        ---
        status: accepted
        date: 2025-06-01
        decides: storage
        supersedes: [ADR-1]
        resolves: [checkout, retain]
        alternatives: [keep]
        ---
        # New
        """,
}


def _report(tmp_path):
    return _report_of(tmp_path, TREE)


def test_plain_adjacency_lists_what_networkx_lists_in_the_same_order(tmp_path):
    graph = _report(tmp_path).graph
    assert {"checkout", "customer", "ADR-0001", "ADR-0002"} <= set(graph.index)
    g = graph.graph
    assert list(graph.edges()) == [(u, v, d["edge"]) for u, v, d in g.edges(data=True)]
    assert len(list(graph.edges())) > 8
    for node in g.nodes:
        assert [d["edge"] for _, _, d in g.in_edges(node, data=True)] == graph.in_edges(node)
        assert [d["edge"] for _, _, d in g.out_edges(node, data=True)] == graph.out_edges(node) == [
            e for edges in graph.succ[node].values() for e in edges]
    for edge_type in ("uses", "changes", "depends_on", "supersedes", "assumes", "resolves", "affects"):
        assert graph.edges_of_type(edge_type) == [(u, v, d["edge"]) for u, v, d in g.edges(data=True)
                                                  if d["edge"].type == edge_type]
    assert dict(g.nodes(data=True))["checkout"] == {"kind": "intent", "status": "active", "title": "Checkout",
                                                     "path": "docs/intents/checkout.md"}


def test_strongly_connected_matches_networkx_and_lists_sinks_first():
    rng = random.Random(5)
    for _ in range(200):
        nodes = [f"n{i}" for i in range(rng.randint(1, 30))]
        links = {n: rng.sample(nodes, rng.randint(0, min(3, len(nodes)))) for n in nodes}
        components = list(strongly_connected(nodes, lambda n: links[n]))
        reference = nx.DiGraph()
        reference.add_nodes_from(nodes)
        reference.add_edges_from((u, v) for u, vs in links.items() for v in vs)
        assert sorted(map(sorted, components)) == sorted(map(sorted, nx.strongly_connected_components(reference)))
        position = {member: at for at, component in enumerate(components) for member in component}
        for u, vs in links.items():
            assert all(position[v] <= position[u] for v in vs)  # what a node reaches comes first


def test_a_long_chain_needs_no_recursion():
    count = 50_000
    components = list(strongly_connected(range(count), lambda n: [n + 1] if n + 1 < count else []))
    assert len(components) == count and components[0] == [count - 1]


PROBE = r"""
import json, sys
from mkdocs_coherence.core.config import read_mkdocs_yml
from mkdocs_coherence.rules.catalogue import RULES
from mkdocs_coherence.check import check
report = check(read_mkdocs_yml(sys.argv[1] + "/mkdocs.yml", RULES))
print(json.dumps({"rules": sorted({f.rule for f in report.findings}), "networkx": "networkx" in sys.modules}))
"""


def test_a_check_outside_git_without_loops_never_imports_networkx(tmp_path):
    root = write_tree(tmp_path / "project", {"mkdocs.yml": "site_name: t\n", **TREE})
    result = subprocess.run([sys.executable, "-c", PROBE, str(root)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert "unresolved-reference" in probe["rules"] and "cycle" not in probe["rules"]
    assert probe["networkx"] is False


def test_a_loop_is_still_named(tmp_path):
    tree = dict(TREE)
    tree["docs/contracts/customer.md"] = tree["docs/contracts/customer.md"].replace(
        "version:", "depends_on: [billing]\n        version:")
    loops = [f for f in _report_of(tmp_path, tree).findings if f.rule == "cycle"]
    assert [(f.path, f.message.split(";")[0]) for f in loops] == [
        ("docs/contracts/billing.md", "depends_on loops: billing → customer → billing")]


def _report_of(tmp_path, tree):
    root = write_tree(tmp_path / "project", {"mkdocs.yml": "site_name: t\n", **tree})
    return check(parse_settings({}, config_dir=root, docs_dir=root / "docs", catalogue=RULES))


def test_an_edge_keeps_its_reference_and_answers_the_pin_once(tmp_path):
    report = _report_of(tmp_path, {
        "docs/contracts/profile.md": "---\nversion: '2.1.0'\nstatus: active\n---\n# Profile\n",
        "docs/intents/a.md": "---\nstatus: draft\nuses: ['profile@>=2.2,<3']\n---\n# A\n",
        "docs/intents/b.md": "---\nstatus: draft\nuses: [profile@2]\n---\n# B\n",
    })
    graph = report.graph
    profile = graph.index["profile"]
    (a,), (b,) = graph.out_edges("a"), graph.out_edges("b")
    assert a.reference is graph.index["a"].references[0] and a.range is a.reference.range  # parsed once
    assert (a.type, a.range.text, b.range.text) == ("uses", ">=2.2,<3", "2")
    assert (a.matches(profile.version), b.matches(profile.version)) == (False, True)
    assert a.matches(None) is None
    assert [f.rule for f in report.findings if "a" in f.ids] == ["version-mismatch"]  # the rule's answer, too
