"""The built site in a real browser: Playwright driving Debian's chromium (no browser download).

Skipped, with the reason, when chromium or playwright is missing; CI sets
COHERENCE_REQUIRE_BROWSER=1 and installs both, and then a missing browser fails instead.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from conftest import build, write_tree
from test_site import HOSTILE_TITLE, example_copy

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def _browser_missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is missing (pip install playwright; never `playwright install`)"
    return None


MISSING = _browser_missing()
if MISSING and os.environ.get("COHERENCE_REQUIRE_BROWSER") == "1":
    raise RuntimeError(f"browser tests are required (COHERENCE_REQUIRE_BROWSER=1) but {MISSING}")
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")

HOSTILE = {
    "docs/intents/hostile.md": f"""\
        ---
        title: '{HOSTILE_TITLE}'
        status: active
        goal: "<b onmouseover=window.__pwned=4>growth</b>"
        owners: ["\\"><img src=x onerror=window.__pwned=3>"]
        success:
          - {{metric: "<img src=x onerror=window.__pwned=5>", target: ">= 1%"}}
        uses: [customer-profile@2]
        ---
        # Hostile
        """,
}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(site_dir: Path) -> Iterator[str]:
    """`site_dir` served on 127.0.0.1 while the block runs; yields the base URL (known before
    the site is built, so it can be the site's `site_url`)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The example site (plus a hostile document), built and served on 127.0.0.1."""
    site_dir = build(example_copy(tmp_path_factory.mktemp("browser"), HOSTILE))
    with serving(site_dir) as base:
        yield base, site_dir


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.dialogs = []
    page.errors = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    # No network at view time: requests that leave the local server are blocked and recorded.
    # mkdocs-material asks for its web font (theme.font), which falls back to system fonts;
    # nothing of ours may ask for anything.
    page.outside = []

    def local_only(route):
        if route.request.url.startswith("http://127.0.0.1:"):
            return route.continue_()
        page.outside.append(route.request.url)
        return route.abort()

    page.route("**/*", local_only)
    yield page
    assert page.errors == [], page.errors
    assert [url for url in page.outside if not url.startswith("https://fonts.googleapis.com/")] == []
    context.close()


def open_graph(page, base):
    page.goto(base + "coherence/graph/")
    page.wait_for_selector(".coherence-graph-app[data-ready]", timeout=30_000)


def node_point(page, node_id: str) -> tuple[float, float]:
    """Where a node is drawn, in page coordinates, with the canvas scrolled into view."""
    page.locator(".coherence-graph-canvas").scroll_into_view_if_needed()
    box = page.locator(".coherence-graph-canvas").bounding_box()
    position = page.evaluate(f"coherenceCy.getElementById({json.dumps(node_id)}).renderedPosition()")
    return box["x"] + position["x"], box["y"] + position["y"]


def visible_nodes(page) -> list[str]:
    return sorted(page.evaluate("coherenceCy.nodes().filter(n => n.visible()).map(n => n.id())"))


def test_graph_draws_every_node_and_edge_of_graph_json(page, served):
    base, site_dir = served
    data = json.loads((site_dir / "graph.json").read_text())
    open_graph(page, base)
    drawn_nodes = page.evaluate("coherenceCy.nodes().map(n => n.id())")
    drawn_edges = page.evaluate("coherenceCy.edges('[!conflict]').map(e => [e.data('source'), e.data('target'), e.data('type')])")
    assert sorted(drawn_nodes) == sorted(n["id"] for n in data["nodes"])
    assert sorted(map(tuple, drawn_edges)) == sorted((e["source"], e["target"], e["type"]) for e in data["edges"])
    assert visible_nodes(page) == sorted(drawn_nodes)
    assert page.evaluate("coherenceCy.edges('[!conflict]').filter(e => e.visible()).length") == len(data["edges"])
    # Laid out on the canvas: the largest connected group inside the visible area, no two
    # documents overlapping, documents linked to nothing in a grid below the rest.
    box = page.evaluate("""(() => { const w = coherenceCy.width(), h = coherenceCy.height();
        const main = coherenceCy.elements().components().sort((a, b) => b.nodes().length - a.nodes().length)[0];
        const inside = main.nodes().every(n => { const b = n.renderedBoundingBox();
            return b.x1 >= 0 && b.y1 >= 0 && b.x2 <= w && b.y2 <= h; });
        const boxes = coherenceCy.nodes().map(n => n.boundingBox());
        let overlaps = 0;
        boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
            if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) overlaps += 1; }));
        const lonely = coherenceCy.nodes().filter(n => n.degree(false) === 0);
        const linkedBottom = coherenceCy.nodes().filter(n => n.degree(false) > 0).boundingBox().y2;
        return {w, h, inside, overlaps, main: main.nodes().length, zoom: coherenceCy.zoom(),
                lonelyBelow: lonely.every(n => n.boundingBox().y1 > linkedBottom), lonely: lonely.length}; })()""")
    # Fitted, unless fitting would shrink labels below 11 px: then readable, the rest a pan away.
    assert box["w"] > 500 and box["h"] > 300 and box["overlaps"] == 0, box
    assert box["inside"] or box["zoom"] * 13 >= 11 > box["zoom"] * 13 * 0.9, box
    assert box["main"] >= 5 and box["lonely"] >= 1 and box["lonelyBelow"], box
    stats = page.locator(".coherence-graph-stats").inner_text()
    assert f"Showing {len(drawn_nodes)} of {len(drawn_nodes)} documents and {len(data['edges'])} of " \
           f"{len(data['edges'])} links" in stats
    legend = page.locator(".coherence-graph-legend").inner_text()
    for edge_type in {e["type"] for e in data["edges"]}:
        assert edge_type in legend


def test_filtering_by_kind_and_status_says_what_it_hides(page, served):
    base, site_dir = served
    data = json.loads((site_dir / "graph.json").read_text())
    open_graph(page, base)
    page.locator('.coherence-graph-kinds input[value="decision"]').uncheck()
    expected = sorted(n["id"] for n in data["nodes"] if n["kind"] != "decision")
    assert visible_nodes(page) == expected
    hidden_edges = sum(1 for e in data["edges"] if e["source"] not in expected or e["target"] not in expected)
    assert hidden_edges > 0
    assert f"({hidden_edges} links hidden with the documents they join)" in page.locator(".coherence-graph-stats").inner_text()
    page.locator('.coherence-graph-statuses input[value="active"]').uncheck()
    assert visible_nodes(page) == sorted(n["id"] for n in data["nodes"]
                                         if n["kind"] != "decision" and n["effective_status"] != "active")
    page.locator('.coherence-graph-kinds input[value="decision"]').check()
    page.locator('.coherence-graph-statuses input[value="active"]').check()
    assert len(visible_nodes(page)) == len(data["nodes"])


def test_search_highlights_and_focus_shows_the_neighbourhood(page, served):
    base, site_dir = served
    data = json.loads((site_dir / "graph.json").read_text())
    open_graph(page, base)
    page.locator(".coherence-graph-search").fill("checkout")
    matches = sorted(page.evaluate("coherenceCy.nodes('.match').map(n => n.id())"))
    assert matches == sorted(n["id"] for n in data["nodes"]
                             if "checkout" in n["id"].lower() or "checkout" in n["title"].lower())
    assert matches == ["express-checkout"]
    assert "1 match for “checkout”" in page.locator(".coherence-graph-stats").inner_text()
    assert "Express checkout" in page.locator(".coherence-graph-info").inner_text()
    page.locator(".coherence-graph-search").press("Enter")  # focus on it, one hop
    neighbours = {"express-checkout"} | {e["target"] for e in data["edges"] if e["source"] == "express-checkout"} \
        | {e["source"] for e in data["edges"] if e["target"] == "express-checkout"}
    assert visible_nodes(page) == sorted(neighbours)
    page.locator(".coherence-graph-depth select").select_option("2")
    assert len(visible_nodes(page)) > len(neighbours)
    page.locator(".coherence-graph-reset").click()
    assert len(visible_nodes(page)) == len(data["nodes"])


def test_clicking_a_node_opens_its_page(page, served):
    base, _ = served
    open_graph(page, base)
    x, y = node_point(page, "customer-profile")
    page.mouse.move(x, y)
    # Hover highlights the neighbourhood; the handler runs on the next frames, so wait for it.
    page.wait_for_function("document.querySelector('.coherence-graph-info').innerText.includes('customer-profile')"
                           " && coherenceCy.nodes('.faded').length > 0", timeout=10_000)
    page.mouse.click(x, y)
    page.wait_for_url(base + "contracts/customer-profile/")
    assert page.locator("h1").first.inner_text().startswith("Customer profile")


def test_document_page_shows_its_panel_and_findings(page, served):
    base, _ = served
    page.goto(base + "intents/express-checkout/")
    panel = page.locator(".coherence-panel")
    assert panel.is_visible()
    assert panel.locator(".coherence-kind").inner_text() == "intent"
    assert panel.locator(".coherence-status").inner_text() == "active"
    error = panel.locator('.coherence-finding[data-rule="version-mismatch"]')
    assert error.is_visible() and "customer-profile@1" in error.inner_text() and "What to do" in error.inner_text()
    assert panel.locator('.coherence-finding[data-category="conflict"]').count() >= 2
    # The one-hop graph is drawn and its boxes are links.
    graph = panel.locator(".coherence-local-graph svg")
    assert graph.is_visible() and graph.bounding_box()["height"] > 30
    graph.locator('g[data-id="customer-profile"]').click()
    page.wait_for_url(base + "contracts/customer-profile/")


def test_hostile_front_matter_executes_nothing(page, served):
    base, _ = served
    for uri in ("intents/hostile/", "contracts/customer-profile/", "coherence/", "coherence/intents/",
                "coherence/contracts/", "coherence/conflicts/", "coherence/graph/"):
        page.goto(base + uri)
        page.wait_for_load_state("load")
        if uri == "coherence/graph/":
            page.wait_for_selector(".coherence-graph-app[data-ready]")
            page.mouse.move(*node_point(page, "hostile"))
            assert "<script>window.__pwned=1</script>" in page.locator(".coherence-graph-info").inner_text()
        for element in page.locator("img[src='x'], img[src$='/x']").all():
            pytest.fail(f"{uri}: an <img> from front-matter became an element: {element}")
        assert page.evaluate("typeof window.__pwned") == "undefined", uri
    assert page.dialogs == []
    page.goto(base + "intents/hostile/")
    assert "<script>window.__pwned=1</script>" in page.title()  # shown as text


def test_dark_scheme_restyles_the_graph(page, served):
    base, _ = served
    open_graph(page, base)
    light = page.evaluate("coherenceCy.getElementById('customer-profile').style('background-color')")
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    page.wait_for_function("coherenceCy.getElementById('customer-profile').style('background-color') !== "
                           + json.dumps(light))
    dark = page.evaluate("coherenceCy.getElementById('customer-profile').style('background-color')")
    assert (light, dark) == ("rgb(232,245,233)", "rgb(27,58,30)")  # the contract fill, light and dark


def test_graph_of_2000_documents_opens_focused_and_readable(tmp_path, page):
    files = {}
    for i in range(400):
        files[f"docs/contracts/c{i:03}.md"] = f"---\nversion: 1.0.0\nstatus: active\n---\n# Contract {i}\n"
    for i in range(1200):
        uses = ", ".join(f"c{(i * 7 + k) % 400:03}@1" for k in range(2))
        files[f"docs/intents/i{i:04}.md"] = f"---\nstatus: draft\nuses: [{uses}]\n---\n# Intent {i}\n"
    for i in range(400):
        files[f"decisions/{i + 1:04}-d.md"] = (f"---\nstatus: accepted\ndate: 2026-01-01\nalternatives: [x]\n"
                                                f"affects: [c{i:03}, i{i * 3:04}]\n---\n# {i + 1}. Decision {i}\n")
    project = write_tree(tmp_path / "big", {"mkdocs.yml": "site_name: Big\ntheme: material\nnav: [index.md]\nplugins:\n"
                                            "  - coherence:\n      fail_on: never\n",
                                            "docs/index.md": "# Big\n", **files})
    site_dir = build(project)
    data = json.loads((site_dir / "graph.json").read_text())
    assert len(data["nodes"]) == 2000 and len(data["edges"]) == 3200
    console = listen(page)
    with serving(site_dir) as base:
        started = time.monotonic()
        open_graph(page, base)
        seconds = time.monotonic() - started
        print(f"2000 documents, 3200 links: graph page ready in {seconds:.2f}s")
        assert seconds < 30, seconds
        # Every document and link is in the graph (none dropped), but it opens on one
        # neighbourhood, readable: labels >= 11 px on screen, the stats say how to see all.
        assert page.evaluate("coherenceCy.nodes().length") == 2000
        assert page.evaluate("coherenceCy.edges('[!conflict]').length") == 3200
        shown = visible_nodes(page)
        assert 1 < len(shown) < 50, len(shown)
        centre = page.evaluate("coherenceCy.nodes('.centre').map(n => n.id())")
        assert len(centre) == 1 and set(shown) == {centre[0]} | {e["source"] for e in data["edges"] if e["target"] == centre[0]} \
            | {e["target"] for e in data["edges"] if e["source"] == centre[0]}
        assert page.evaluate("coherenceCy.zoom() * parseFloat(coherenceCy.nodes()[0].style('font-size'))") >= 11
        assert f"focused on {centre[0]}" in page.locator(".coherence-graph-stats").inner_text()
        # The search narrows 2,000 to one, and focus shows only its neighbourhood.
        page.locator(".coherence-graph-search").fill("c042")
        page.locator(".coherence-graph-search").press("Enter")
        shown = visible_nodes(page)
        expected = {"c042"} | {e["source"] for e in data["edges"] if e["target"] == "c042"}
        assert shown == sorted(expected)
        assert page.evaluate("coherenceCy.zoom() * parseFloat(coherenceCy.nodes()[0].style('font-size'))") >= 11
        # Show all draws every document and link.
        started = time.monotonic()
        page.locator(".coherence-graph-reset").click()
        print(f"show all: {time.monotonic() - started:.2f}s")
        assert len(visible_nodes(page)) == 2000
        assert page.evaluate("coherenceCy.edges('[!conflict]').filter(e => e.visible()).length") == 3200
        assert complaints(console) == [], console


HOSTILE_TREE = Path(__file__).resolve().parent / "hostile"
# Everything on a page that a payload could have become: an element built from markup, an
# event handler or a broken attribute name, a script element of its own.
INJECTED = """() => {
    const found = [];
    for (const element of document.querySelectorAll('*')) {
        for (const attribute of element.attributes) {
            if (attribute.name.startsWith('on') && attribute.value.includes('xss-'))
                found.push(`<${element.tagName} ${attribute.name}>`);
            if (!/^[a-z_:][-a-z0-9_:.]*$/i.test(attribute.name))
                found.push(`<${element.tagName}> attribute ${attribute.name}`);
        }
        if (element.tagName === 'IMG' && element.getAttribute('src') === 'x') found.push('<img src=x>');
        if (['IFRAME', 'U'].includes(element.tagName)) found.push(`<${element.tagName}>`);
        if (element.tagName === 'SCRIPT' && /^\\s*alert\\('xss-(?!body-)/.test(element.textContent))
            found.push(`<script>${element.textContent}`);
    }
    return found;
}"""


# The body of this MADR 2 record writes `\<script>alert('xss-body-status')\</script>`: Python-Markdown
# turns the body (the author's Markdown, which MkDocs renders as HTML by design) into a real,
# broken <script> element. Only front-matter and what the reader takes from the body are data.
BODY_SCRIPT_PAGE = "decisions/0003-madr2/"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """tests/hostile built as it is (Material, its search and tags plugins, a hook that supplies
    one document's source) and served on 127.0.0.1."""
    project = tmp_path_factory.mktemp("hostile-browser") / "project"
    shutil.copytree(HOSTILE_TREE, project)
    site_dir = build(project)
    with serving(site_dir) as base:
        yield base, site_dir


def test_hostile_tree_in_material_executes_nothing_on_any_page_or_search(page, hostile_site):
    base, site_dir = hostile_site
    uris = sorted(p.relative_to(site_dir).parent.as_posix() + "/" for p in site_dir.rglob("index.html"))
    assert len(uris) > 20 and "intents/theme-keys/" in uris and "plain-theme-keys/" in uris
    for uri in uris:
        page.goto(base + ("" if uri == "./" else uri))
        page.wait_for_load_state("load")
        assert page.evaluate(INJECTED) == [], uri
        if uri == BODY_SCRIPT_PAGE:  # the author's own body markup, not front-matter: see BODY_SCRIPT_PAGE
            assert page.errors == ["Invalid or unexpected token"], page.errors
            page.errors.clear()
    assert page.dialogs == []
    # The payloads are on the pages, as text.
    page.goto(base + "intents/title/")
    assert "<script>alert('xss-title')</script>" in page.title()
    assert "alert('xss-title')" in page.locator("nav.md-nav").first.inner_text()
    page.goto(base + "intents/theme-keys/")
    assert [t.strip() for t in page.locator(".md-content .md-tag").all_inner_texts()] == ["safe-tag"]
    # Material's search draws titles and tags from its index as HTML: type the markers in.
    page.goto(base)
    query = page.locator("[data-md-component='search-query']")
    query.click()
    for marker in ("safe-tag", "xss-tag-search", "xss-supplied-tag", "xss-plain-tag", "xss-status",
                   "xss-title"):
        query.fill("")
        query.type(marker, delay=10)
        page.wait_for_selector(".md-search-result__item", timeout=15_000)  # once the worker answers
        page.wait_for_timeout(300)
        assert page.evaluate(INJECTED) == [], marker
        if marker == "xss-title":
            results = page.locator(".md-search-result").inner_text()
            assert "alert('xss-title')" in results, results  # the title, shown as text
        if marker == "safe-tag":
            assert page.locator(".md-search-result .md-tag").count() >= 1  # valid tags still reach search
    assert page.dialogs == []


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rgb_hex(value: str) -> str:
    return "#" + "".join(f"{int(c):02x}" for c in value.removeprefix("rgb(").rstrip(")").split(","))


# A record that replaces ADR-0001: the example has conflicts but no supersession to draw.
SUPERSEDING = {"decisions/0004-lightweight-records.md": """\
    ---
    status: accepted
    date: 2026-02-01
    supersedes: [ADR-0001]
    alternatives: [keep the full template]
    ---
    # 4. Lightweight decision records
    """}


@pytest.fixture(scope="module")
def instant_site(tmp_path_factory):
    """The example (light and dark palette, plus a supersession) with Material's instant
    navigation, served."""
    project = example_copy(tmp_path_factory.mktemp("instant"), SUPERSEDING)
    site_dir = project / "site"
    site_dir.mkdir()
    with serving(site_dir) as base:
        # Material turns instant navigation on only with a site_url, and follows a link instantly
        # only when the sitemap names it: its URLs keep site_url's port, so site_url is the server.
        config = project / "mkdocs.yml"
        config.write_text(f"site_url: {base}\n" + config.read_text().replace(
            "theme:\n  name: material\n", "theme:\n  name: material\n  features: [navigation.instant]\n"))
        assert build(project) == site_dir
        yield base


def listen(page) -> list[tuple[str, str, str]]:
    console: list[tuple[str, str, str]] = []
    page.on("console", lambda message: console.append((message.type, message.text, message.location.get("url", ""))))
    return console


def complaints(console) -> list:
    """Console warnings and errors; only the theme's web font, blocked on purpose, may complain."""
    return [m for m in console if m[0] in ("warning", "error") and "fonts.g" not in m[2]]


def blend(colour: str, opacity: float, under: str) -> str:
    """What the eye sees: `colour` at `opacity` over `under` (both #rrggbb)."""
    top, bottom = ([int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in (colour, under))
    return "#" + "".join(f"{round(t * opacity + b * (1 - opacity)):02x}" for t, b in zip(top, bottom))


def assert_labels_legible(page, scheme: str) -> None:
    """Every label >= 11 px on screen and >= 4.5:1 against the fill it sits on, read from
    cytoscape's live style (a translucent fill is blended over the canvas)."""
    nodes = page.evaluate("""coherenceCy.nodes().map(n => ({id: n.id(), colour: n.style('color'),
        fill: n.style('background-color'), opacity: parseFloat(n.style('background-opacity')),
        size: parseFloat(n.style('font-size')) * coherenceCy.zoom()}))""")
    canvas = rgb_hex(page.evaluate("getComputedStyle(document.querySelector('.coherence-graph-canvas')).backgroundColor"))
    assert len(nodes) >= 9
    for node in nodes:
        assert node["size"] >= 11, node  # on screen, at first paint
        fill = blend(rgb_hex(node["fill"]), node["opacity"], canvas)
        assert contrast(rgb_hex(node["colour"]), fill) >= 4.5, (node, fill)
    if scheme == "slate":  # the label is light on a dark fill, not black on black
        assert all(luminance(rgb_hex(n["colour"])) > luminance(rgb_hex(n["fill"])) for n in nodes), nodes
        assert luminance(canvas) < 0.05, canvas
    else:
        assert luminance(canvas) > 0.9, canvas


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_graph_labels_are_legible_with_a_quiet_console_in_both_schemes(page, instant_site, scheme):
    console = listen(page)
    page.emulate_media(color_scheme="dark" if scheme == "slate" else "light")  # the palette follows the system
    open_graph(page, instant_site)
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == scheme
    assert complaints(console) == [], console  # cytoscape warns about every style value it rejects
    assert_labels_legible(page, scheme)
    # The superseded record is drawn as such (translucent, dashed) and stays legible (checked above).
    assert page.evaluate("coherenceCy.getElementById('ADR-0001').style('border-style')") == "dashed"
    # Supersessions and conflicts have their own edge styles, each in the legend.
    edges = page.evaluate("""(() => { const s = sel => { const e = coherenceCy.edges(sel)[0];
        return e && {line: e.style('line-style'), width: parseFloat(e.style('width')), colour: e.style('line-color'),
                     target: e.style('target-arrow-shape'), source: e.style('source-arrow-shape')}; };
        return {uses: s("[type = 'uses']"), supersedes: s("[type = 'supersedes']"), conflict: s('.conflict')}; })()""")
    assert edges["supersedes"] and edges["conflict"] and edges["uses"], edges
    assert edges["supersedes"]["target"] == "tee" and edges["supersedes"]["width"] > edges["uses"]["width"], edges
    assert edges["conflict"]["line"] == "dashed" and edges["conflict"]["source"] != "none", edges
    assert len({e["colour"] for e in edges.values()}) == 3, edges
    legend = page.locator(".coherence-graph-legend").inner_text()
    assert "supersedes (1)" in legend and "conflict finding (" in legend, legend
    # The details sit beside the canvas, above the fold, on a wide screen.
    canvas = page.locator(".coherence-graph-canvas").bounding_box()
    info = page.locator(".coherence-graph-info").bounding_box()
    assert info["x"] >= canvas["x"] + canvas["width"] and abs(info["y"] - canvas["y"]) < 5, (canvas, info)
    assert info["y"] < 900, info


def test_graph_follows_the_palette_toggle(page, instant_site):
    console = listen(page)
    page.emulate_media(color_scheme="light")
    open_graph(page, instant_site)
    assert_labels_legible(page, "default")
    light = page.evaluate("coherenceCy.getElementById('customer-profile').style('color')")
    for scheme in ("slate", "default", "slate"):
        page.locator("form[data-md-component='palette'] label:visible").click()  # Material's own toggle
        page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') === '{scheme}'")
        changed = "===" if scheme == "default" else "!=="
        page.wait_for_function(f"coherenceCy.getElementById('customer-profile').style('color') {changed} "
                               + json.dumps(light))
        assert_labels_legible(page, scheme)
    # The wheel zooms at a steady pace, about 15% a notch, around the pointer, both ways, with
    # cytoscape's default wheelSensitivity (a custom one makes it warn: the console is checked).
    canvas = page.locator(".coherence-graph-canvas").bounding_box()
    page.mouse.move(canvas["x"] + canvas["width"] / 2, canvas["y"] + canvas["height"] / 2)
    for direction in (-1, 1):
        for notch in range(3):
            before = page.evaluate("coherenceCy.zoom()")
            page.mouse.wheel(0, 100 * direction)
            page.wait_for_function(f"coherenceCy.zoom() !== {before}", timeout=5_000)
            step = page.evaluate("coherenceCy.zoom()") / before
            assert 1.1 < (step if direction < 0 else 1 / step) < 1.2, (direction, notch, step)
    assert complaints(console) == [], console


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_graph_page_works_after_instant_navigation_ten_times(page, instant_site, scheme):
    console = listen(page)
    page.emulate_media(color_scheme="dark" if scheme == "slate" else "light")
    page.goto(instant_site + "coherence/")
    page.wait_for_load_state("networkidle")  # Material has read the sitemap: instant navigation is on
    page.evaluate("window.__sameDocument = true")  # gone if a navigation reloads the page
    for attempt in range(10):
        # A click on the nav's link (collapsed in its section), which Material intercepts.
        page.evaluate("document.querySelector('nav.md-nav a[href$=\"coherence/graph/\"]').click()")
        page.wait_for_selector(".coherence-graph-app[data-ready]", timeout=20_000)
        assert page.evaluate("window.__sameDocument") is True, attempt  # Material swapped the page
        assert page.evaluate("coherenceCy.nodes().length") >= 10, attempt
        assert page.evaluate("coherenceCy.container().isConnected"), attempt
        assert page.evaluate("document.querySelectorAll('.coherence-graph-canvas canvas').length") > 0, attempt
        assert "could not be loaded" not in page.locator(".coherence-graph-stats").inner_text()
        assert_labels_legible(page, scheme)
        if attempt % 2:
            page.go_back()  # instant navigation handles history too
        else:  # or a link in the page
            page.evaluate("document.querySelector('nav.md-nav a[href$=\"coherence/decisions/\"]').click()")
        page.wait_for_function("!document.querySelector('.coherence-graph-app')", timeout=20_000)
    assert page.evaluate("window.__sameDocument") is True
    assert complaints(console) == [], console


def test_graph_on_the_builtin_theme_opens_legible_and_quiet(tmp_path, page):
    """Without mkdocs-material (no document$, no palette): the parsed page is all there is."""
    import re

    project = example_copy(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(re.sub(r"(?ms)^theme:.*?(?=^markdown_extensions:)",  # highlight.js would come from a CDN
                             "theme:\n  name: mkdocs\n  highlightjs: false\n\n", config.read_text()))
    assert "name: mkdocs\n" in config.read_text() and "palette" not in config.read_text()
    site_dir = build(project)
    console = listen(page)
    with serving(site_dir) as base:
        page.goto(base)
        page.wait_for_load_state("load")
        # The theme's own scripts may fail on every page alike (bootstrap's modal, here).
        theirs = list(page.errors)
        page.errors.clear()
        open_graph(page, base)
        assert page.errors == theirs, (page.errors, theirs)  # nothing more on the graph page
        page.errors.clear()
        assert page.evaluate("typeof window.document$") == "undefined"
        assert page.evaluate("coherenceCy.nodes().length") == 9
        assert_labels_legible(page, "default")
        ours = [m for m in complaints(console) if "/assets/coherence/" in m[2] or "coherence" in m[1]]
        assert ours == [], console


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_every_generated_page_is_quiet_in_both_schemes(page, instant_site, scheme):
    """Issue 18: no console warning or error on any generated page, light or dark, and every
    page shows its own heading (a page that failed to render would not)."""
    from mkdocs_coherence.site.pages import PAGES

    console = listen(page)
    page.emulate_media(color_scheme="dark" if scheme == "slate" else "light")
    for spec in PAGES:
        page.goto(f"{instant_site}coherence/{'' if spec.name == 'index' else spec.name + '/'}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == scheme
        assert spec.title.split()[0].lower() in page.locator("article h1").first.inner_text().lower(), spec
    assert page.errors == [], page.errors
    assert complaints(console) == [], console
