"""The screenshots in the docs: what scripts/screenshots.py writes is what README.md and the
docs show, and the script still runs (real build, Debian's chromium through Playwright)."""

from __future__ import annotations

import importlib.util
import re
import struct
from pathlib import Path

import pytest

from conftest import REPO

SCREENSHOTS = REPO / "docs" / "assets" / "screenshots"


def script():
    spec = importlib.util.spec_from_file_location("screenshots", REPO / "scripts" / "screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    return struct.unpack(">II", data[16:24])


def shown_images() -> dict[str, set[str]]:
    """Screenshot file name -> the pages that show it (README.md and every page of docs/)."""
    shown: dict[str, set[str]] = {}
    for page in [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]:
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", page.read_text(encoding="utf-8")):
            if "screenshots/" in target:
                image = (page.parent / target).resolve()
                assert image.exists(), f"{page.relative_to(REPO)} shows {target}, which does not exist"
                shown.setdefault(image.name, set()).add(page.relative_to(REPO).as_posix())
    return shown


def test_every_screenshot_is_written_by_the_script_and_shown():
    names = script().files()
    assert {"overview.png", "overview-dark.png", "document.png", "document-dark.png", "decisions.png",
            "decisions-dark.png", "graph.png", "graph-dark.png"} == set(names)
    assert sorted(p.name for p in SCREENSHOTS.glob("*.png")) == sorted(names)  # none stale, none missing
    for name in names:
        assert png_size(SCREENSHOTS / name) == (1280, 800), name
    shown = shown_images()
    assert set(shown) == set(names), set(names) ^ set(shown)
    assert "docs/reference/site.md" in shown["graph-dark.png"] and "README.md" in shown["graph-dark.png"]


def test_the_script_regenerates_every_screenshot(tmp_path):
    from test_browser import MISSING

    if MISSING:
        pytest.skip(MISSING)
    module = script()
    written = module.main(tmp_path)
    assert sorted(p.name for p in written) == sorted(module.files())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(module.files())
    for path in written:
        assert png_size(path) == (1280, 800), path
    # Light and dark differ (main() checks each page's scheme); the repository is untouched.
    assert (tmp_path / "graph.png").read_bytes() != (tmp_path / "graph-dark.png").read_bytes()
    assert not (REPO / "examples" / "three-features" / "site").exists()
