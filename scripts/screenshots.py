"""Screenshots of the living site for the docs, made with the same tooling as the browser tests.

    python scripts/screenshots.py [OUTPUT_DIR]      # default: docs/assets/screenshots

Builds `examples/three-features` into a temporary folder (never into the repository),
serves it on 127.0.0.1, and drives Debian's chromium through Playwright (no browser
download): the overview, a document page and the graph, in light and dark. Needs
`pip install playwright` and `apt-get install chromium`.
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


def build_example(workdir: Path, dark: bool = False) -> Path:
    """A copy of the example that builds despite its findings (`fail_on: never`)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project = workdir / ("dark" if dark else "light")
    shutil.copytree(EXAMPLE, project)
    config_file = project / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8").replace("  - coherence\n", "  - coherence:\n      fail_on: never\n")
    if dark:
        text = text.replace("theme:\n  name: material\n", "theme:\n  name: material\n  palette:\n    scheme: slate\n")
    config_file.write_text(text, encoding="utf-8")
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


def main(output: Path) -> None:
    from playwright.sync_api import sync_playwright

    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            server, base = serve(build_example(Path(tmp)))  # its palette follows the system scheme
            for dark in (False, True):
                try:
                    page = browser.new_page(viewport={"width": 1280, "height": 800},
                                            color_scheme="dark" if dark else "light")
                    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                               else route.abort())  # no network: the theme's web font falls back
                    suffix = "-dark" if dark else ""
                    if not dark:
                        page.goto(base + "coherence/")
                        page.screenshot(path=str(output / "overview.png"))
                    page.goto(base + "intents/inline-editing/")
                    page.screenshot(path=str(output / f"document{suffix}.png"))
                    page.goto(base + "coherence/graph/")
                    page.wait_for_selector(".coherence-graph-app[data-ready]")
                    page.locator(".coherence-graph-canvas").scroll_into_view_if_needed()
                    page.wait_for_timeout(300)
                    page.screenshot(path=str(output / f"graph{suffix}.png"))
                    page.close()
                finally:
                    if dark:
                        server.shutdown()
        finally:
            browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "assets" / "screenshots")
