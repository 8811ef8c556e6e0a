"""Shared helpers: real trees on disk, the real CLI in a subprocess, real MkDocs builds."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# ../shared beside the clone; a work tree elsewhere names it in COHERENCE_SHARED.
SHARED = Path(os.environ.get("COHERENCE_SHARED") or REPO.parent / "shared")


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (relative path -> text or bytes) under root; text is dedented."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


MKDOCS_YML = """\
site_name: Test site
theme: {theme}
plugins:
  - coherence{options}
"""


def mkdocs_yml(theme: str = "mkdocs", options: str = "") -> str:
    return MKDOCS_YML.format(theme=theme, options=(":\n" + textwrap.indent(textwrap.dedent(options), "      "))
                             if options else "")


@pytest.fixture
def site(tmp_path):
    """Factory: site(files, options=..., theme=...) -> project folder with mkdocs.yml."""

    def make(files: dict[str, str | bytes], options: str = "", theme: str = "mkdocs") -> Path:
        tree = {"mkdocs.yml": mkdocs_yml(theme, options), "docs/index.md": "# Home\n"}
        tree.update(files)
        return write_tree(tmp_path / "project", tree)

    return make


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs_coherence", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def check_json(project: Path, *extra: str) -> tuple[int, dict]:
    result = run_cli("check", str(project), "--format", "json", *extra)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def rules_by_path(report: dict) -> set[tuple[str, str]]:
    return {(f["rule"], f["path"]) for f in report["findings"]}


def build(project: Path, strict: bool = False):
    """A real MkDocs build of project/mkdocs.yml; returns the site folder."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config = load_config(str(project / "mkdocs.yml"), strict=strict)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()
    return Path(config.site_dir)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def wait_for(url: str, condition, deadline: float, poke=None) -> str:
    """Fetch `url` until `condition(html)` holds or `deadline` (monotonic) passes; `poke` (an
    edit) is repeated every 5 s, in case the server's watcher started after the first one."""
    html, poked = "", 0.0
    while time.monotonic() < deadline:
        if poke and time.monotonic() - poked > 5:
            poke()
            poked = time.monotonic()
        try:
            html = fetch(url)
        except (OSError, urllib.error.URLError):
            html = ""
        if condition(html):
            return html
        time.sleep(0.3)
    return html


class Served:
    """A running `mkdocs serve`: its base URL, the process, and (after it stops) its log."""

    def __init__(self, base: str, process: subprocess.Popen):
        self.base, self.process, self.output = base, process, ""


@contextmanager
def mkdocs_serve(project: Path, *options: str):
    """A real `mkdocs serve` (with livereload: without it nothing is watched) on a free port;
    `options`: more of serve's options (`--dirty`)."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", *options],
                               cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    served = Served(f"http://127.0.0.1:{port}/", process)
    try:
        yield served
    finally:
        process.terminate()
        served.output = process.communicate(timeout=15)[0]


# A contract and an intent that uses it, shared by the rule tests (tests/rules/, tests/test_rules_end_to_end.py).
CONTRACT = """\
---
version: "2.1.0"
status: {status}
owners: [identity]
defines:
  customer.status: [active, suspended, closed]
  profile.edit_mode: inline
---
# Customer profile
"""


def intent(uses: str = "[customer-profile@2]", assumes: str = "", status: str = "active", extra: str = "") -> str:
    return (f"---\nstatus: {status}\nowners: [web]\nuses: {uses}\n{assumes}{extra}"
            "success: [{metric: conversion, target: '>= 3%'}]\n---\n# Intent\n")
