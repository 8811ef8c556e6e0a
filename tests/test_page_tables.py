"""The intent board and the contract catalogue are written in Python (`page_tables`) for speed;
their templates stay the documented ones to override. Both paths must give the same Markdown
and the same HTML blocks on every tree, or the fast path has drifted from the templates."""

from __future__ import annotations

import shutil
import sys

import pytest

from conftest import REPO, build, write_tree
from mkdocs_coherence.check import check
from mkdocs_coherence.core.config import read_mkdocs_yml
from mkdocs_coherence.rules.catalogue import RULES
from mkdocs_coherence.site import pages
from mkdocs_coherence.site.model import SiteModel
from mkdocs_coherence.site.pages import PAGES, markdown_environment, render_pages

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import write_corpus  # noqa: E402

HOSTILE = "'<b>x</b> & `code` *em* [l](u) | # {a} ~ $ @'"
CRAFTED = {
    "mkdocs.yml": "site_name: Tables\nplugins:\n  - coherence:\n      fail_on: never\n",
    "docs/index.md": "# Home\n",
    "docs/contracts/profile.md": f"---\nversion: 2.1.0\nstatus: active\ntype: {HOSTILE}\n"
                                 f"owners: [{HOSTILE}, \"o'neil\"]\n"
                                 "defines:\n  customer.status: [active, closed]\n  Big.Fact: {a: [1, 2]}\n"
                                 f"  abc.id: uuid\ninvariants: [{HOSTILE}, plain]\n---\n# Profile {HOSTILE}\n",
    "docs/contracts/old.md": "---\nversion: 1.0.0\nstatus: deprecated\n---\n# Old\n",
    "docs/contracts/lonely.md": "---\nstatus: draft\n---\n# Nobody uses me\n",
    "docs/intents/checkout.md": "---\nstatus: active\ngoal: conversion\nrisk: high\nowners: [a, '<b>']\n"
                                "uses: [profile@1, old@1, ghost, profile@2]\nchanges: [profile]\n"
                                "assumes:\n  customer.status: [active, dormant]\n  customer.nickname: 1\n---\n# Checkout & pay\n",
    "docs/intents/loyalty.md": "---\nstatus: active\ngoal: retention\nchanges: [profile@2]\n"
                               "assumes:\n  customer.status: [active, closed]\n---\n# Loyalty\n",
    "docs/intents/bare.md": "---\nkind: intent\n---\nNo heading, no status.\n",
    "docs/intents/odd.md": "---\nstatus: Parked\nuses: [old]\n---\n# Odd status\n",
    "docs/intents/odd2.md": "---\nstatus: parked\n---\n# Same status, other case\n",
    "docs/intents/none.md": "---\nstatus: '(none)'\n---\n# Literally none\n",
    "docs/intents/shipped.md": "---\nstatus: shipped\ngoal: retention\nuses: [profile@2]\n"
                               "success:\n  - {metric: churn, target: '< 2%'}\n  - {metric: nps, target: '>= 40'}\n"
                               "outcomes:\n  - {metric: churn, value: 1.5%, measured: 2026-02-01}\n---\n# Shipped\n",
    "docs/intents/gone.md": "---\nstatus: abandoned\nuses: [profile]\n---\n# Gone\n",
    "decisions/0001-first.md": "---\nstatus: accepted\ndate: 2026-01-05\ndecides: datastore\naffects: [profile]\n"
                               "---\n# First\n",
}


class _Assets(dict):
    def __missing__(self, name: str) -> str:  # every published file's path
        return f"coherence/assets/{name}"


def _render(project, python_pages: bool) -> dict[str, tuple[str, list[str]]]:
    report = check(read_mkdocs_yml(project / "mkdocs.yml", RULES))
    model = SiteModel(report, lambda i: None if i.startswith("ADR") else f"{i}/?a=1&b=\"2\"")
    names = [spec.name for spec in PAGES]
    rendered = render_pages(model, markdown_environment(()), {n: f"coherence/{n}/" for n in names},
                            {n: f"coherence/{n}.md" for n in names},
                            _Assets(), python_pages=python_pages)
    out = {}
    for name in pages.PYTHON_PAGES:
        page = rendered[name]
        out[name] = (page.markdown.replace(page.html.nonce, "NONCE"), list(page.html.blocks.values()))
    return out


def _trees(tmp_path):
    yield write_tree(tmp_path / "crafted", CRAFTED)
    yield shutil.copytree(REPO / "tests" / "hostile", tmp_path / "hostile", symlinks=True)
    yield shutil.copytree(REPO / "tests" / "realistic" / "files", tmp_path / "realistic", symlinks=True,
                          ignore=shutil.ignore_patterns("versions"))
    yield REPO
    yield write_corpus(tmp_path / "findings", 400, findings=True)  # hubs with more than 50 consumers
    yield write_corpus(tmp_path / "tidy", 300)
    yield write_tree(tmp_path / "empty", {"mkdocs.yml": "site_name: Empty\nplugins:\n  - coherence\n",
                                          "docs/index.md": "# Home\n"})


def test_the_python_board_and_catalogue_are_the_templates_bytes(tmp_path):
    seen = set()
    for project in _trees(tmp_path):
        fast, template = _render(project, True), _render(project, False)
        for name in pages.PYTHON_PAGES:
            assert fast[name][0] == template[name][0], (project, name)
            assert fast[name][1] == template[name][1], (project, name)
            seen.add((name, bool(template[name][1])))
            seen.add(any("more: the contract's own page lists every consumer" in b for b in template[name][1]))
    assert True in seen  # a hub with more consumers than the catalogue lists
    seen.discard(True), seen.discard(False)
    assert seen == {("intents", True), ("contracts", True), ("intents", False), ("contracts", False)}


def test_the_crafted_tree_reaches_every_branch(tmp_path):
    board, catalogue = (_render(write_tree(tmp_path / "crafted", CRAFTED), True)[name] for name in ("intents",
                                                                                                   "contracts"))
    board_html, catalogue_html = "\n".join(board[1]), "\n".join(catalogue[1])
    assert "## &#40;none&#41; (4)" in board[0]  # no status, or one that is not an intent's
    assert "(1/2 met)" in board_html and "coherence-outcome--abandoned" in board_html
    assert "&#60;b&#62;x&#60;/b&#62;" in catalogue_html and "<b>x</b>" not in catalogue_html
    for expected in ("coherence-pin--broken", "coherence-pin--ok", "coherence-assumption--violated",
                     "coherence-assumption--undefined", "Nobody references this contract yet", "<li>plain</li>"):
        assert expected in catalogue_html, expected
    facts = catalogue_html[catalogue_html.index("<th>fact</th>"):]  # Jinja's dictsort: case-insensitive
    assert facts.index("abc.id") < facts.index("Big.Fact") < facts.index("customer.status")


def test_a_theme_with_its_own_board_template_gets_it(tmp_path):
    macros = (REPO / "plugin" / "mkdocs_coherence" / "templates" / "coherence" / "pages" / "_macros.md").read_text()
    theme = write_tree(tmp_path / "theme", {"coherence/pages/intents.md": "# My board {{ m.of_kind('intent') | length }}\n",
                                            "coherence/pages/_macros.md": macros})
    assert pages._theme_overrides(markdown_environment([str(theme)]), "intents")
    assert pages._theme_overrides(markdown_environment([str(theme)]), "contracts")  # the macros it imports
    assert not pages._theme_overrides(markdown_environment([str(tmp_path)]), "intents")
    project = write_tree(tmp_path / "project", {**CRAFTED, "mkdocs.yml": CRAFTED["mkdocs.yml"].replace(
        "plugins:", f"theme:\n  name: mkdocs\n  custom_dir: {theme}\nplugins:")})
    site = build(project)
    assert "My board 8" in (site / "coherence" / "intents" / "index.html").read_text()


@pytest.mark.parametrize("name", sorted(pages.PYTHON_PAGES))
def test_the_python_pages_are_used_by_default(tmp_path, monkeypatch, name):
    called = []
    original = pages.PYTHON_PAGES[name]
    monkeypatch.setitem(pages.PYTHON_PAGES, name, lambda *args: called.append(name) or original(*args))
    build(write_tree(tmp_path / "project", CRAFTED))
    assert called == [name]
