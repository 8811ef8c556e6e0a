"""The hostile corpus (tests/hostile/): nothing a document smuggles in runs, escapes or stalls.

The corpus is a plain MkDocs project (a browser test can build it as is). Here it is copied
to a temporary folder, given what cannot live in git (links out of the repository, a FIFO,
oversized files), checked with the real CLI and built with real MkDocs; then every page is
parsed: no payload may become a tag, an attribute, an event handler, a javascript: URL or a
script of its own.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import build, check_json, run_cli

HOSTILE = Path(__file__).resolve().parent / "hostile"
SECRET = "SECRET-OUTSIDE-THE-REPOSITORY"
INJECTED_SCRIPT = re.compile(r"^\s*alert\('xss-[a-z-]+'\)\s*$")
# Markers of payloads in fields that a document's panel shows: each must reach its page as text.
SHOWN_AS_TEXT = {
    "intents/title": ["xss-title", "xss-owner", "xss-owner-attr", "xss-tag", "xss-goal", "xss-ref",
                      "xss-unresolved", "xss-reason", "xss-key"],
    "contracts/evil-contract": ["xss-contract-title", "xss-contract-owner"],
    "decisions/0001-evil-decision": ["xss-decision-title", "xss-decides"],
    "decisions/0003-madr2": ["xss-body-status"],
    "intents/markdown": ["xss-md-title", "xss-md-goal", "xss-md-owner"],
}


class PageScan(HTMLParser):
    """Everything on a page that could execute: tags, attributes, URLs, script bodies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and "xss-" in value:
                self.problems.append(f"<{tag} {name}=...> event handler from a payload: {value!r}")
            if not re.fullmatch(r"[a-z_:][-a-z0-9_:.]*", name):
                self.problems.append(f"<{tag}> has a broken attribute name {name!r} (attribute injection)")
            if name in ("href", "src", "action", "formaction", "xlink:href", "data") and \
                    re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(("javascript:", "vbscript:", "data:text")):
                self.problems.append(f"<{tag} {name}={value!r}> is a script URL")
        if (tag == "img" and ("src", "x") in attrs) or tag in ("iframe", "u"):
            self.problems.append(f"<{tag}> built from a payload: {attrs!r}")
        if tag == "script":
            self._script = []

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            body = "".join(self._script)
            if INJECTED_SCRIPT.match(body):
                self.problems.append(f"injected <script>{body}</script>")
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
        else:
            self.text.append(data)


def scan(html: str) -> PageScan:
    parser = PageScan()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """The corpus plus what git cannot hold: links out, a FIFO, oversized files."""
    root = tmp_path_factory.mktemp("hostile")
    project = root / "project"
    shutil.copytree(HOSTILE, project)
    outside = root / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.md").write_text(f"---\nkind: intent\ntitle: {SECRET}\n---\n# {SECRET}\n")
    (outside / "folder" / "leak.md").write_text(f"# {SECRET}\n")
    (outside / "secret.png").write_bytes(SECRET.encode())
    os.symlink(outside / "secret.md", project / "docs" / "intents" / "linked-out.md")
    os.symlink(outside / "secret.md", project / "decisions" / "0009-linked-out.md")
    os.symlink(outside / "folder", project / "docs" / "linked-folder")
    os.symlink(outside / "secret.png", project / "docs" / "secret.png")
    os.symlink(project / "docs" / "contracts" / "evil-contract.md", project / "docs" / "inside-link.md")
    os.mkfifo(project / "docs" / "intents" / "fifo.md")
    intents = project / "docs" / "intents"
    (intents / "huge-frontmatter.md").write_text(
        "---\nkind: intent\nnotes: |\n" + ("  " + "x" * 98 + "\n") * 100_000 + "---\n# Ten megabytes\n")
    (intents / "many-lines.md").write_text("---\nkind: intent\nstatus: draft\n---\n# Long\n" + "line\n" * 100_000)
    (intents / "wide-line.md").write_text("---\nkind: intent\nstatus: draft\n---\n# Wide\n" + "w" * 1_000_000 + "\n")
    return project


def test_cli_reports_every_hostile_file_and_stays_bounded(hostile):
    started = time.monotonic()
    code, report = check_json(hostile)
    elapsed = time.monotonic() - started
    assert code == 2  # links out of the repository and the FIFO were not read: never "clean"
    by_path: dict[str, list[dict]] = {}
    for finding in report["findings"]:
        by_path.setdefault(finding["path"], []).append(finding)

    def messages(path: str, rule: str = "frontmatter-invalid") -> str:
        return " | ".join(f["message"] for f in by_path.get(path, []) if f["rule"] == rule)

    assert "alias bomb" in messages("docs/intents/alias-bomb.md")
    assert "limits.nesting_depth" in messages("docs/intents/deep-nesting.md")
    assert "recursive alias" in messages("docs/intents/recursive-alias.md")
    assert "never construct objects" in messages("docs/intents/python-tag.md")
    assert "month must be in 1..12" in messages("docs/intents/bad-date.md")
    assert "limits.frontmatter_bytes" in messages("docs/intents/huge-frontmatter.md")
    assert "outside the repository" in messages("docs/intents/linked-out.md")
    assert "outside the repository" in messages("decisions/0009-linked-out.md")
    assert "not a regular file" in messages("docs/intents/fifo.md")
    assert not by_path.get("docs/intents/many-lines.md") or "frontmatter-invalid" not in \
        {f["rule"] for f in by_path["docs/intents/many-lines.md"]}
    assert "docs/intents/wide-line.md" not in {f["path"] for f in report["findings"] if f["rule"] == "frontmatter-invalid"}
    assert "outside the repository" in messages("docs/intents/title.md", "unresolved-reference")
    assert "outside the repository" in messages("docs/intents/title.md", "schema")  # governs ../../../etc/**
    assert SECRET not in json.dumps(report)
    assert not (Path("/tmp") / "coherence-pwned").exists()
    assert elapsed < 60, f"the hostile corpus took {elapsed:.1f}s"
    # Issue 15 item 11: nothing hidden. Every bad item of a list is its own finding, the good
    # ones are still checked; a key written twice is named with both lines; lookalike ids are one finding.
    assert "line 3 says 'active', line 5 says 'shipped'" in messages("docs/intents/duplicate-keys.md")
    bad_list = {f["rule"] for f in by_path["docs/intents/bad-list.md"]}
    assert {"schema", "unresolved-reference", "version-mismatch"} <= bad_list
    [confusable] = [f for f in report["findings"] if f["rule"] == "confusable-id"]
    assert set(confusable["ids"]) == {"customer", "\u0441ustomer", "cust\u200bomer"}
    assert "U+0441" in confusable["message"] and "U+200B" in confusable["message"]


def test_document_text_cannot_forge_a_line_of_output(hostile):
    """Issue 15 item 6: an id holding a newline and `::error ...` is shown escaped, never as a
    line GitHub Actions would run as a workflow command."""
    for output in ("text", "github"):
        printed = run_cli("check", str(hostile), "--format", output).stdout
        assert "INJECTED" in printed  # the finding naming the forged id is there...
        assert not [line for line in printed.splitlines() if line.startswith("::error file=README")]  # ...inert


def test_cli_markdown_output_cannot_inject_links_or_html(hostile):
    import markdown

    result = run_cli("check", str(hostile), "--format", "markdown")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    page = scan(markdown.markdown(result.stdout, extensions=["tables"]))
    assert page.problems == []
    assert "xss-key" in "".join(page.text)  # the payload is there, as text


def test_cli_graph_formats_escape_every_label(hostile):
    mermaid = run_cli("graph", str(hostile), "--format", "mermaid")
    dot = run_cli("graph", str(hostile), "--format", "dot")
    graph = run_cli("graph", str(hostile), "--format", "json")
    for result in (mermaid, dot, graph):
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    # A label that broke out of its quotes could add a `click ID href "javascript:..."` line.
    assert not re.search(r"^\s*click\b", mermaid.stdout, re.MULTILINE) and "<script" not in mermaid.stdout
    assert all(line.count('"') % 2 == 0 for line in mermaid.stdout.splitlines())
    # DOT: every quoted string is closed on its line (a quote that escaped would open a new attribute).
    assert all(line.replace('\\"', "").count('"') % 2 == 0 for line in dot.stdout.splitlines())
    titles = {node["title"] for node in json.loads(graph.stdout)["nodes"]}
    assert "<script>alert('xss-title')</script>" in titles  # data stays data in JSON


def test_build_escapes_every_payload_and_publishes_nothing_from_outside(hostile, caplog):
    with caplog.at_level(logging.INFO):
        site = build(hostile)
    assert not any(record.exc_info for record in caplog.records)
    pages = sorted(site.rglob("*.html"))
    assert pages
    problems = {}
    texts = {}
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert SECRET not in html, f"{page} publishes a file from outside the repository"
        found = scan(html)
        if found.problems:
            problems[str(page.relative_to(site))] = found.problems
        texts[page.relative_to(site).parent.as_posix()] = "".join(found.text)
    assert problems == {}
    for url, markers in SHOWN_AS_TEXT.items():
        missing = [m for m in markers if m not in texts.get(url, "")]
        assert not missing, f"{url}: payloads {missing} never reached the page as text (is the panel there?)"
    # Files linked from outside the repository are neither rendered nor copied.
    assert not (site / "intents" / "linked-out").exists() and not (site / "linked-folder").exists()
    assert not (site / "secret.png").exists()
    assert (site / "inside-link").exists()  # a link that stays inside the repository is fine
    for data in [*site.rglob("*.json"), *site.rglob("*.txt"), *site.rglob("*.js")]:
        text = data.read_text(encoding="utf-8", errors="replace")
        assert SECRET not in text
        if data.suffix == ".json":
            json.loads(text)  # graph data is well-formed JSON, whatever the titles hold
    assert "Traceback" not in caplog.text
    # Front-matter that does not parse still gets its document's panel, naming the problem.
    broken = (site / "intents" / "broken-yaml" / "index.html").read_text(encoding="utf-8")
    assert 'data-rule="frontmatter-invalid"' in broken and "did not find expected" in broken



@pytest.mark.parametrize("html", [
    "<p><script>alert('xss-title')</script></p>",
    "<span data-x=\"q\" onmouseover=\"alert('xss-id')\">",
    "<a href=\" javascript:alert('xss-md-title')\">x</a>",
    "<img src=x onerror=alert('xss-owner')>",
    "<div class=\"\"><svg onload=alert('xss-goal')>\">",
    "<p>[x](y) <u>u</u></p>",
])
def test_the_page_scan_catches_each_kind_of_injection(html):
    assert scan(html).problems


def test_the_page_scan_accepts_escaped_payloads():
    page = scan("<p>&lt;script&gt;alert('xss-title')&lt;/script&gt;</p>"
                "<span data-x=\"q&#34; onmouseover=&#34;alert('xss-id')\" title=\"&lt;img src=x&gt;\"></span>"
                "<script type=\"application/json\">{\"t\": \"\\u003c/script\\u003ealert('xss-id')\"}</script>")
    assert page.problems == [] and "<script>alert('xss-title')</script>" in "".join(page.text)


# --- keys MkDocs and Material render themselves (DESIGN §10) ---------------------------------

THEME_KEY_FINDINGS = {  # (path, line) -> (severity, words): each a finding of rule `schema`
    ("decisions/0005-status-link-payload.md", 2): ("warning", "holds markup"),
    ("decisions/0006-status-invalid-payload.md", 2): ("warning", "none of a decision's statuses"),
    ("docs/intents/theme-keys.md", 4): ("error", "tags item 2 must be plain text"),
    ("docs/intents/theme-keys.md", 5): ("error", "subtitle must be plain text"),
    ("docs/intents/theme-keys.md", 6): ("error", "description must be plain text"),
    ("docs/intents/theme-keys.md", 7): ("error", "icon must be an icon path like material/check"),
    ("docs/intents/theme-keys.md", 8): ("error", "template must be the file name of a template"),
    ("docs/intents/theme-keys.md", 9): ("warning", "hide item 2"),
    ("docs/intents/title-list.md", 4): ("error", "title must be text, not a list"),
    ("docs/intents/title-list.md", 5): ("error", "subtitle must be text, not a list"),
    ("docs/intents/title-list.md", 8): ("error", "hide must be a list"),
    ("docs/intents/supplied.md", 3): ("error", "is not a status of an intent"),
    ("docs/intents/supplied.md", 4): ("error", "tags item 1 must be plain text"),
    ("docs/intents/supplied.md", 5): ("error", "subtitle must be plain text"),
}
STATUS_WORDS = {"draft", "active", "shipped", "abandoned", "proposed", "accepted", "rejected", "deprecated",
                "superseded", "retired", "new"}


def test_check_names_every_bad_key_the_theme_renders(hostile):
    _, report = check_json(hostile)
    schema = {(f["path"], f["line"]): f for f in report["findings"] if f["rule"] == "schema"}
    for where, (severity, words) in THEME_KEY_FINDINGS.items():
        assert where in schema, f"no schema finding at {where}"
        assert schema[where]["severity"] == severity and words in schema[where]["message"], schema[where]
    # Valid theme keys and ordinary pages are silent.
    assert not [f for f in report["findings"] if f["path"] in ("docs/intents/theme-keys.md",)
                and f["line"] in (2, 3)]
    assert not [f for f in report["findings"] if f["path"] == "docs/plain-theme-keys.md"]


class ThemeScan(HTMLParser):
    """What Material drew from page.meta: status classes, subtitles, the meta description, tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.statuses: set[str] = set()
        self.description: str | None = None
        self.tags: list[str] = []
        self.subtitles: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        self.statuses.update(c[len("md-status--"):] for c in classes if c.startswith("md-status--"))
        if tag == "meta" and attrs.get("name") == "description":
            self.description = attrs.get("content")
        self._in = "tag" if "md-tag" in classes else "small" if tag == "small" else None

    def handle_data(self, data):
        if self._in == "tag":
            self.tags.append(data.strip())
        elif self._in == "small":
            self.subtitles.append(data.strip())

    def handle_endtag(self, tag):
        self._in = None


def test_the_theme_gets_only_validated_values(hostile, caplog):
    with caplog.at_level(logging.WARNING):
        site = build(hostile)
    assert "Traceback" not in caplog.text and not any(record.exc_info for record in caplog.records)
    pages = {p.relative_to(site).parent.as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    for url, html in pages.items():
        assert scan(html).problems == [], url
        theme = ThemeScan()
        theme.feed(html)
        # Lifecycle words, and the navigation's own error marks (a count, never front-matter text).
        assert {s for s in theme.statuses if not re.fullmatch(r"coherence-errors-[1-9][0-9]*", s)} <= STATUS_WORDS, \
            (url, theme.statuses)
        assert all("<" not in t and '"' not in t for t in theme.tags), (url, theme.tags)
        assert not any("xss-" in s for s in theme.subtitles), (url, theme.subtitles)
        assert theme.description is None or "xss-" not in theme.description, url
    # A decision superseded through a link keeps its status word; one of no lifecycle gets none.
    nav = ThemeScan()
    nav.feed(pages["index.html" if "index.html" in pages else "."])
    assert {"superseded", "draft"} <= nav.statuses
    # Tags that are plain text still reach Material's tags plugin; the others do not.
    theme = ThemeScan()
    theme.feed(pages["intents/theme-keys"])
    assert theme.tags == ["safe-tag"]
    plain = ThemeScan()
    plain.feed(pages["plain-theme-keys"])
    assert plain.tags == ["ordinary"] and plain.description is None
    # The search index keeps no tag or title that Material would draw as HTML.
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for entry in index["docs"]:
        assert all("<" not in tag and '"' not in tag for tag in entry.get("tags", [])), entry
        assert "<script" not in entry["title"] and "<img" not in entry["title"], entry["title"]
    assert any(entry.get("tags") == ["safe-tag"] for entry in index["docs"])
    # A list title never reaches <title> as Python's list text.
    assert "alert('xss-title-list')</script>" not in pages["intents/title-list"]
    # What no finding says is logged: an ordinary page's bad keys, an icon or template the theme lacks.
    warnings = caplog.text
    assert "plain-theme-keys.md: status must be one word" in warnings
    assert "plain-theme-keys.md: icon must be an icon path" in warnings
    assert "intents/title-list.md: icon 'material/this-icon-does-not-exist': the theme has no" in warnings
    assert "intents/title-list.md: template 'no-such-template.html': the theme has no" in warnings
    assert "intents/theme-keys.md: tags" not in warnings  # a document's findings already say it


def test_theme_keys_of_the_right_shape_are_silent(tmp_path):
    """No false alarm: what real sites write in the keys Material reads passes the check."""
    from conftest import write_tree

    front = ('kind: intent\nstatus: draft\ntitle: "Migrate List<String> to records & more"\n'
             'tags: ["C++", "R&D", "it\'s", "ops/alerts", "Ünïcode"]\nsubtitle: "Beta (v2) — 50% off"\n'
             'description: "He said \\"hi\\": a page about it"\nicon: fontawesome/brands/github\n'
             'template: blog/post-page_2.html\nhide: [navigation, toc, footer, path, tags, feedback]\n')
    project = write_tree(tmp_path, {"mkdocs.yml": "site_name: S\n", "docs/index.md": "# Home\n",
                                    "docs/intents/fine.md": f"---\n{front}---\n# Fine\n"})
    code, report = check_json(project)
    assert code == 0 and report["findings"] == [], report["findings"]


def test_theme_meta_keeps_valid_values_and_drops_the_rest():
    from mkdocs_coherence.core.loader.source import Positions
    from mkdocs_coherence.core.model import Document
    from mkdocs_coherence.site.build import theme_meta

    has = {".icons/material/check.svg", "main.html"}.__contains__
    document = Document(path=Path("x.md"), rel="x.md", kind="decision", id="ADR-0001", title="x", status="superseded",
                        positions=Positions())
    meta = {"status": "superseded by [ADR-2](2.md)\"><img src=x>", "title": "<b>\"T\"</b>", "tags": ["ok", "<b>"],
            "icon": "material/check", "template": "main.html", "hide": ["toc", 5], "description": 'a "quoted" one',
            "subtitle": "sub", "search": {"exclude": True}}
    assert theme_meta(meta, document, has) == []
    assert meta == {"status": "superseded", "title": "&lt;b&gt;&#34;T&#34;&lt;/b&gt;", "tags": ["ok"],
                    "icon": "material/check", "template": "main.html", "hide": ["toc"],
                    "description": "a &#34;quoted&#34; one", "subtitle": "sub", "search": {"exclude": True}}
    # A document of no validated status hands the theme none; an icon the theme lacks is dropped, and said.
    document.status = None
    meta = {"status": "on hold", "icon": "material/nope", "template": "nope.html"}
    dropped = theme_meta(meta, document, has)
    assert meta == {} and len(dropped) == 2 and "material/nope" in dropped[0] and "nope.html" in dropped[1]
    # An ordinary page keeps a status word and plain values; what it loses is said.
    meta = {"status": "new", "tags": "one", "title": ["x"], "hide": "toc", "subtitle": "<i>"}
    dropped = theme_meta(meta, None, has)
    assert meta == {"status": "new"}
    assert [line.split()[0] for line in dropped] == ["title", "subtitle", "tags", "hide"]
