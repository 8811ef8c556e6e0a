"""Document panels in a real browser (Playwright on Debian's chromium, see test_browser.py): every
document page of the realistic tree, reached through mkdocs-material's instant navigation, in
the light and the dark scheme — a quiet console, a readable panel whose findings come by
severity, code spans drawn as code, the local graph drawn by panel.js (no inline SVG, which
broke instant navigation), and the navigation's error marks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import build
from test_browser import MISSING, browser, contrast, page, serving  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")

REALISTIC = Path(__file__).resolve().parent / "realistic" / "files"
SEVERITY = {"error": 3, "conflict": 2, "warning": 2, "stale": 2, "info": 1}


def mkdocs_yml(base: str) -> str:
    return f"""\
site_name: Shop platform
site_url: {base}
theme:
  name: material
  features: [navigation.instant]
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle: {{icon: material/brightness-4, name: Dark}}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle: {{icon: material/brightness-7, name: Light}}
markdown_extensions: [admonition, toc]
plugins:
  - search
  - coherence:
      fail_on: never
      risk_floor: {{areas: {{payments: high}}}}
      gates:
        high: [rollback, monitoring, owners>=2]
        medium: [rollback]
"""


@pytest.fixture(scope="module")
def realistic_site(tmp_path_factory):
    """The realistic tree in Material with instant navigation (which needs a site_url, and
    follows only the links its sitemap names: site_url is the server), served."""
    project = tmp_path_factory.mktemp("panels") / "shop"
    shutil.copytree(REALISTIC, project, ignore=shutil.ignore_patterns("versions"))
    site_dir = project / "site"
    site_dir.mkdir()
    with serving(site_dir) as base:
        (project / "mkdocs.yml").write_text(mkdocs_yml(base))
        assert build(project) == site_dir
        documents = sorted(p.parent.relative_to(site_dir).as_posix() + "/"
                           for folder in ("intents", "contracts", "decisions")
                           for p in (site_dir / folder).rglob("index.html"))
        yield base, documents


def channels(css: str) -> list[float]:
    return [float(c) for c in css[css.index("(") + 1:-1].split(",")] + [1.0]


def blended_hex(colour: str, background: str = "rgb(255, 255, 255)") -> str:
    """A CSS rgb()/rgba() colour over an opaque background (itself rgb() or #rrggbb), as #rrggbb."""
    *fg, alpha = channels(colour)[:4]
    bg = [int(background[i:i + 2], 16) for i in (1, 3, 5)] if background.startswith("#") else channels(background)[:3]
    return "#" + "".join(f"{round(f * alpha + b * (1 - alpha)):02x}" for f, b in zip(fg, bg))


def follow(page, base: str, uri: str) -> None:
    """Click the navigation's link to `uri`, which Material's instant navigation intercepts."""
    page.evaluate("url => { document.querySelectorAll('.coherence-panel').forEach(p => p.dataset.old = '');"
                  "[...document.querySelectorAll('nav.md-nav--primary a.md-nav__link')]"
                  ".find(a => a.href === url).click(); }", base + uri)
    # Material changes the URL, then swaps the content in: wait for the new page's panel.
    page.wait_for_function("url => location.href === url && document.querySelector('.coherence-panel:not([data-old])')"
                           " && !document.querySelector('.coherence-panel[data-old]')", arg=base + uri, timeout=20_000)


PANEL_STATE = """() => {
    const panel = document.querySelector('.coherence-panel');
    const figure = panel.querySelector('.coherence-local-graph');
    const style = getComputedStyle(panel);
    let background = null;
    for (let el = panel; el && !background; el = el.parentElement) {
        const colour = getComputedStyle(el).backgroundColor;
        if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') background = colour;
    }
    return {
        colour: style.color, background: background || 'rgb(255, 255, 255)',
        visible: panel.getBoundingClientRect().height > 20,
        categories: [...panel.querySelectorAll('.coherence-finding:not(.coherence-finding--waived):not(.coherence-finding--resolved)')]
            .map(f => f.dataset.category),
        lines: [...panel.querySelectorAll('.coherence-finding .admonition-title')].map(t => t.textContent),
        graphRows: figure ? JSON.parse(figure.dataset.graph).n.length : 0,
        graphBoxes: figure ? figure.querySelectorAll('svg .coherence-node[data-id]').length : 0,
        graphShown: figure ? !figure.hidden && figure.querySelector('svg').getBoundingClientRect().height > 30 : null,
        svgLinks: panel.querySelectorAll('svg a').length,
        scheme: document.body.getAttribute('data-md-color-scheme'),
    };
}"""


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_every_document_page_through_instant_navigation_quiet_and_readable(page, realistic_site, scheme):
    base, documents = realistic_site
    assert len(documents) >= 25
    console = []
    page.on("console", lambda m: console.append((m.type, m.text, m.location.get("url", ""))))
    page.emulate_media(color_scheme="dark" if scheme == "slate" else "light")
    page.goto(base)
    page.wait_for_load_state("networkidle")  # Material has read the sitemap: instant navigation is on
    page.evaluate("window.__sameDocument = true")  # gone if a navigation reloads the page
    drawn = 0
    for uri in documents:
        follow(page, base, uri)
        assert page.evaluate("window.__sameDocument") is True, uri  # Material swapped the page in
        state = page.evaluate(PANEL_STATE)
        assert state["scheme"] == scheme and state["visible"], (uri, state)
        background = blended_hex(state["background"])
        assert contrast(blended_hex(state["colour"], background), background) >= 4.5, (uri, state)
        severities = [SEVERITY[c] for c in state["categories"]]
        assert severities == sorted(severities, reverse=True), (uri, state["categories"])
        if state["graphRows"]:  # drawn by panel.js, one box per neighbour, no SVG link
            page.wait_for_function("!document.querySelector('.coherence-local-graph').hidden", timeout=5_000)
            state = page.evaluate(PANEL_STATE)
            assert state["graphShown"] and state["graphBoxes"] == state["graphRows"], (uri, state)
            drawn += 1
        assert state["svgLinks"] == 0, uri
    assert drawn >= 15
    # Only the theme's web font, blocked on purpose, may complain.
    assert [m for m in console if m[0] in ("warning", "error") and "fonts.g" not in m[2]] == [], console


def test_code_spans_error_marks_and_graph_clicks(page, realistic_site):
    base, documents = realistic_site
    page.goto(base)
    page.wait_for_load_state("networkidle")
    # The navigation marks the documents with errors, with a title and the error colour.
    marks = page.evaluate("""[...document.querySelectorAll('nav.md-nav--primary .md-status[class*="coherence-errors-"]')]
        .map(s => ({href: s.closest('a').href, title: s.title,
                    colour: getComputedStyle(s, '::after').backgroundColor,
                    mask: getComputedStyle(s, '::after').maskImage || getComputedStyle(s, '::after').webkitMaskImage}))""")
    assert marks, "no error mark in the navigation"
    assert all(m["title"].endswith(" in this document") and m["title"][0].isdigit() for m in marks), marks
    assert all(m["colour"] == "rgb(198, 40, 40)" and "M13 13h-2V7h2" in m["mask"] for m in marks), marks
    # On a page of that section, the section is open and the mark is on screen.
    follow(page, base, marks[0]["href"].removeprefix(base))  # Material made the links absolute
    marked = page.locator('nav.md-nav--primary .md-status[class*="coherence-errors-"]')
    assert marked.count() == len(marks) and marked.first.is_visible()
    box = marked.first.evaluate("s => { const r = s.getBoundingClientRect(); return [r.width, r.height]; }")
    assert box[0] >= 10 and box[1] >= 10, box
    # A page with a finding whose message quotes front-matter: the quote is drawn as code.
    for uri in documents:
        follow(page, base, uri)
        codes = page.locator(".coherence-finding > p:not(.admonition-title):not(.coherence-advice) code")
        if codes.count():
            family = codes.first.evaluate("c => getComputedStyle(c).fontFamily")
            assert "mono" in family.lower() or "courier" in family.lower() or "code" in family.lower(), family
            assert "`" not in page.locator(".coherence-finding").first.inner_text()
            break
    else:
        pytest.fail("no finding with a code span on any page")
    # A box of the local graph opens its page, through instant navigation.
    page.evaluate("window.__sameDocument = true")
    follow(page, base, "contracts/customer-profile/")
    target = page.evaluate("JSON.parse(document.querySelector('.coherence-local-graph').dataset.graph).n[0]")
    page.locator(f'.coherence-local-graph svg .coherence-node[data-id="{target[0]}"]').click()
    page.wait_for_function("url => location.href === url", arg=base + target[4].removeprefix("../../"), timeout=20_000)
    assert page.evaluate("window.__sameDocument") is True
    page.wait_for_function("!document.querySelector('.coherence-local-graph') || "
                           "document.querySelector('.coherence-local-graph svg')", timeout=5_000)
