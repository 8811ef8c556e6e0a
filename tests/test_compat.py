"""Other plugins beside ours, each really installed (the test extra) and in a real build:
mkdocs-static-i18n, mkdocs-literate-nav, mkdocs-awesome-nav, Material's blog and tags, and
`mkdocs serve --dirty`."""

from __future__ import annotations

import re
import time

import pytest

from conftest import build, check_json, mkdocs_serve, wait_for, write_tree

CONTRACT = """\
---
version: "2.1.0"
status: active
owners: [identity]
colour: blue
defines:
  customer.status: [active, closed]
---
# {title}
"""
INTENT = """\
---
status: active
owners: [web]
uses: [customer-profile@2]
success: [{metric: conversion, target: '>= 3%'}]
---
# Checkout
"""
I18N = """\
site_name: Translated
theme: material
plugins:
{plugins}
"""
I18N_PLUGIN = """\
  - i18n:
      docs_structure: suffix
      languages:
        - {locale: en, default: true, name: English}
        - {locale: fr, name: Français}
"""


def nav_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)" class="md-nav__link', html)


@pytest.mark.parametrize("order", ["coherence first", "i18n first"])
def test_static_i18n_builds_and_a_translation_is_the_same_document(tmp_path, order):
    plugins = ["  - coherence\n", I18N_PLUGIN]
    if order == "i18n first":
        plugins.reverse()
    project = write_tree(tmp_path / "project", {
        "mkdocs.yml": I18N.format(plugins="".join(plugins)),
        "docs/index.md": "# Home\n",
        "docs/index.fr.md": "# Accueil\n",
        "docs/contracts/customer-profile.md": CONTRACT.format(title="Customer profile"),
        "docs/contracts/customer-profile.fr.md": CONTRACT.format(title="Profil client"),
        "docs/intents/checkout.md": INTENT,
    })
    site_dir = build(project)  # crashed with a TypeError in mkdocs-static-i18n, whichever order
    # One document, read from the default-language file: the unknown key is reported once.
    code, report = check_json(project)
    assert report["summary"]["documents"] == 2, report
    assert [(f["rule"], f["path"]) for f in report["findings"]] == \
        [("unknown-key", "docs/contracts/customer-profile.md")], report["findings"]
    # Each language has its pages, its panels and its generated pages, linking within the language.
    english = (site_dir / "contracts/customer-profile/index.html").read_text()
    french = (site_dir / "fr/contracts/customer-profile/index.html").read_text()
    assert "Customer profile" in english and "Profil client" in french
    for html in (english, french):
        assert "coherence-panel" in html
        assert "checkout" in html.split("coherence-panel", 1)[1]  # referenced by the intent
    catalogue = (site_dir / "coherence/contracts/index.html").read_text()
    assert 'href="../../contracts/customer-profile/"' in catalogue
    french_catalogue = (site_dir / "fr/coherence/contracts/index.html").read_text()
    assert 'href="../../contracts/customer-profile/"' in french_catalogue  # fr/contracts/..., from fr/
    assert (site_dir / "fr/graph.json").is_file() and (site_dir / "graph.json").is_file()


def test_without_i18n_a_suffixed_file_is_a_document_of_its_own(site):
    """The silent case: with no i18n plugin, `x.fr.md` is just another file."""
    project = site({"docs/contracts/customer-profile.md": CONTRACT.format(title="Customer profile"),
                    "docs/contracts/customer-profile.fr.md": CONTRACT.format(title="Profil client")})
    code, report = check_json(project)
    assert report["summary"]["documents"] == 2
    assert {f["path"] for f in report["findings"] if f["rule"] == "unknown-key"} == \
        {"docs/contracts/customer-profile.md", "docs/contracts/customer-profile.fr.md"}


TREE = {
    "docs/index.md": "# Home\n",
    "docs/contracts/customer-profile.md": CONTRACT.format(title="Customer profile").replace("colour: blue\n", ""),
    "docs/intents/checkout.md": INTENT,
}


def test_literate_nav_gets_the_coherence_section(tmp_path, caplog):
    project = write_tree(tmp_path / "project", {
        **TREE,
        "mkdocs.yml": "site_name: Literate\ntheme: material\nplugins:\n  - coherence\n  - literate-nav\n",
        "docs/SUMMARY.md": "* [Home](index.md)\n* [Profile](contracts/customer-profile.md)\n",
    })
    links = nav_links((build(project) / "index.html").read_text())
    assert links[:2] == [".", "contracts/customer-profile/"]  # the user's SUMMARY.md, as written
    assert "coherence/" in links and "coherence/decisions/" in links and "coherence/graph/" in links
    assert "intents/checkout/" not in links  # nothing else is added
    # literate-nav warns when a plugin changes the files after it built the nav: ours does not.
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == []


def test_awesome_nav_gets_the_coherence_section(tmp_path):
    project = write_tree(tmp_path / "project", {
        **TREE,
        "mkdocs.yml": "site_name: Awesome\ntheme: material\nplugins:\n  - coherence\n  - awesome-nav\n",
        "docs/.nav.yml": "nav:\n  - index.md\n  - Profile: contracts/customer-profile.md\n",
    })
    html = (build(project) / "index.html").read_text()
    links = nav_links(html)
    assert links[:2] == [".", "contracts/customer-profile/"]
    assert "coherence/contracts/" in links and "coherence/stale/" in links


def test_a_nav_that_lists_a_generated_page_is_left_alone(tmp_path):
    """The silent case: a SUMMARY.md naming one of our pages places the section itself."""
    project = write_tree(tmp_path / "project", {
        **TREE,
        "mkdocs.yml": "site_name: Literate\ntheme: material\nplugins:\n  - coherence\n  - literate-nav\n",
        "docs/SUMMARY.md": "* [Home](index.md)\n* [Decisions](coherence/decisions.md)\n",
    })
    links = nav_links((build(project) / "index.html").read_text())
    assert links == [".", "coherence/decisions/"]


def test_material_blog_and_tags_build_and_tags_still_work_on_documents(tmp_path):
    project = write_tree(tmp_path / "project", {
        **TREE,
        "docs/contracts/customer-profile.md": CONTRACT.format(title="Customer profile").replace(
            "colour: blue\n", "tags: [identity, billing]\n"),
        "mkdocs.yml": "site_name: Blog\ntheme: material\nplugins:\n  - coherence\n  - blog\n  - tags\n",
        "docs/tags.md": "# Tags\n\n<!-- material/tags -->\n",
        "docs/blog/index.md": "# Blog\n",
        "docs/blog/posts/hello.md": "---\ndate: 2024-01-31\n---\n# Hello\n\nA post.\n",
    })
    site_dir = build(project)
    contract = (site_dir / "contracts/customer-profile/index.html").read_text()
    assert "md-tag" in contract and "billing" in contract  # Material drew the document's tags
    assert "coherence-panel" in contract
    tags = (site_dir / "tags/index.html").read_text()
    assert "billing" in tags and "contracts/customer-profile/" in tags
    assert (site_dir / "blog/2024/01/31/hello/index.html").is_file()
    assert (site_dir / "coherence/decisions/index.html").is_file()


def test_serve_dirty_refreshes_the_referenced_by_of_an_unedited_contract(tmp_path):
    project = write_tree(tmp_path / "project", {
        **TREE,
        "mkdocs.yml": "site_name: Dirty\nplugins:\n  - coherence\n",
        "docs/intents/loyalty.md": INTENT.replace("# Checkout", "# Loyalty").replace("uses: [customer-profile@2]\n", ""),
    })
    with mkdocs_serve(project, "--dirty") as served:
        url = served.base + "contracts/customer-profile/"
        deadline = time.monotonic() + 90
        html = wait_for(url, lambda h: "coherence-panel" in h, deadline)
        panel = html.split("coherence-panel", 1)[1]
        assert "intents/checkout/" in panel and "intents/loyalty/" not in panel
        consumer = project / "docs/intents/loyalty.md"
        edited = consumer.read_text().replace("owners: [web]\n", "owners: [web]\nuses: [customer-profile@2]\n")
        html = wait_for(url, lambda h: "intents/loyalty/" in h.split("coherence-panel", 1)[-1], deadline,
                        poke=lambda: consumer.write_text(edited))
        assert "intents/loyalty/" in html.split("coherence-panel", 1)[1]  # the contract's file never changed
        assert served.process.poll() is None
    assert "Traceback" not in served.output


def test_translations_read_from_the_i18n_entry_in_either_structure(tmp_path):
    from mkdocs_coherence.core.config import translations_of

    docs = tmp_path / "docs"
    languages = [{"locale": "en", "default": True}, {"locale": "fr"}, {"locale": "de"}]
    suffix = translations_of({"languages": languages}, docs)
    assert suffix.original(str(docs / "contracts/x.fr.md"), str(docs)) == str(docs / "contracts/x.md")
    assert suffix.original(str(docs / "contracts/x.en.md"), str(docs)) is None  # the default language
    assert suffix.original(str(docs / "contracts/x.md"), str(docs)) is None
    assert suffix.original(str(docs / "contracts/v1.2.md"), str(docs)) is None  # not a locale
    folder = translations_of({"languages": languages, "docs_structure": "folder"}, docs)
    assert folder.original(str(docs / "de/contracts/x.md"), str(docs)) == str(docs / "en/contracts/x.md")
    assert folder.original(str(docs / "en/contracts/x.md"), str(docs)) is None
    assert translations_of({"languages": [{"locale": "en", "default": True}]}, docs) is None  # nothing to translate
    assert translations_of({"languages": "en"}, docs) is None  # not the plugin's shape: ignored, its own error
