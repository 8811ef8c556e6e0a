"""References across repositories (issue #21, ADR-0021): two real projects in tmp folders.

`payments` owns a contract and publishes its site (graph.json, version 2); `checkout` imports
that graph.json by path, or by URL from a local HTTP server standing in for the network (the
configuration accepts `http://` for loopback hosts only: 127.0.0.1, localhost, ::1).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonschema
import pytest

from conftest import build, check_json, mkdocs_yml, run_cli, write_tree

PACKAGE = Path(__file__).resolve().parent.parent / "plugin" / "mkdocs_coherence"
API = "payments:payment-capture-api"


def contract(version: str = "2.1.0", on_error: str = "retry") -> str:
    return f"""\
        ---
        status: active
        version: "{version}"
        owners: [payments-team]
        defines:
          payment.on_error: {on_error}
          payment.status: [authorized, captured]
        ---
        # Payment capture API
        """


def payments(root: Path, version: str = "2.1.0", on_error: str = "retry", area_goal: str = "revenue",
             options: str = "") -> Path:
    """The payments project, built: its site holds graph.json."""
    project = write_tree(root / "payments", {
        "mkdocs.yml": "site_url: https://payments.example.com/\n" + mkdocs_yml(options=options),
        "docs/index.md": "# Payments\n",
        "docs/contracts/payment-capture-api.md": contract(version, on_error),
        "docs/intents/fewer-retries.md": f"""\
            ---
            status: active
            goal: {area_goal}
            area: [checkout-flow]
            why: retries cost money
            success: [{{metric: retries, target: "< 2%"}}]
            assumes:
              wallet.kind: card
            ---
            # Fewer retries
            """,
    })
    shutil.rmtree(project / "site", ignore_errors=True)
    build(project)
    return project


def checkout(root: Path, pin: str = "2.1", assumes: str = "retry", graph: str = "../payments/site/graph.json",
             extra_options: str = "", goal: str = "revenue", wallet: str = "card") -> Path:
    project = root / "checkout"
    shutil.rmtree(project / "docs", ignore_errors=True)
    return write_tree(project, {
        "mkdocs.yml": mkdocs_yml(options=f"imports:\n  payments: {graph}\n{extra_options}"),
        "docs/index.md": "# Checkout\n",
        "docs/intents/one-click.md": f"""\
            ---
            status: active
            goal: {goal}
            area: [checkout-flow]
            why: fewer steps
            success: [{{metric: conversion, target: ">= 3%"}}]
            uses: [{API}@{pin}]
            assumes:
              payment.on_error: {assumes}
              wallet.kind: {wallet}
            ---
            # One-click checkout
            """,
    })


def errors(report: dict) -> list[tuple[str, str, tuple]]:
    return [(f["rule"], f["path"], tuple(f["ids"])) for f in report["findings"] if f["severity"] == "error"]


def rules(report: dict) -> set[str]:
    return {f["rule"] for f in report["findings"]}


def test_a_clean_import_resolves_and_names_the_project_in_ids(tmp_path):
    payments(tmp_path)
    code, report = check_json(checkout(tmp_path))
    assert code == 0, report
    assert errors(report) == []
    assert not rules(report) & {"unresolved-reference", "import-invalid", "import-stale", "conflicting-assumptions",
                                "goal-conflict"}
    assert report["summary"]["documents"] == 1  # imported documents are not this project's


def test_version_mismatch_across_the_boundary_is_reported_and_disappears_when_fixed(tmp_path):
    payments(tmp_path)
    code, report = check_json(checkout(tmp_path, pin="2.5"))
    assert code == 1
    assert errors(report) == [("version-mismatch", "docs/intents/one-click.md", ("one-click", API))]
    finding = report["findings"][0]
    assert finding["line"] == 7 and "2.1.0" in finding["message"]
    code, report = check_json(checkout(tmp_path, pin="2"))
    assert code == 0 and errors(report) == []


def test_assumption_violated_across_the_boundary_and_fixed(tmp_path):
    payments(tmp_path)
    code, report = check_json(checkout(tmp_path, assumes="fail-fast"))
    assert code == 1
    assert errors(report) == [("assumption-violated", "docs/intents/one-click.md", ("one-click", API))]
    assert "retry" in report["findings"][0]["message"]
    code, report = check_json(checkout(tmp_path, assumes="retry"))
    assert code == 0 and errors(report) == []


def test_breaking_change_when_the_owners_move_the_major_version_past_the_pin(tmp_path):
    payments(tmp_path)
    project = checkout(tmp_path, pin="2")
    assert check_json(project)[0] == 0
    payments(tmp_path, version="3.0.0")  # the payments team ships a new major version and rebuilds
    code, report = check_json(project)
    assert code == 1
    assert errors(report) == [("breaking-change", "docs/intents/one-click.md", ("one-click", API))]
    assert "3.0.0" in report["findings"][0]["message"] and "'payments'" in report["findings"][0]["message"]
    code, report = check_json(checkout(tmp_path, pin="3"))
    assert code == 0 and errors(report) == []


def test_conflicts_across_the_boundary_name_both_projects(tmp_path):
    payments(tmp_path, area_goal="revenue")
    code, report = check_json(checkout(tmp_path, goal="conversion", wallet="paypal"))
    assert code == 0  # warnings
    found = {f["rule"]: f for f in report["findings"]}
    assert (found["goal-conflict"]["path"], found["goal-conflict"]["line"]) == ("docs/intents/one-click.md", 3)
    assert set(found["goal-conflict"]["ids"]) == {"one-click", "payments:fewer-retries"}
    assert (found["conflicting-assumptions"]["path"], found["conflicting-assumptions"]["line"]) == \
        ("docs/intents/one-click.md", 10)
    assert set(found["conflicting-assumptions"]["ids"]) == {"one-click", "payments:fewer-retries"}
    code, report = check_json(checkout(tmp_path, goal="revenue", wallet="card"))
    assert not rules(report) & {"goal-conflict", "conflicting-assumptions"}


def test_the_site_shows_imported_contracts_external_and_linked_never_as_pages(tmp_path):
    payments(tmp_path)
    site = build(checkout(tmp_path))
    catalogue = (site / "coherence" / "contracts" / "index.html").read_text()
    assert 'href="https://payments.example.com/contracts/payment-capture-api/"' in catalogue
    assert "external: project payments" in catalogue
    assert not list(site.rglob("*payment-capture-api*"))  # no page, no context bundle of it here
    # The consumer's panel links the imported contract to its owners' page, in the lists and the graph.
    panel = (site / "intents" / "one-click" / "index.html").read_text()
    assert panel.count('href="https://payments.example.com/contracts/payment-capture-api/"') >= 1, panel
    assert "https://payments.example.com/contracts/payment-capture-api/" in panel.split("data-graph=", 1)[1]
    data = json.loads((site / "graph.json").read_text())
    jsonschema.validate(data, json.loads((PACKAGE / "schemas" / "graph.schema.json").read_text()))
    node = next(n for n in data["nodes"] if n["id"] == API)
    assert node["external"] == {"project": "payments"}
    assert node["url"] == "https://payments.example.com/contracts/payment-capture-api/"
    assert node["version"] == "2.1.0" and node["facts"]["payment.on_error"] == "retry"
    assert {"source": "one-click", "target": API, "type": "uses", "line": 7, "range": "2.1"} in data["edges"]


def test_the_exported_graph_is_version_2_with_facts_and_site_url(tmp_path):
    data = json.loads((payments(tmp_path) / "site" / "graph.json").read_text())
    assert data["version"] == 2 and data["site_url"] == "https://payments.example.com/"
    node = next(n for n in data["nodes"] if n["id"] == "payment-capture-api")
    assert node["facts"] == {"payment.on_error": "retry", "payment.status": ["authorized", "captured"]}
    assert node["version"] == "2.1.0" and node["status"] == "active" and node["url"].startswith("contracts/")


def test_a_version_1_graph_is_read_without_facts_and_says_so(tmp_path):
    graph = payments(tmp_path) / "site" / "graph.json"
    data = json.loads(graph.read_text())
    data["version"] = 1
    for node in data["nodes"]:
        for key in ("facts", "version", "external"):
            node.pop(key, None)
    graph.write_text(json.dumps(data))
    code, report = check_json(checkout(tmp_path, assumes="fail-fast", pin="2.5"))
    stale = [f for f in report["findings"] if f["rule"] == "import-stale"]
    assert [f["severity"] for f in stale] == ["info"] and "version 1" in stale[0]["message"]
    assert stale[0]["path"] == "mkdocs.yml" and stale[0]["line"] == 6
    assert "assumption-violated" not in rules(report)  # facts unknown: no false alarm
    assert errors(report) == [("version-mismatch", "docs/intents/one-click.md", ("one-click", API))]
    assert code == 1


@pytest.mark.parametrize("body, words", [
    (b"{not json", "not valid JSON"),
    (b'{"version": 99, "nodes": []}', "version 99"),
    (b'{"version": 2, "nodes": [{"kind": "contract"}]}', "without a valid id"),
    (b"[1, 2]", "no `nodes` list"),
])
def test_a_malformed_graph_is_a_finding_never_a_traceback(tmp_path, body, words):
    write_tree(tmp_path, {"payments/site/graph.json": body})
    code, report = check_json(checkout(tmp_path))
    assert code == 1
    invalid = [f for f in report["findings"] if f["rule"] == "import-invalid"]
    assert len(invalid) == 1 and words in invalid[0]["message"] and invalid[0]["path"] == "mkdocs.yml"
    assert "unresolved-reference" in rules(report)  # the reference is not silently accepted


def test_an_oversize_graph_is_a_finding(tmp_path):
    payments(tmp_path)
    code, report = check_json(checkout(tmp_path, graph="{graph: ../payments/site/graph.json, max_bytes: 100}"))
    assert code == 1
    assert any(f["rule"] == "import-invalid" and "larger than 100 bytes" in f["message"] for f in report["findings"])


def test_a_missing_path_is_exit_2_naming_the_import(tmp_path):
    code, report = check_json(checkout(tmp_path, graph="../nowhere/graph.json"))
    assert code == 2 and report["incomplete"] is True
    assert any("import 'payments'" in f["message"] for f in report["findings"])


@pytest.mark.parametrize("options, words", [
    ("imports:\n  payments: http://example.com/graph.json\n", "only https://"),
    ("imports:\n  payments: {graph: a.json, colour: red}\n", "unknown key 'colour'"),
    ("imports:\n  'pay ments': a.json\n", "project name"),
    ("exports_to: 3\n", "exports_to"),
])
def test_config_errors_name_the_option(tmp_path, options, words):
    project = write_tree(tmp_path / "p", {"mkdocs.yml": mkdocs_yml(options=options), "docs/index.md": "# Home\n"})
    result = run_cli("check", str(project))
    assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr


# --- URL imports: a local HTTP server stands in for the network -------------------------------------


class Served:
    """graph.json over HTTP with an ETag; answers 304 to a matching If-None-Match."""

    def __init__(self, body: bytes):
        self.body = body
        self.requests: list[tuple[str | None, int]] = []  # (If-None-Match, status)
        served = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                etag = '"' + hashlib.sha256(served.body).hexdigest()[:16] + '"'
                asked = self.headers.get("If-None-Match")
                status = 304 if asked == etag else 200
                served.requests.append((asked, status))
                self.send_response(status)
                self.send_header("ETag", etag)
                if status == 200:
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(served.body)))
                self.end_headers()
                if status == 200:
                    self.wfile.write(served.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/graph.json"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def test_url_import_caches_with_etag_then_works_offline_then_fails_without_cache(tmp_path, caplog):
    body = (payments(tmp_path) / "site" / "graph.json").read_bytes()
    served = Served(body)
    try:
        project = checkout(tmp_path, pin="2.5", graph=served.url)
        code, report = check_json(project)  # online: fetched and cached
        assert code == 1 and errors(report) == [("version-mismatch", "docs/intents/one-click.md", ("one-click", API))]
        assert "import-stale" not in rules(report)
        cache = project / ".cache" / "coherence" / "imports"
        assert (cache / "payments.json").read_bytes() == body
        etag = json.loads((cache / "payments.meta.json").read_text())["etag"]
        code, report = check_json(project)  # again: the server says 304, the cached copy is used
        assert served.requests[-1] == (etag, 304)
        assert code == 1 and errors(report) == [("version-mismatch", "docs/intents/one-click.md", ("one-click", API))]
        project = checkout(tmp_path, pin="2", graph=served.url)
        assert check_json(project)[0] == 0
    finally:
        served.stop()
    # Offline, with the cached copy: still checked, and a warning says the copy may be old.
    code, report = check_json(project)
    assert code == 0
    stale = [f for f in report["findings"] if f["rule"] == "import-stale"]
    assert [f["severity"] for f in stale] == ["warning"] and "cached copy" in stale[0]["message"]
    assert run_cli("check", str(project), "--strict").returncode == 1
    assert check_json(checkout(tmp_path, pin="2.5", graph=served.url))[0] == 1  # the cached facts still count
    # Offline, no cached copy: the answer is unknown — exit 2, the build fails naming the import.
    shutil.rmtree(project / ".cache" / "coherence" / "imports")
    result = run_cli("check", str(project), "--format", "json")
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["incomplete"] is True
    assert any(f["rule"] == "import-invalid" and "import 'payments'" in f["message"] and "no cached copy" in f["message"]
               for f in report["findings"])
    from mkdocs.exceptions import Abort

    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        build(project)
    assert "INCOMPLETE: not read: import 'payments'" in caplog.text


# --- the other way: `exports_to` tells the owners who would break -------------------------------


def test_impact_names_the_importing_projects_documents_that_would_break(tmp_path):
    from gitrepo import Repo, git

    repo = Repo(tmp_path / "payments")
    payments(tmp_path, options="exports_to: [../checkout/site/graph.json, ../gone/graph.json]")  # in the repository
    (repo.root / ".gitignore").write_text("site/\n.cache/\n")
    repo.commit("2026-01-10", "start")
    git(repo.root, "tag", "base")
    build(checkout(tmp_path, pin="2"))  # checkout publishes its graph.json, naming what it imports
    repo.commit("2026-02-01", "v3", {"docs/contracts/payment-capture-api.md": contract("3.0.0")})
    result = run_cli("impact", str(repo.root), "--base", "base")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    out = result.stdout
    assert "### Other projects relying on a changed contract" in out, out
    row = next(line for line in out.splitlines() if "`one-click`" in line)
    assert "../checkout/site/graph.json" in row and "uses `payment-capture-api`" in row and "@2" in row
    assert "**breaks**" in row and "3.0.0" in row
    assert "not read: ../gone/graph.json" in out
    # A change that stays within the range the importer pins is named, but does not break it.
    repo.commit("2026-02-02", "v2.2", {"docs/contracts/payment-capture-api.md": contract("2.2.0", on_error="retry")})
    git(repo.root, "tag", "-f", "base")
    repo.commit("2026-02-03", "v2.3", {"docs/contracts/payment-capture-api.md": contract("2.3.0", on_error="queue")})
    out = run_cli("impact", str(repo.root), "--base", "base").stdout
    row = next(line for line in out.splitlines() if "`one-click`" in line)
    assert "within its range" in row and "**breaks**" not in row


def test_serve_follows_the_owners_rebuild_of_an_imported_graph(tmp_path):
    """`mkdocs serve` watches the folder of a graph.json imported by path (a sibling checkout's
    site, deleted and written again by its build): the owners' new major version shows here."""
    import time

    from conftest import mkdocs_serve, wait_for
    from mkdocs_coherence.core.config import Import
    from mkdocs_coherence.site.watch import import_folders

    payments(tmp_path)
    project = checkout(tmp_path, pin="2")
    with mkdocs_serve(project) as served:
        url = served.base + "intents/one-click/"
        deadline = time.monotonic() + 90
        html = wait_for(url, lambda h: "One-click" in h, deadline)
        assert "One-click" in html and 'data-rule="breaking-change"' not in html
        html = wait_for(url, lambda h: 'data-rule="breaking-change"' in h, deadline,
                        poke=lambda: payments(tmp_path, version="3.0.0"))
        assert 'data-rule="breaking-change"' in html and "3.0.0" in html
        assert served.process.poll() is None
    assert "Traceback" not in served.output
    # URLs are read at each build, not watched; never docs_dir, never the folder holding mkdocs.yml.
    entries = [Import("a", "../payments/site/graph.json"), Import("b", "https://example.com/graph.json"),
               Import("c", "graph.json"), Import("d", "docs/graph.json")]
    assert import_folders(entries, project / "docs", project) == [(tmp_path / "payments" / "site").resolve()]


def test_the_ai_tools_impact_names_the_importers_documents_too(tmp_path):
    """`coherence mcp`'s impact tool (changed paths, no git) reads `exports_to` like the command."""
    import argparse

    from mkdocs_coherence.cli.common import read_settings
    from mkdocs_coherence.site.assistant import Project

    payments(tmp_path)
    build(checkout(tmp_path, pin="2"))  # checkout publishes its graph.json while payments is at 2.1.0
    project = payments(tmp_path, version="3.0.0", options="exports_to: [../checkout/site/graph.json]")
    tools = Project(read_settings(argparse.Namespace(path=str(project), config=None)))
    answer = tools.impact(paths=["docs/contracts/payment-capture-api.md"])
    assert answer["consumers"] == [{"importer": "../checkout/site/graph.json", "project": "payments",
                                    "id": "one-click", "title": "One-click checkout", "how": "uses", "range": "2",
                                    "contract": "payment-capture-api", "breaks": True}], answer
    assert answer["unread_importers"] == []
    # Editing anything else names no other project.
    assert tools.impact(paths=["docs/index.md"])["consumers"] == []


def test_a_context_bundle_says_where_an_imported_contract_lives(tmp_path):
    """The consumer's context bundle names the owners' project and page, not `graph.json#id`."""
    payments(tmp_path)
    site = build(checkout(tmp_path, pin="2"))
    data = json.loads((site / "graph.json").read_text())
    context = next(n["context"] for n in data["nodes"] if n["id"] == "one-click")
    text = (site / context).read_text(encoding="utf-8")
    assert "imported from project payments, `https://payments.example.com/contracts/payment-capture-api/`" in text
    assert "graph.json#" not in text
    assert "payment.on_error" in text  # the imported contract's facts, as the owners publish them
