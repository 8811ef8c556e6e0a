"""What the plugin does to keep `mkdocs build` fast must not change what the build produces:
the front-matter parse shared with MkDocs, generated pages whose large tables skip Markdown,
and templates looked up once per build (still overridable from the theme's custom_dir).

Speed itself is measured by `benchmarks/` (docs/performance.md), not here.
"""

from __future__ import annotations

import copy
import json
import re

import pytest
from mkdocs.structure.pages import Page

from conftest import build, mkdocs_yml, run_cli, write_tree
from mkdocs_coherence.core.loader.reading import SourceCache
from mkdocs_coherence.site.writer import BackgroundWriter
from mkdocs.exceptions import Abort

PAGES = {
    # The body starts like MultiMarkdown meta-data: it must stay body text.
    "docs/intents/note.md": "---\nstatus: draft\nowners: [a-team]\n---\nNote: text\n\n# Note\n\nBody.\n",
    "docs/intents/crlf.md": b"---\r\nstatus: draft\r\nowners: [crlf-team]\r\n---\r\n# CRLF\r\n\r\nBody.\r\n",
    "docs/intents/bom.md": "\ufeff---\nstatus: draft\nowners: [bom-team]\n---\n# BOM\n\nBody.\n".encode(),
    "docs/intents/titled.md": "---\ntitle: 'A <b>title</b> & more'\nstatus: active\nuses: [profile@1]\n---\n\n\n"
                              "Text before any heading.\n",
    "docs/intents/nested.md": "---\nstatus: active\nowners: [x]\nextra:\n  deep: [1, {a: [2, 3]}, 2026-01-02]\n"
                              "  when: 2026-01-02 10:00:00\nhide: [toc]\n---\n# Nested\n",
    "docs/intents/ends-early.md": "---\nstatus: draft\n...\n# Closed with dots\n",
    "docs/intents/bad-yaml.md": "---\nstatus: [draft\n---\n# Bad\n",
    "docs/intents/not-a-mapping.md": "---\n- a\n- b\n---\n# List\n",
    "docs/contracts/profile.md": "---\nversion: 1.0.0\nstatus: active\ninvariants: [never <b>bold</b>]\n---\n# Profile\n",
    "docs/plain.md": "---\ntitle: Plain page\n---\nNot a document.\n",
}


def _record_pages(monkeypatch) -> dict[str, dict]:
    """What each page holds when MkDocs renders it: after every on_page_markdown handler."""
    seen: dict[str, dict] = {}
    render = Page.render

    def recording(self, config, files):
        seen[self.file.src_uri] = {"meta": copy.deepcopy(self.meta), "markdown": self.markdown,
                                   "title": self.title}
        return render(self, config, files)

    monkeypatch.setattr(Page, "render", recording)
    return seen


def _site_files(site_dir) -> dict[str, bytes]:
    files = {}
    for path in sorted(site_dir.rglob("*")):
        if path.is_file() and path.suffix != ".gz":
            data = path.read_bytes()
            files[str(path.relative_to(site_dir))] = re.sub(rb"Build Date UTC : [^\n<]*", b"", data)
    return files


@pytest.mark.parametrize("theme", ["mkdocs", "material"])
def test_sharing_the_front_matter_parse_changes_nothing_mkdocs_sees(tmp_path, monkeypatch, theme):
    project = write_tree(tmp_path / "project", {
        "mkdocs.yml": mkdocs_yml(theme, "fail_on: never"), "docs/index.md": "# Home\n", **PAGES})
    reads = []
    cached = SourceCache.cached
    monkeypatch.setattr(SourceCache, "cached", lambda self, path: reads.append(path) or cached(self, path))
    shared = _record_pages(monkeypatch)
    shared_site = _site_files(build(project))
    assert reads, "the plugin asked for the parsed front-matter"

    monkeypatch.setattr(SourceCache, "cached", lambda self, path: None)  # MkDocs parses every page itself
    parsed = _record_pages(monkeypatch)
    parsed_site = _site_files(build(project))

    assert shared.keys() == parsed.keys() and "intents/nested.md" in shared
    for uri in parsed:
        assert shared[uri] == parsed[uri], uri
        assert [type(v) for v in shared[uri]["meta"].values()] == [type(v) for v in parsed[uri]["meta"].values()]
    assert shared["intents/note.md"]["markdown"].startswith("Note: text")
    assert shared["intents/nested.md"]["meta"]["extra"]["deep"][1] == {"a": [2, 3]}
    assert shared["intents/titled.md"]["title"] == "A &lt;b&gt;title&lt;/b&gt; &amp; more"
    assert shared_site.keys() == parsed_site.keys()
    for name in parsed_site:
        assert shared_site[name] == parsed_site[name], name


def test_a_page_that_changes_its_meta_does_not_change_the_next_build(tmp_path, monkeypatch):
    """page.meta is the page's own copy: a plugin that edits it leaves the check's cache alone."""
    project = write_tree(tmp_path / "project", {
        "mkdocs.yml": mkdocs_yml("mkdocs", "fail_on: never"), "docs/index.md": "# Home\n", **PAGES})
    seen: list[dict] = []
    render = Page.render

    def vandal(self, config, files):  # records what the page got, then edits it in place
        if self.file.src_uri == "intents/nested.md":
            seen.append(copy.deepcopy(self.meta))
        self.meta.setdefault("extra", {})["vandal"] = True
        self.meta.setdefault("owners", []).append("vandal")
        return render(self, config, files)

    monkeypatch.setattr(Page, "render", vandal)
    build(project)
    build(project)
    assert len(seen) == 2 and seen[0] == seen[1] and "vandal" not in json.dumps(seen[1], default=str)


def test_generated_pages_keep_their_html_blocks_out_of_markdown(site):
    project = site(PAGES, options="fail_on: never")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("plugins:\n", "plugins:\n  - search\n"))
    site_dir = build(project)
    for page in ("coherence", "coherence/decisions", "coherence/intents", "coherence/contracts",
                 "coherence/conflicts", "coherence/stale"):
        text = (site_dir / page / "index.html").read_text(encoding="utf-8")
        assert "coherencehtml" not in text, page  # every placeholder was replaced
    catalogue = (site_dir / "coherence" / "contracts" / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="profile">Profile</h2>' in catalogue  # headings stay Markdown: in the TOC
    assert '<a href="#profile" class="nav-link">Profile</a>' in catalogue
    assert "never &#60;b&#62;bold&#60;/b&#62;" in catalogue and "<b>bold</b>" not in catalogue
    assert '<td><a href="../../intents/titled/">A &#60;b&#62;title&#60;/b&#62; &#38; more</a></td>' in catalogue
    board = (site_dir / "coherence" / "intents" / "index.html").read_text(encoding="utf-8")
    assert "crlf-team" in board  # the board's table is on the page...
    search = json.loads((site_dir / "search" / "search_index.json").read_text())
    assert not any("coherencehtml" in d["text"] for d in search["docs"])
    entries = lambda page: " ".join(d["title"] + " " + d["text"] for d in search["docs"]  # noqa: E731
                                    if d["location"].startswith(page + "/"))
    # ... but the listings of documents are not parsed by the search plugin (ADR-0027): each
    # document is found on its own page. Their headings and prose still are.
    assert "Intent board" in entries("coherence/intents") and "crlf-team" not in entries("coherence/intents")
    assert "Profile" in entries("coherence/contracts") and "never" not in entries("coherence/contracts")
    # The findings stay searchable on the conflicts page.
    assert "frontmatter-invalid" in entries("coherence/conflicts")


def test_panel_and_page_templates_can_be_overridden_from_custom_dir(site):
    project = site({
        "docs/contracts/profile.md": "---\nversion: 1.0.0\nstatus: active\n---\n# Profile\n",
        "docs/intents/edit.md": "---\nstatus: active\nuses: [profile@1]\n---\n# Edit\n",
        "overrides/coherence/panel.html": '<div class="my-panel">{{ document.id }} {{ status }} '
                                          "{{ local_graph.boxes | length }}{% for l in outgoing %} {{ l.title }}{% endfor %}</div>\n",
        "overrides/coherence/pages/decisions.md": "# Decision log\n\nMine: {{ m.documents | length }} documents.\n",
    })
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("theme: mkdocs", "theme:\n  name: mkdocs\n  custom_dir: overrides"))
    site_dir = build(project)
    page = (site_dir / "intents" / "edit" / "index.html").read_text(encoding="utf-8")
    assert '<div class="my-panel">edit active 1 Profile</div>' in page and "coherence-panel" not in page
    log = (site_dir / "coherence" / "decisions" / "index.html").read_text(encoding="utf-8")
    assert "Mine: 2 documents." in log


def test_generated_files_written_in_the_background_are_complete_when_the_build_ends(site, caplog):
    project = site(PAGES, options="fail_on: never")
    site_dir = build(project)
    bundles = sorted(p.name for p in (site_dir / "context").iterdir())
    assert len(bundles) == 9 and all((site_dir / "context" / name).stat().st_size > 100 for name in bundles)
    assert (site_dir / "graph.json").read_text(encoding="utf-8").startswith("{")
    # Bundles reuse the text the check read: the same bytes as the CLI, which reads the file.
    for name in ("bom", "crlf", "nested"):
        bundle = (site_dir / "context" / f"{name}.md").read_bytes()
        assert bundle == run_cli("context", name, cwd=project).stdout.encode(), name
        assert b"\xef\xbb\xbf" not in bundle and b"\r" not in bundle and b"owners: [" in bundle

    # A file of the user's named `context` takes the folder's place: every failed write is
    # reported, and the build fails rather than publish a site without its bundles.
    (project / "docs" / "context").write_text("not a folder\n")
    with pytest.raises(Abort):
        build(project)
    assert "9 generated files could not be written" in caplog.text
    failed = [r.getMessage() for r in caplog.records if "could not write" in r.getMessage()]
    assert len(failed) == 9 and all("context/" in message for message in failed)


def test_background_writer_reports_each_failure_and_can_be_reused(tmp_path):
    writer = BackgroundWriter()
    (tmp_path / "blocker").write_text("a file, not a folder")
    writer.write(str(tmp_path / "out" / "a.md"), b"a")
    writer.write(str(tmp_path / "blocker" / "b.md"), b"b")
    writer.write(str(tmp_path / "out" / "c.md"), "ç".encode())
    errors = writer.finish()
    assert (tmp_path / "out" / "a.md").read_bytes() == b"a" and (tmp_path / "out" / "c.md").read_text() == "ç"
    assert len(errors) == 1 and errors[0].startswith(str(tmp_path / "blocker" / "b.md"))
    writer.write(str(tmp_path / "out" / "d.md"), b"d")
    assert writer.finish() == errors and (tmp_path / "out" / "d.md").read_bytes() == b"d"
