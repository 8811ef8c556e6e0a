"""The packaged panel is drawn in Python (`panel_html`) for speed; the template
`coherence/panel.html` stays the documented one to override. Both must give the same bytes
for every kind of panel, or the fast path has drifted from what the docs describe."""

from __future__ import annotations

import shutil

import pytest

from conftest import REPO, write_tree
from mkdocs_coherence.core.config import read_mkdocs_yml
from mkdocs_coherence.rules.catalogue import RULES
from mkdocs_coherence.check import check
from mkdocs_coherence.site.panel_html import default_panel
from mkdocs_coherence.site.render import PANEL_TEMPLATE, environment, overrides_panel, panel_context, panel_renderer

CRAFTED = {
    "mkdocs.yml": "site_name: Panels\nplugins:\n  - coherence:\n      fail_on: never\n"
                  "      gates:\n        high: [rollback, owners>=2]\n",
    "docs/index.md": "# Home\n",
    "docs/contracts/profile.md": "---\nversion: 2.1.0\nstatus: active\nowners: ['<b>data</b> & co', \"o'neil\"]\n"
                                 "tags: [pii, \"a 'quoted' & tag\"]\ndefines:\n  customer.status: [active, closed]\n"
                                 "---\n# Profile <em>v2</em>\n",
    "docs/contracts/old.md": "---\nversion: 1.0.0\nstatus: deprecated\n---\n# Old\n",
    # Bound to code: a schema whose names and enum values are hostile, and a broken binding.
    "api/<s>&.yaml": "Card:\n  type: object\n  required: ['<b>n</b>']\n  properties:\n"
                     "    '<b>n</b>': {type: string, enum: ['\"><script>x</script>', a&b]}\n"
                     "    note: {type: string, nullable: true}\n",
    "docs/contracts/card.md": "---\nversion: 1.0.0\nstatus: active\nsource: '../../api/<s>&.yaml#/Card'\n---\n# Card\n",
    "docs/contracts/nowhere.md": "---\nversion: 1.0.0\nstatus: active\nsource: ../../api/none.yaml#/X\n---\n# No\n",
    "docs/intents/checkout.md": "---\nstatus: active\ngoal: conversion\nrisk: high\nowners: [a]\n"
                                "uses: [profile@1, old@1, ghost, profile@2]\nchanges: [profile]\n"
                                "ignore:\n  - {rule: retired-contract, reason: 'moving <off> it', until: 2999-01-01}\n"
                                "  - {rule: unknown-key, reason: kept on purpose}\ncolour: red\n"
                                "assumes:\n  customer.status: [active, dormant]\n---\n# Checkout & pay\n",
    "docs/intents/loyalty.md": "---\nstatus: active\ngoal: retention\nchanges: [profile@2]\n---\n# Loyalty\n",
    "docs/intents/bare.md": "---\nkind: intent\n---\nNo heading, no status.\n",
    "decisions/0001-retention-first.md": "---\nstatus: accepted\ndate: 2026-01-05\ndecides: datastore\n"
                                         "resolves: [checkout, loyalty]\naffects: [profile]\n---\n# Retention first\n",
    "decisions/0002-again.md": "---\nstatus: accepted\ndecides: datastore\nsupersedes: [ADR-0009]\n---\n# Again\n",
}


def _url_of(document_id: str) -> str | None:
    # Some neighbours unpublished (no link), some URLs that need escaping.
    return None if document_id.startswith("ADR") else f"../{document_id}/?a=1&b=\"2\""


def _contexts(project):
    report = check(read_mkdocs_yml(project / "mkdocs.yml", RULES))
    for document in report.corpus.documents:
        for context_url in (None, "../../context/x&y.md"):
            yield document.id, panel_context(document, report, _url_of, context_url,
                                             lambda path: f"https://example.com/r?p={path}&x=\"1\"")


def _trees(tmp_path):
    yield write_tree(tmp_path / "crafted", CRAFTED)
    yield shutil.copytree(REPO / "tests" / "hostile", tmp_path / "hostile", symlinks=True)
    yield REPO


@pytest.mark.parametrize("tree", [0, 1, 2], ids=["crafted", "hostile", "this-repository"])
def test_python_panel_equals_the_packaged_template(tmp_path, tree):
    project = list(_trees(tmp_path))[tree]
    template = environment().get_template(PANEL_TEMPLATE)
    seen = set()
    for document_id, context in _contexts(project):
        assert default_panel(context) == template.render(context), document_id
        seen.update(key for key in ("facts", "owners", "tags", "outgoing", "incoming", "unresolved", "local_graph",
                                    "categorised", "waived", "resolved", "source") if context[key])
    if tree == 0:  # the crafted tree shows every part of a panel at least once
        assert seen == {"facts", "owners", "tags", "outgoing", "incoming", "unresolved", "local_graph",
                        "categorised", "waived", "resolved", "source"}


def test_the_template_is_used_only_when_the_theme_overrides_it(tmp_path):
    override = write_tree(tmp_path / "overrides", {PANEL_TEMPLATE: "<div>{{ document.id }}</div>"})
    assert not overrides_panel([str(tmp_path / "elsewhere")])
    assert panel_renderer([str(tmp_path / "elsewhere")]) is default_panel
    assert overrides_panel([str(tmp_path / "elsewhere"), str(override)])
    render = panel_renderer([str(override)])
    [(_, context)] = [c for c in _contexts(write_tree(tmp_path / "p", CRAFTED)) if c[0] == "loyalty"][:1]
    assert render(context) == "<div>loyalty</div>"


def test_a_contract_bound_to_code_shows_its_facts_escaped_with_a_link(tmp_path):
    contexts = dict(_contexts(write_tree(tmp_path / "p", CRAFTED)))
    panel = default_panel(contexts["card"])
    assert '<a href="https://example.com/r?p=api/&lt;s&gt;&amp;.yaml&amp;x=&#34;1&#34;"><code>api/&lt;s&gt;&amp;.yaml#/Card' \
        '</code></a>' in panel
    assert "<tr><td><code>card.&lt;b&gt;n&lt;/b&gt;</code></td><td>[&#34;&gt;&lt;script&gt;x&lt;/script&gt;, a&amp;b]" \
           "</td><td>yes</td></tr>" in panel
    assert "<tr><td><code>card.note</code></td><td>string or null</td><td>no</td></tr>" in panel
    assert "<script>" not in panel and "<b>" not in panel
    broken = default_panel(contexts["nowhere"])
    assert "api/none.yaml#/X</code></a> — cannot be read (see below)" in broken and "<table" not in broken
    assert 'class="coherence-source"' not in default_panel(contexts["profile"])  # not bound: no table


def test_source_links_follow_the_host_and_refuse_other_schemes():
    from mkdocs_coherence.site.render import source_link

    assert source_link("https://github.com/o/r/")("api/a b.yaml") == "https://github.com/o/r/blob/HEAD/api/a%20b.yaml"
    assert source_link("https://gitlab.com/g/r")("x.json") == "https://gitlab.com/g/r/-/blob/HEAD/x.json"
    assert source_link("https://bitbucket.org/o/r")("x.json") == "https://bitbucket.org/o/r/src/HEAD/x.json"
    assert source_link(None)("x.json") is None and source_link("javascript:alert(1)")("x.json") is None
