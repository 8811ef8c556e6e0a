"""Screenshots of the living site for the docs, made with the same tooling as the browser tests.

    python scripts/screenshots.py [OUTPUT_DIR]      # default: docs/assets/screenshots

Builds `examples/three-features` into a temporary folder (never into the repository),
serves it on 127.0.0.1, and drives Debian's chromium through Playwright (no browser
download): the overview, a document page with its panel, the decision log and the graph,
each in the light and the dark scheme (`NAME.png`, `NAME-dark.png`; see SHOTS). Needs
`pip install playwright` and `apt-get install chromium`. README.md and docs/ show them.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "three-features"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


# name -> the page it shows, in the order of the docs.
SHOTS = {
    "overview": "coherence/",
    "document": "intents/inline-editing/",
    "decisions": "coherence/decisions/",
    "graph": "coherence/graph/",
}
SCHEMES = {"": "light", "-dark": "dark"}  # file suffix -> the system scheme the palette follows


def files() -> list[str]:
    """Every file the script writes."""
    return [f"{name}{suffix}.png" for name in SHOTS for suffix in SCHEMES]


def build_example(workdir: Path) -> Path:
    """A copy of the example that builds despite its findings (`fail_on: never`); its palette
    follows the system's light or dark scheme."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project = workdir / "three-features"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("site"))
    config_file = project / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8")
    assert "  - coherence\n" in text, "examples/three-features/mkdocs.yml changed: update build_example"
    config_file.write_text(text.replace("  - coherence\n", "  - coherence:\n      fail_on: never\n"), encoding="utf-8")
    config = load_config(str(config_file), site_dir=str(project / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return project / "site"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def main(output: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    output.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        server, base = serve(build_example(Path(tmp)))
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for suffix, scheme in SCHEMES.items():
                page = browser.new_page(viewport={"width": 1280, "height": 800}, color_scheme=scheme)
                page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                           else route.abort())  # no network: the theme's web font falls back
                for name, uri in SHOTS.items():
                    page.goto(base + uri)
                    page.wait_for_load_state("load")
                    expected = "slate" if scheme == "dark" else "default"
                    actual = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
                    assert actual == expected, f"{uri}: scheme {actual}, expected {expected}"
                    if name == "graph":
                        page.wait_for_selector(".coherence-graph-app[data-ready]", timeout=30_000)
                        page.locator(".coherence-graph-body").scroll_into_view_if_needed()
                    page.wait_for_timeout(300)  # fonts and transitions settle
                    path = output / f"{name}{suffix}.png"
                    page.screenshot(path=str(path))
                    written.append(path)
                page.close()
        finally:
            browser.close()
            server.shutdown()
            server.server_close()
    return written


if __name__ == "__main__":
    for written in main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "assets" / "screenshots"):
        print(written)
