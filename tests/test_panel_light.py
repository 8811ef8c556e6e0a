"""The light panel (issue #22, ADR-0024): no inline SVG, the local graph as data for
`assets/panel.js`, the non-essential parts kept out of Material's search index, findings by
severity then line with their code spans as <code>, and the navigation marking the documents
whose own file has errors. Browser checks are in test_browser_panel.py."""

from __future__ import annotations

import html as html_lib
import json
import re
import subprocess
import sys

import pytest

from conftest import REPO, build, check_json, run_cli, write_tree

MKDOCS_YML = """\
site_name: Light
theme:
  name: material
plugins:
  - search
  - coherence:
      fail_on: never
"""

TREE = {
    "mkdocs.yml": MKDOCS_YML,
    "docs/index.md": "# Light\n",
    "docs/contracts/profile.md": "---\nversion: 2.0.0\nstatus: active\ndefines:\n  customer.status: [active, closed]\n"
                                 "---\n# Customer profile\n\nThe profile body text.\n",
    # A warning (unknown key) on line 2, above two errors (lines 3 and 6) and another warning.
    "docs/intents/checkout.md": "---\ncolour: red\nuses: [profile@1]\nstatus: active\nassumes:\n"
                                "  customer.status: [active, dormant]\nowner: [x]\n---\n# Checkout\n\nCheckout body words.\n",
    "docs/intents/quiet.md": "---\nstatus: active\nsuccess: [{metric: m, target: '>= 1'}]\nuses: [profile@2]\n---\n"
                             "# Quiet\n",
    # A reference whose text holds backticks and markup: it reaches a message as text only.
    "docs/intents/hostile.md": "---\nstatus: draft\nsuccess: [{metric: m, target: '>= 1'}]\n"
                               "uses: ['x`<img src=x onerror=alert(1)>`y']\n---\n# Hostile\n",
    "decisions/0001-first.md": "---\nstatus: accepted\ndate: 2026-01-01\ndecides: store\nalternatives: [a]\n---\n"
                               "# 1. First\n",
    "decisions/0002-again.md": "---\nstatus: accepted\ndate: 2026-02-01\ndecides: store\nalternatives: [a]\n---\n"
                               "# 2. Again\n",
}


@pytest.fixture(scope="module")
def light(tmp_path_factory):
    project = write_tree(tmp_path_factory.mktemp("light") / "project", TREE)
    return project, build(project)


def page(site_dir, uri):
    return (site_dir / uri / "index.html").read_text(encoding="utf-8")


def panel_of(html: str) -> str:
    start = html.index('<div class="coherence-panel"')
    return html[start:html.index("</p>", html.index('<p class="coherence-context"', start)) + 4]


def test_no_inline_svg_the_graph_is_escaped_data_for_the_bundled_script(light):
    project, site_dir = light
    for uri in ("intents/checkout", "intents/quiet", "intents/hostile", "contracts/profile", "decisions/0002-again"):
        panel = panel_of(page(site_dir, uri))
        assert "<svg" not in panel and all(inside == "" for inside in re.findall(r"<figure[^>]*>(.*?)</figure>", panel,
                                                                                  re.S)), uri
    html = page(site_dir, "contracts/profile")
    data = re.search(r'<figure class="coherence-local-graph" data-graph="([^"]*)" data-search-exclude hidden>'
                     r"</figure>", html).group(1)
    graph = json.loads(html_lib.unescape(data))
    assert graph["c"] == ["Customer profile", "contract", "active"] and graph["m"] == [0, 0]
    # Everything that references the contract, on the left, with the direction and the edge label.
    assert sorted((n[0], n[2], n[4], n[5], n[6]) for n in graph["n"]) == [
        ("checkout", "intent", "../../intents/checkout/", 2, "assumes →, uses @1 →"),
        ("quiet", "intent", "../../intents/quiet/", 2, "uses @2 →")], graph  # they reference it
    # The script is published and every page loads it.
    script = site_dir / "assets" / "coherence" / "panel.js"
    assert script.is_file() and "data-graph" in script.read_text()
    assert '<script src="../../assets/coherence/panel.js"></script>' in html


def test_the_search_index_holds_the_page_and_never_the_panel(light, tmp_path):
    """ADR-0026: the panel is placed after the search plugin parsed the page: a document's entry
    in the index is what a plain build indexes, word for word; the findings stay searchable on
    the Conflicts page, which links to the document."""
    project, site_dir = light
    panel = panel_of(page(site_dir, "intents/checkout"))
    for shown in ("References:", "What to do:", "Context bundle", "version-mismatch", "but contract"):
        assert shown in panel, shown  # on the page
    plain = build(write_tree(tmp_path / "plain", {**TREE, "mkdocs.yml": MKDOCS_YML.split("  - coherence")[0]}))

    def entries(site):
        index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
        return {e["location"]: e["text"] for e in index["docs"] if e["location"].startswith(("intents/", "contracts/"))}
    ours, theirs = entries(site_dir), entries(plain)
    assert ours["intents/checkout/"] == theirs["intents/checkout/"] == "<p>Checkout body words.</p>"
    assert ours == theirs
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    conflicts = " ".join(e["text"] for e in index["docs"] if e["location"].startswith("coherence/conflicts/"))
    assert "version-mismatch" in conflicts and "checkout" in conflicts
    # Material's parser honours data-search-exclude only on an element with no nested element of
    # the same tag: the attributes still keep the panel's lists out wherever a theme indexes it.
    for excluded in re.findall(r"<(\w+)[^>]*data-search-exclude[^>]*>(.*?)</\1>", panel, re.S):
        assert f"<{excluded[0]}" not in excluded[1], excluded


def test_other_plugins_see_a_marker_never_the_panel_and_a_forged_marker_stays_inert(light, tmp_path):
    """What a plugin reading page.content sees (a hook, as an RSS or PDF plugin would): the
    page's own HTML and a comment, once; a page that writes a look-alike marker gets no panel
    there, and its panel still lands once, in its place."""
    seen = tmp_path / "seen.json"
    hooked = write_tree(tmp_path / "hooked", {
        **TREE, "mkdocs.yml": MKDOCS_YML + "hooks: [seen.py]\n",
        "docs/intents/quiet.md": TREE["docs/intents/quiet.md"] + "\n<!--coherence-panel-0000000000000000-->\n",
        "seen.py": "import json\nSEEN = {}\n"
                   "def on_page_content(html, page, **kwargs):\n    SEEN[page.file.src_uri] = html\n"
                   f"def on_post_build(config):\n    open({str(seen)!r}, 'w').write(json.dumps(SEEN))\n"})
    site = build(hooked)
    contents = json.loads(seen.read_text())
    checkout = contents["intents/checkout.md"]
    assert "coherence-panel\"" not in checkout and 'class="coherence-panel' not in checkout
    assert len(re.findall(r"<!--coherence-panel-[0-9a-f]{16}-->", checkout)) == 1
    html = page(site, "intents/quiet")
    assert html.count('<div class="coherence-panel"') == 1
    assert "<!--coherence-panel-0000000000000000-->" in html  # the forged one, left as the author wrote it
    assert not re.search(r"<!--coherence-panel-(?!0{16})[0-9a-f]{16}-->", html)  # ours was filled in


def test_findings_by_severity_then_line(light):
    project, site_dir = light
    _, report = check_json(project)
    mine = [f for f in report["findings"] if f["path"] == "docs/intents/checkout.md"]
    rank = {"error": 0, "warning": 1, "info": 2}
    expected = [f["rule"] for f in sorted(mine, key=lambda f: (rank[f["severity"]], f["line"] or 10**9))]
    # The case that matters: a warning above the errors in the file.
    assert min(f["line"] for f in mine if f["severity"] == "warning") < min(f["line"] for f in mine
                                                                           if f["severity"] == "error")
    panel = panel_of(page(site_dir, "intents/checkout"))
    shown = re.findall(r'coherence-finding" data-rule="([a-z-]+)"', panel)
    assert shown[:len(expected)] == expected and len([r for r in expected if r]) >= 4, (shown, expected)
    lines = [int(n) for n in re.findall(r'<p class="admonition-title">(?:error|warning|conflict|info|stale): [a-z-]+ '
                                        r'\(line (\d+)\)', panel)]
    assert lines == [f["line"] for f in sorted(mine, key=lambda f: (rank[f["severity"]], f["line"]))]
    # The document's own path is not repeated in each title; the boilerplate is said once.
    assert "docs/intents/checkout.md" not in panel and panel.count("waive it with") == 1


def test_backticks_are_code_in_html_and_backticks_in_text(light):
    project, site_dir = light
    panel = panel_of(page(site_dir, "decisions/0002-again"))
    assert "<code>supersedes: [ADR-0001]</code>" in panel, panel
    assert "`supersedes" not in panel
    # The generated pages too (here the conflicts page, which lists the relitigation).
    conflicts = page(site_dir, "coherence/conflicts")
    assert "<code>supersedes: [ADR-0001]</code>" in html_lib.unescape(conflicts) and "&#96;" not in conflicts
    text = run_cli("check", str(project)).stdout
    assert "`supersedes: [ADR-0001]`" in text and "<code>" not in text
    # A backtick inside hostile text pairs with another around escaped text, never opens markup.
    hostile = panel_of(page(site_dir, "intents/hostile"))
    assert "<img" not in hostile and "onerror=alert(1)&gt;" in hostile
    for code in re.findall(r"<code>(.*?)</code>", hostile):
        assert "<" not in code and ">" not in code, code


def test_navigation_marks_the_documents_with_errors_in_their_own_file(light):
    project, site_dir = light
    _, report = check_json(project)
    errors = {}
    for f in report["findings"]:
        if f["severity"] == "error":
            errors[f["path"]] = errors.get(f["path"], 0) + 1
    assert errors["docs/intents/checkout.md"] == 2 and "docs/contracts/profile.md" not in errors
    for uri in ("", "intents/quiet", "intents/checkout"):  # another page, and the page itself
        html = page(site_dir, uri) if uri else (site_dir / "index.html").read_text(encoding="utf-8")
        name = lambda href: href.rstrip("/").rsplit("/", 1)[-1].strip(".") or uri.rsplit("/", 1)[-1]  # noqa: E731
        statuses = dict((name(href), (status, title)) for href, status, title in re.findall(
                            r'<a href="([^"]*)"[^>]*class="md-nav__link[^"]*">(?:(?!</a>).)*?'
                            r'<span class="md-status md-status--([a-z0-9-]+)" title="([^"]*)"', html, re.S))
        assert statuses.get("checkout") == ("coherence-errors-2", "2 errors in this document"), (uri, statuses)
        assert statuses.get("quiet") == ("active", "Active: in force, or being built"), (uri, statuses)
        assert statuses.get("profile") == ("active", "Active: in force, or being built"), (uri, statuses)
    css = (site_dir / "assets" / "coherence" / "coherence.css").read_text()
    assert re.search(r'\.md-status\[class\*="md-status--coherence-errors-"\]::after\s*\{[^}]*mask-image: '
                     r"var\(--coherence-status-errors\)", css)


def test_page_bytes_benchmark_runs_and_reports_the_goal(tmp_path):
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "page_bytes.py"), "30"], capture_output=True,
                            text=True, timeout=600, cwd=REPO / "benchmarks")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| findings") or
            line.startswith("| benchmarks/corpus.py")]
    assert len(rows) == 2, result.stdout
    assert re.search(r"Goal: ≤ 3,072 B added per document page beside the nav \(median, findings corpus\): (meets|misses)",
                     result.stdout)
