"""The decision log and the contract catalogue in a real browser (Playwright on Debian's
chromium, as in test_browser.py): the filters, both colour schemes, a quiet console, and
tables that never make the page scroll sideways, on a phone or a wide screen."""

from __future__ import annotations

import pytest

from conftest import build
from test_browser import MISSING, browser, instant_site, page, serving  # noqa: F401 (fixtures)
from test_site import example_copy

pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")

# A chain on top of the example's three decisions, with a long unbreakable id to stretch the table.
EXTRA = {
    "decisions/0004-modal-editor-everywhere-for-every-profile-field-and-address.md": """\
        ---
        status: accepted
        date: 2026-11-28
        decides: profile-edit-mode
        deciders: [web-team, design]
        supersedes: [ADR-0002]
        alternatives: [inline editing]
        ---
        # 4. A modal editor for every profile field, address and preference
        """,
}


@pytest.fixture(scope="module")
def log_site(tmp_path_factory):
    site_dir = build(example_copy(tmp_path_factory.mktemp("log"), EXTRA))
    with serving(site_dir) as base:
        yield base


def quiet_console(page):
    console = []
    page.on("console", lambda message: console.append((message.type, message.text, message.location.get("url", ""))))
    return console


def loud(console):
    """Warnings and errors, but the theme's web font, which the test blocks on purpose."""
    return [m for m in console if m[0] in ("warning", "error") and "fonts.g" not in m[2]]


def shown_rows(page) -> list[str]:
    return page.evaluate("""Array.from(document.querySelectorAll('tr.coherence-log-item'))
        .filter(row => row.offsetParent !== null).map(row => row.cells[0].textContent.trim())""")


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_decision_log_filters_by_status_in_both_schemes(page, log_site, scheme):
    console = quiet_console(page)
    page.emulate_media(color_scheme="dark" if scheme == "slate" else "light")
    page.goto(log_site + "coherence/decisions/")
    page.wait_for_selector(".coherence-log-filters[data-ready]", timeout=20_000)
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == scheme
    assert shown_rows(page) == ["ADR-0001", "ADR-0002", "ADR-0003", "ADR-0004"]
    page.select_option('select[data-filter="status"]', "proposed")
    assert shown_rows(page) == ["ADR-0003"]
    assert page.locator(".coherence-log-count").inner_text() == "1 of 4 decisions shown"
    timeline = page.evaluate("""Array.from(document.querySelectorAll('.coherence-timeline li'))
        .filter(li => li.offsetParent !== null).length""")
    assert timeline == 1  # the timeline follows the same filter
    page.select_option('select[data-filter="status"]', "")
    page.select_option('select[data-filter="people"]', "design")
    assert shown_rows(page) == ["ADR-0002", "ADR-0004"]
    page.select_option('select[data-filter="decides"]', "decision-records")
    assert shown_rows(page) == []  # design decided nothing about decision records
    page.click(".coherence-log-filters button[type=reset]")
    page.wait_for_function("document.querySelectorAll('tr.coherence-log-item:not([hidden])').length === 4")
    # The superseded decision is struck through in the chain, readable in either scheme.
    chain = page.locator(".coherence-chains li").first.inner_text()
    assert "ADR-0002" in chain and "superseded by" in chain and "ADR-0004" in chain
    assert loud(console) == [], console


def test_decision_log_without_javascript_shows_everything(browser, log_site):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(log_site + "coherence/decisions/")
        assert page.locator(".coherence-log-filters").is_hidden()
        assert page.locator("tr.coherence-log-item").count() == 4
        assert all(page.locator("tr.coherence-log-item").nth(i).is_visible() for i in range(4))
    finally:
        context.close()


@pytest.mark.parametrize("width", [375, 1400])
@pytest.mark.parametrize("uri", ["coherence/decisions/", "coherence/contracts/"])
def test_tables_scroll_inside_their_box_never_the_page(browser, log_site, width, uri):
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        console = quiet_console(page)
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1:")
                   else route.abort())
        page.goto(log_site + uri)
        page.wait_for_load_state("load")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"
        # Our box, and the one mkdocs-material adds around each table inside it.
        boxes = page.evaluate("""Array.from(document.querySelectorAll(
            '.coherence-scroll, .coherence-scroll .md-typeset__scrollwrap')).map(box => ({
            scrolls: getComputedStyle(box).overflowX, wide: box.scrollWidth, shown: box.clientWidth,
            right: box.getBoundingClientRect().right}))""")
        assert boxes
        for box in boxes:
            assert box["right"] <= width + 0.5, box  # the box itself fits the viewport
            assert box["wide"] <= box["shown"] or box["scrolls"] in ("auto", "scroll"), box  # nothing clipped
        if width == 375 and uri == "coherence/decisions/":
            assert any(box["wide"] > box["shown"] for box in boxes)  # the log is wider: it scrolls in its box
        if width == 1400 and uri == "coherence/decisions/":
            assert all(box["wide"] <= box["shown"] for box in boxes), boxes  # the whole log, no scrolling
        assert loud(console) == [], console
    finally:
        context.close()


def test_decision_log_filters_after_an_instant_navigation(page, instant_site):
    page.goto(instant_site + "coherence/")
    page.wait_for_load_state("networkidle")  # Material has read the sitemap: instant navigation is on
    page.evaluate("window.__sameDocument = true")
    for attempt in range(3):
        page.evaluate("document.querySelector('nav.md-nav a[href$=\"coherence/decisions/\"]').click()")
        page.wait_for_selector(".coherence-log-filters[data-ready]", timeout=20_000)
        assert page.evaluate("window.__sameDocument") is True, attempt  # Material swapped the page
        page.select_option('select[data-filter="status"]', "proposed")
        assert shown_rows(page) == ["ADR-0003"], attempt
        page.go_back()
        page.wait_for_function("!document.querySelector('.coherence-log-filters')", timeout=20_000)
