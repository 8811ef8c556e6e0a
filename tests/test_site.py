"""The living site (DESIGN §8): generated pages, panels, graph.json, llms.txt, context bundles.

Real MkDocs builds of real trees; the browser side is in test_browser.py.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import json
import re
import shutil
import time
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, build, fetch, mkdocs_serve, run_cli, wait_for, write_tree

EXAMPLE = REPO / "examples" / "three-features"
PACKAGE = REPO / "plugin" / "mkdocs_coherence"
HOSTILE_TITLE = "<script>window.__pwned=1</script> \"><img src=x onerror=window.__pwned=2> [x](javascript:alert(1)) | *b*"


def example_copy(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    """The three-features example, building despite its findings (it has errors on purpose)."""
    project = tmp_path / "three-features"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("site"))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - coherence\n", "  - coherence:\n      fail_on: never\n"))
    write_tree(project, extra or {})
    return project


def html(site_dir: Path, uri: str) -> str:
    return (site_dir / uri / "index.html").read_text(encoding="utf-8")


def text_of(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)))


def main_content(page: str) -> str:
    start = page.index("<h1")
    return page[start:page.index("</article>") if "</article>" in page else len(page)]


@pytest.fixture(scope="module")
def example_site(tmp_path_factory):
    return build(example_copy(tmp_path_factory.mktemp("example")))


def test_generated_pages_show_the_state_of_the_example(example_site):
    overview = text_of(main_content(html(example_site, "coherence")))
    assert "9 documents : 4 errors, 5 warnings" in overview
    assert "intent 5 draft 1 · active 3 · shipped 1" in overview
    assert "contract 3 0 0" in overview and "strategic 0 1 0" in overview  # conflicts by tier
    assert "met 0 · missed 0 · unmeasured 1" in overview  # order tracking shipped, unmeasured

    log = main_content(html(example_site, "coherence/decisions"))
    rows = re.findall(r'<tr class="coherence-log-item"[^>]*>(.*?)</tr>', log, re.S)
    assert [text_of(r).split()[0] for r in rows] == ["ADR-0001", "ADR-0002", "ADR-0003"]
    assert "profile-edit-mode" in text_of(rows[2]) and "proposed" in text_of(rows[2])

    board = text_of(main_content(html(example_site, "coherence/intents")))
    assert board.index("draft (1)") < board.index("active (3)") < board.index("shipped (1)")
    assert "Order tracking retention — fulfilment-team — unmeasured (0/1 met)" in board

    catalogue = main_content(html(example_site, "coherence/contracts"))
    consumers = text_of(catalogue)
    assert "version 2.0.0" in consumers and "identity-team" in consumers
    assert "Express checkout active uses, assumes @1 does not match 2.0.0" in consumers
    assert "Inline editing draft uses, assumes @2 matches profile.edit_mode violated assumption violated" in consumers
    assert "customer.status [active, suspended, closed]" in consumers
    assert "Only the identity service writes customer.status" in consumers

    conflicts = main_content(html(example_site, "coherence/conflicts"))
    tiers = re.findall(r'<h2 id="([a-z]+)"', conflicts)
    assert tiers == ["contract", "semantic", "strategic", "decision", "gate", "outcome"]
    assert conflicts.count("<li>") == 9
    assert "Nothing is stale." in html(example_site, "coherence/stale")


def test_panel_has_badges_local_graph_findings_and_context_link(example_site):
    page = html(example_site, "intents/inline-editing")
    panel = page[page.index('<div class="coherence-panel'):]
    panel = panel[:panel.index("</figure>") + 2000]
    assert 'coherence-kind--intent">intent</span>' in panel and 'coherence-status--draft">draft</span>' in panel
    # The local graph is data for assets/panel.js (no inline SVG): one row per neighbour, with
    # its page and the edge types on the curve.
    assert "<svg" not in page[page.index('<div class="coherence-panel'):page.index('<p class="coherence-context"')]
    figure = re.search(r'<figure class="coherence-local-graph" data-graph="([^"]+)" data-search-exclude hidden>',
                       panel).group(1)
    graph = json.loads(html_lib.unescape(figure))
    assert [(n[0], n[4], n[5], n[6]) for n in graph["n"]] == [
        ("ADR-0002", "../../decisions/0002-inline-profile-editing/", 1, "assumes"),
        ("customer-profile", "../../contracts/customer-profile/", 1, "assumes, uses @2")]
    assert 'src="../../assets/coherence/panel.js"' in page
    finding = re.search(r'<div class="admonition danger coherence-finding" data-rule="assumption-violated" '
                        r'data-category="error">(.*?)</div>', panel, re.S).group(1)
    assert "What to do:" in finding
    assert 'data-category="conflict"' in panel  # the goal conflict on the profile area, shown as a conflict
    assert '<a href="../../context/inline-editing.md" type="text/markdown">Context bundle</a>' in panel
    assert (example_site / "assets" / "coherence" / "coherence.css").is_file()
    assert 'href="../../assets/coherence/coherence.css"' in page


def test_graph_json_validates_against_its_published_schema(example_site):
    data = json.loads((example_site / "graph.json").read_text())
    schema = json.loads((example_site / "graph.schema.json").read_text())
    assert schema == json.loads((PACKAGE / "schemas" / "graph.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema)
    assert data["version"] == 2
    assert len(data["nodes"]) == 9 and len(data["findings"]) == 9
    # `coherence graph --format json` prints the same document, by the same serializer, without URLs.
    printed = run_cli("graph", str(EXAMPLE), "--format", "json").stdout
    cli = json.loads(printed)
    jsonschema.validate(cli, schema)
    assert all(n.pop("url") is None and n.pop("context") is None for n in cli["nodes"])
    assert cli == {**data, "nodes": [{k: v for k, v in n.items() if k not in ("url", "context")}
                                     for n in data["nodes"]]}
    assert printed == json.dumps(json.loads(printed), ensure_ascii=False, sort_keys=True,
                                 separators=(",", ":")) + "\n"  # graph.json's bytes: compact, sorted
    node = next(n for n in data["nodes"] if n["id"] == "order-tracking")
    assert node["front_matter"]["shipped"] == "2026-06-15"  # dates as ISO strings
    assert node["url"] == "intents/order-tracking/" and node["context"] == "context/order-tracking.md"
    # The schema rejects what it should: a node without an id.
    broken = json.loads(json.dumps(data))
    del broken["nodes"][0]["id"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_llms_txt_and_context_bundles_match_the_cli(example_site):
    llms = (example_site / "llms.txt").read_text()
    assert llms.startswith("# Three features\n\n> Three features built in parallel")
    for document in json.loads((example_site / "graph.json").read_text())["nodes"]:
        assert f"- [{document['id']}: " in llms
        assert f"]({document['context']}): " in llms
        bundle = (example_site / document["context"]).read_text()
        printed = run_cli("context", document["id"], str(EXAMPLE))
        assert printed.returncode == 0, printed.stderr
        assert printed.stdout == bundle
    express = (example_site / "context" / "express-checkout.md").read_text()
    assert "uses @1 (does NOT match 2.0.0)" in express
    assert "- Only the identity service writes customer.status; every other service reads it." in express
    assert "## Findings, most important first" in express and "**error** `version-mismatch`" in express
    inline = (example_site / "context" / "inline-editing.md").read_text()
    assert "**ADR-0002** — 2. Edit profile fields inline" in inline  # the standing decision
    assert "ADR-0003" not in inline.split("## Standing decisions")[1].split("## Pending proposals")[0]  # only proposed


def test_context_of_an_unknown_id_is_a_clear_error(tmp_path):
    result = run_cli("context", "customer-profil", str(EXAMPLE))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "did you mean 'customer-profile'" in result.stderr


def test_two_builds_of_one_tree_are_byte_identical(tmp_path):
    project = example_copy(tmp_path)
    first = build(project)
    copy = tmp_path / "first"
    shutil.copytree(first, copy)
    second = build(project)
    files = sorted(p.relative_to(copy) for p in copy.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    different = [str(f) for f in files if (copy / f).read_bytes() != (second / f).read_bytes()]
    assert different == []
    assert len(files) > 40


def test_front_matter_is_escaped_in_every_output(tmp_path):
    project = example_copy(tmp_path, {
        "docs/intents/hostile.md": f"""\
            ---
            title: '{HOSTILE_TITLE}'
            status: active
            goal: "<b>growth</b>"
            owners: ["\\"><img src=x onerror=window.__pwned=3>", "a|b"]
            success:
              - {{metric: "<i>m</i> | x", target: ">= 1%"}}
            uses: [customer-profile@2]
            ---
            # Hostile
            """,
        "decisions/0004-hostile.md": f"""\
            ---
            title: '{HOSTILE_TITLE}'
            status: accepted
            date: 2026-01-01
            decides: "q|<script>x</script>"
            alternatives: [none]
            supersedes: [ADR-0003]
            ---
            # 4. Hostile
            """,
    })
    site_dir = build(project)
    for path in site_dir.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>window.__pwned" not in text, path
        assert "<img src=x" not in text, path
        assert 'href="javascript:' not in text, path
        assert "<b>growth</b>" not in text and "<i>m</i>" not in text, path
    # Table cells stay cells: a pipe in a title or a question never splits a row.
    log = main_content(html(site_dir, "coherence/decisions"))
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", log, re.S):
        assert len(re.findall(r"<t[dh]", row)) == 8, row
    assert "q|<script>x</script>" in text_of(log)  # shown as the text it is
    # ADR-0003 is now superseded by the accepted ADR-0004: shown so in the log.
    assert re.search(r'<a href="../../decisions/0003-modal-profile-editor/" class="coherence-superseded">', log)
    # JSON and the graph's script data: valid, and no raw `<` that could close a <script>.
    data = json.loads((site_dir / "graph.json").read_text())
    assert any(n["title"] == HOSTILE_TITLE for n in data["nodes"])
    script = (site_dir / "assets" / "coherence" / "graph-data.js").read_text()
    assert "<" not in script and ">" not in script
    assert json.loads(script.removeprefix("window.coherenceGraph = ").rstrip(";\n")) == data
    llms = (site_dir / "llms.txt").read_text()
    hostile_line = next(line for line in llms.splitlines() if line.startswith("- [hostile:"))
    assert len(re.findall(r"(?<!\\)\]\(", hostile_line)) == 1  # the title cannot add a link of its own
    assert "<script>" not in llms and "<img" not in llms and not re.search(r"(?<!\\)\]\(javascript:", llms)


def test_rebuild_after_an_edit_shows_the_new_state_everywhere(tmp_path):
    project = example_copy(tmp_path)
    site_dir = build(project)
    assert "version 2.0.0" in text_of(html(site_dir, "coherence/contracts"))
    contract = project / "docs" / "contracts" / "customer-profile.md"
    contract.write_text(contract.read_text().replace('version: "2.0.0"', 'version: "3.0.0"')
                        .replace("status: active", "status: deprecated"))
    site_dir = build(project)
    catalogue = text_of(html(site_dir, "coherence/contracts"))
    assert "version 3.0.0" in catalogue and "Inline editing draft uses, assumes @2 does not match 3.0.0" in catalogue
    assert 'coherence-status--deprecated">deprecated</span>' in html(site_dir, "contracts/customer-profile")
    node = next(n for n in json.loads((site_dir / "graph.json").read_text())["nodes"] if n["id"] == "customer-profile")
    assert node["status"] == "deprecated"
    assert "deprecated, version 3.0.0" in (site_dir / "context" / "inline-editing.md").read_text()
    assert "contract 1 deprecated 1" in text_of(html(site_dir, "coherence"))


def test_explicit_nav_gets_a_coherence_section_and_builds_strictly(tmp_path):
    project = write_tree(tmp_path / "project", {
        "mkdocs.yml": "site_name: Nav\ntheme: mkdocs\nnav:\n  - Home: index.md\n  - Profile: contracts/profile.md\n"
                      "plugins:\n  - coherence\n",
        "docs/index.md": "# Home\n",
        "docs/contracts/profile.md": "---\nversion: 1.0.0\nstatus: active\n---\n# Profile\n",
    })
    site_dir = build(project, strict=True)
    home = (site_dir / "index.html").read_text()
    nav = home[home.index('<ul class="nav navbar-nav">'):]
    assert nav.index("Profile") < nav.index("Coherence") < nav.index("Overview") < nav.index("Graph")
    assert 'href="coherence/contracts/"' in nav
    # Someone who places the pages themselves keeps their placement.
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - Profile:", "  - Status: coherence/index.md\n  - Profile:"))
    home = (build(project, strict=True) / "index.html").read_text()
    assert "Coherence</a>" not in home and ">Status<" in home.replace("\n", "").replace(" ", "")


def test_builtin_theme_builds_strictly_with_panels_and_pages(site):
    project = site({
        "docs/contracts/profile.md": "---\nversion: 1.0.0\nstatus: active\n---\n# Profile\n",
        "docs/intents/edit.md": "---\nstatus: active\nsuccess: [{metric: m, target: '>= 1'}]\n"
                                "uses: [profile@1]\n---\n# Edit\n",
    })
    site_dir = build(project, strict=True)
    page = html(site_dir, "intents/edit")
    assert 'class="coherence-panel" data-coherence-id="edit" data-coherence-kind="intent"' in page and "data-graph=" in page
    assert 'href="../../assets/coherence/coherence.css"' in page
    graph = html(site_dir, "coherence/graph")
    # The page loads graph.js, which loads cytoscape and the data named on the app element.
    assert '<script src="../../assets/coherence/graph.js"></script>' in graph
    assert 'data-data="../../assets/coherence/graph-data.js"' in graph
    assert 'data-cytoscape="../../assets/coherence/vendor/cytoscape.min.js"' in graph
    for script in ("assets/coherence/vendor/cytoscape.min.js", "assets/coherence/graph-data.js",
                   "assets/coherence/graph.js"):
        assert (site_dir / script).is_file()


def test_use_directory_urls_false(site):
    project = site({"docs/contracts/profile.md": "---\nversion: 1.0.0\nstatus: active\n---\n# Profile\n",
                    "docs/intents/edit.md": "---\nstatus: draft\nuses: [profile@1]\n---\n# Edit\n"})
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + "use_directory_urls: false\n")
    site_dir = build(project, strict=True)
    catalogue = (site_dir / "coherence" / "contracts.html").read_text()
    assert '<a href="../intents/edit.html">Edit</a>' in catalogue
    graph = (site_dir / "coherence" / "graph.html").read_text()
    assert 'data-root="../"' in graph
    data = json.loads((site_dir / "graph.json").read_text())
    assert {n["url"] for n in data["nodes"]} == {"contracts/profile.html", "intents/edit.html"}


def test_a_users_file_at_a_generated_path_wins(site, caplog):
    project = site({"docs/llms.txt": "mine\n"})
    site_dir = build(project)
    assert (site_dir / "llms.txt").read_text() == "mine\n"
    assert any("llms.txt exists in docs_dir" in r.getMessage() for r in caplog.records)


def test_vendored_graph_library_matches_its_readme():
    readme = (PACKAGE / "assets" / "vendor" / "README.md").read_text()
    digest = hashlib.sha256((PACKAGE / "assets" / "vendor" / "cytoscape.min.js").read_bytes()).hexdigest()
    assert f"`{digest}`" in readme
    assert (PACKAGE / "assets" / "vendor" / "cytoscape.LICENSE").read_text().startswith("Copyright (c)")


def test_serve_regenerates_aggregate_pages_after_an_edit(tmp_path):
    project = example_copy(tmp_path)
    with mkdocs_serve(project) as served:
        decisions_page = served.base + "coherence/decisions/"
        deadline = time.monotonic() + 90
        log = wait_for(decisions_page, lambda h: h != "", deadline)
        assert 'coherence-status--proposed">proposed' in log
        decision = project / "decisions" / "0003-modal-profile-editor.md"
        edited = decision.read_text().replace("status: proposed", "status: rejected")
        log = wait_for(decisions_page, lambda h: 'coherence-status--rejected">rejected' in h, deadline,
                       poke=lambda: decision.write_text(edited))
        assert 'coherence-status--rejected">rejected' in log
        nodes = {node["id"]: node for node in json.loads(fetch(served.base + "graph.json"))["nodes"]}
        assert nodes["ADR-0003"]["status"] == "rejected"
        assert "decision 3 accepted 2 · rejected 1" in text_of(fetch(served.base + "coherence/"))
    assert "Traceback" not in served.output


def test_contract_catalogue_stays_small_for_hub_contracts(site):
    tree = {"docs/contracts/hub.md": "---\nversion: '1.0.0'\nstatus: active\n---\n# Hub\n"}
    for index in range(60):
        tree[f"docs/intents/i{index:02d}.md"] = f"---\nstatus: draft\nuses: [hub@1]\n---\n# Intent {index}\n"
    site_dir = build(site(tree))
    catalogue = (site_dir / "coherence" / "contracts" / "index.html").read_text()
    assert catalogue.count('class="coherence-pin coherence-pin--ok"') == 50
    assert "and 10 more" in catalogue
    # The hub's own page still names every consumer.
    hub = (site_dir / "contracts" / "hub" / "index.html").read_text()
    assert all(f"Intent {index}<" in hub for index in range(60))


def test_materials_status_icons_get_a_title_and_icon_per_status_unless_the_user_wrote_one(tmp_path):
    project = write_tree(tmp_path / "status", {
        "mkdocs.yml": "site_name: S\ntheme: material\nextra:\n  status:\n    draft: Our own words\n"
                      "plugins:\n  - coherence:\n      fail_on: never\n",
        "docs/index.md": "# S\n",
        "docs/intents/a.md": "---\nstatus: draft\n---\n# A\n",
        "docs/intents/b.md": "---\nstatus: shipped\n---\n# B\n",
        "decisions/0001-c.md": "---\nstatus: superseded\ndate: 2026-01-01\nalternatives: [x]\n---\n# 1. C\n",
    })
    page = html(build(project), "intents/a")
    titles = dict(re.findall(r'<span class="md-status md-status--([a-z]+)" title="([^"]*)"', page))
    assert titles == {"draft": "Our own words", "shipped": "Shipped: delivered",
                      "superseded": "Superseded: replaced by a later decision"}, titles
    css = (project / "site" / "assets" / "coherence" / "coherence.css").read_text()
    for status in ("active", "accepted", "shipped", "draft", "proposed", "superseded", "retired", "rejected",
                   "abandoned"):  # deprecated keeps Material's own icon
        assert re.search(rf"\.md-status--{status}::after[^{{]*\{{[^}}]*mask-image: var\(--coherence-status-", css), status


def test_panel_lists_errors_before_warnings_whatever_their_lines(example_site):
    page = html(example_site, "intents/express-checkout")
    findings = re.findall(r'class="[^"]*coherence-finding[^"]*"[^>]*data-rule="([a-z-]+)"|'
                          r'data-rule="([a-z-]+)"[^>]*class="[^"]*coherence-finding', page)
    rules = [a or b for a, b in findings]
    # goal-conflict (a warning) is on line 3, above both errors (lines 19 and 21).
    assert rules[:2] == ["version-mismatch", "assumption-violated"], rules
    assert set(rules[2:]) == {"goal-conflict", "conflicting-assumptions"}, rules
