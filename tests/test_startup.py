"""`coherence --help` and `coherence schema` start fast: the heavy libraries and the check
pipeline are imported only by the commands that use them (DESIGN §11)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("networkx", "jinja2", "mkdocs", "markdown")

PROBE = r"""
import contextlib, io, json, sys
from mkdocs_coherence.cli.main import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exit:
        code = exit.code
print(json.dumps({"code": code, "output": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def _probe(*args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def _loaded(modules: list[str], prefixes: tuple[str, ...]) -> list[str]:
    """Modules that are one of `prefixes` or inside one (`mkdocs` is not `mkdocs_coherence`)."""
    return [m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes)]


@pytest.mark.parametrize("args", [("--help",), ("check", "--help"), ("graph", "--help")])
def test_help_imports_no_heavy_library_and_no_core(args):
    probe = _probe(*args)
    assert probe["code"] == 0 and "usage: coherence" in probe["output"]
    assert _loaded(probe["modules"], HEAVY) == []
    # The package's face (`check`, `Report`) is loaded; what a check runs on is not.
    assert _loaded(probe["modules"], ("yaml", "mkdocs_coherence.rules", "mkdocs_coherence.core.graph",
                                      "mkdocs_coherence.core.loader", "mkdocs_coherence.core.config",
                                      "mkdocs_coherence.core.corpus")) == []


def test_schema_imports_neither_the_graph_nor_the_rules_nor_the_site():
    probe = _probe("schema")
    assert probe["code"] == 0 and json.loads(probe["output"])["title"].startswith("mkdocs-coherence")
    assert _loaded(probe["modules"], HEAVY) == []
    assert _loaded(probe["modules"], ("mkdocs_coherence.rules", "mkdocs_coherence.core.graph",
                                      "mkdocs_coherence.core.corpus", "mkdocs_coherence.site")) == []


def test_the_real_command_prints_help_without_importing_networkx():
    """The entry point as users run it, with the interpreter's own import log."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "mkdocs_coherence", "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "usage: coherence" in result.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "mkdocs_coherence.cli.main" in imported
    assert not {name for name in imported if name.split(".")[0] in HEAVY}


def test_a_clean_check_imports_no_library_it_does_not_need(tmp_path):
    """A pre-commit hook runs `coherence check` on every commit: difflib (misspellings) and
    networkx (naming a loop) load only when a finding needs them; the suggestion still comes."""
    from conftest import write_tree

    contract = "---\nkind: contract\nstatus: active\nversion: 1.0.0\n---\n# Orders\n"
    intent = "---\nkind: intent\nstatus: draft\nuses: [orders@1]\n---\n# Checkout\n"
    root = write_tree(tmp_path, {"mkdocs.yml": "site_name: t\nplugins: [coherence]\n",
                                 "docs/contracts/orders.md": contract, "docs/intents/checkout.md": intent})
    clean = _probe("check", str(root))
    assert clean["code"] == 0 and "2 documents: 0 errors" in clean["output"]
    assert _loaded(clean["modules"], ("difflib", "networkx", "jinja2", "mkdocs")) == []

    (root / "docs/intents/checkout.md").write_text(intent.replace("orders@1", "order@1"))
    misspelt = _probe("check", str(root))
    assert misspelt["code"] == 1 and "did you mean 'orders'?" in misspelt["output"]
