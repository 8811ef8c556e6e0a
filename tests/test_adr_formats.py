"""Existing decision records read in place (DESIGN §4), and `coherence import`."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from mkdocs_coherence.core.adr_formats import parse_written_date, read_in_place
from conftest import SHARED, check_json, run_cli

CORPUS = SHARED / "corpora" / "adr-real"


@pytest.mark.parametrize("text, expected", [
    ("2021-06-17", date(2021, 6, 17)),
    ("2021-06-17T10:00:00Z", date(2021, 6, 17)),
    ("2021/06/17", date(2021, 6, 17)),
    ("17.06.2021", date(2021, 6, 17)),
    ("Dec 19, 2022", date(2022, 12, 19)),
    ("December 19th, 2022", date(2022, 12, 19)),
    ("19 Dec 2022", date(2022, 12, 19)),
    ("Sept. 3, 2020", date(2020, 9, 3)),
    ("2021-06-17 (updated 2021-07-01)", date(2021, 6, 17)),
    ("**2021-06-17**", date(2021, 6, 17)),
    ("25/12/2020", date(2020, 12, 25)),
    ("12/25/2020", date(2020, 12, 25)),
    ("03/04/2021", None),  # March 4th or 3 April: never guessed
    ("May 2025", None),  # no day
    ("2021-02-30", None),
    ("soon", None),
    ("", None),
])
def test_dates_in_the_forms_teams_write(text, expected):
    assert parse_written_date(text) == expected


def test_madr2_bullets_with_a_nested_decider_list():
    found = read_in_place("# T\n\n* Status: Accepted\n* Deciders:\n  * alice\n  * bob\n\n* Date: Dec 19, 2022\n"
                          "* Feedback deadline: Jan 16, 2022\n\n## Context\n", first_line=1)
    assert (found.format, found.status.status, found.date) == ("madr2", "accepted", date(2022, 12, 19))
    assert found.people == {"deciders": ["alice", "bob"]}
    assert found.lines == {"status": 3, "deciders": 4, "date": 8}


def test_adr_tools_status_section_links_in_both_spellings_and_no_amendments():
    body = ("# 12. X\n\nDate: 2019-01-31\n\n## Status\n\nAccepted\n\nSupercedes [5. A](0005-a.md)\n\n"
            "Amended by [9. B](0009-b.md)\n\n## Context\n\nOne decision supercedes another here, in prose.\n")
    found = read_in_place(body)
    assert (found.status.status, found.supersedes, found.superseded_by) == ("accepted", ["0005-a.md"], [])
    found = read_in_place("# 2. Y\n\n## Status\n\nSuperseded by [ADR-0007](0007-z.md)\n")
    assert (found.status.status, found.superseded_by) == ("superseded", ["0007-z.md"])


def test_fenced_examples_are_not_the_records_metadata():
    found = read_in_place("# Real\n\n## Context\n\n```markdown\n# Example\n\n* Status: accepted\n\n## Status\n\n"
                          "Rejected\n```\n")
    assert found.status is None and not found.found


def test_a_file_that_states_no_status_has_none(site):
    project = site({"decisions/0001-plain.md": "# 1. Plain\n\nWe just decided.\n",
                    "decisions/0002-odd.md": "# 2. Odd\n\n## Status\n\nOn hold\n",
                    "decisions/0003-fm.md": "---\nstatus: accepted\n---\n# 3. FM\n\n* Status: rejected\n"})
    code, report = check_json(project)
    schema = [(f["path"], f["severity"]) for f in report["findings"] if f["rule"] == "schema"]
    assert schema == [("decisions/0002-odd.md", "info")]  # said as a notice, never an error, never guessed
    assert code == 0
    graph = run_cli("graph", str(project), "--format", "json")
    statuses = {n["id"]: n["status"] for n in __import__("json").loads(graph.stdout)["nodes"]}
    assert statuses == {"ADR-0001": None, "ADR-0002": None, "ADR-0003": "accepted"}  # front-matter wins


def test_supersede_mismatch_and_cycles_see_body_links(site):
    project = site({
        "decisions/0001-a.md": "# 1. A\n\n## Status\n\nAccepted\n\nSupersedes [2. B](0002-b.md)\n",
        "decisions/0002-b.md": "# 2. B\n\n## Status\n\nAccepted\n\nSupersedes [1. A](0001-a.md)\n",
    })
    _, report = check_json(project)
    assert "cycle" in {f["rule"] for f in report["findings"]}
    cycle = next(f for f in report["findings"] if f["rule"] == "cycle")
    assert cycle["line"] == 7  # the body line that states the link


# --- import ------------------------------------------------------------------------------


@pytest.fixture
def copied(tmp_path):
    """The real corpus copied into one project per source repository."""
    if not CORPUS.is_dir():
        pytest.skip("../shared corpus absent")
    projects = []
    for folder in sorted(f for f in CORPUS.iterdir() if f.is_dir()):
        root = tmp_path / folder.name
        (root / "docs").mkdir(parents=True)
        (root / "docs" / "index.md").write_text("# Home\n")
        shutil.copytree(folder, root / "decisions", ignore=shutil.ignore_patterns("LICENSE*"))
        (root / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - coherence\n")
        projects.append(root)
    return projects


def _graph(project):
    import json

    result = run_cli("graph", str(project), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    return ({n["path"]: (n["status"], n["date"], n["title"]) for n in data["nodes"]},
            {(e["source"], e["target"], e["type"]) for e in data["edges"]})


def test_import_moves_metadata_into_front_matter_and_keeps_every_other_line(copied):
    imported = 0
    for project in copied:
        before = {p.name: p.read_text() for p in (project / "decisions").glob("*.md")}
        nodes, edges = _graph(project)
        dry = run_cli("import", str(project), "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert {p.name: p.read_text() for p in (project / "decisions").glob("*.md")} == before  # wrote nothing
        result = run_cli("import", str(project))
        assert result.returncode == 0, result.stderr
        assert result.stdout.count("imported ") == dry.stdout.count("+++ b/")
        for name, old in before.items():
            new = (project / "decisions" / name).read_text()
            if new == old:
                continue
            imported += 1
            assert new.startswith("---\n")
            # Every line that is not moved metadata is still there, in order.
            new_lines = iter(new.splitlines())
            for line in old.splitlines():
                if not line.strip() or _is_metadata(line):
                    continue
                assert any(candidate == line for candidate in new_lines), (name, line)
        # The same statuses, dates, titles and links, now read from front-matter.
        assert _graph(project) == (nodes, edges), project.name
        again = run_cli("import", str(project))
        assert again.returncode == 0 and again.stdout == ""  # nothing left to move
    assert imported >= 40


def _is_metadata(line: str) -> bool:
    import re

    return bool(re.match(r"^\s*([*-]\s+)?(status|date|deciders)\s*:|^## Status$|^(Accepted|Proposed|Rejected)$|"
                         r"^Super[sc]ede|^\s+[*-]\s", line, re.IGNORECASE))


@pytest.mark.parametrize("body, weighed", [
    ("## Considered Options\n\n* A\n* B\n", True),
    ("We looked at three options:\n\n- a\n- b\n", True),
    ("WE CONSIDERED:\n\n- KEEP IT\n- BUY ONE\n", True),  # any case: the words are found in lower case
    ("Other tools to consider might be Kafka.", True),
    ("INSTEAD OF A QUEUE, WE WILL POLL.", True),
    ("Two strategies were considered.", True),
    ("Wir haben zwei Optionen geprüft. Instead of a queue, we will poll.", True),  # not ASCII: the regexes alone
    ("Two ſtrategies were considered.", True),  # ſ is s to IGNORECASE: no ASCII short-cut may skip it
    ("We will poll the queue every minute. The team agreed.", False),
    ("This section explains the motivation in the words of the team that wrote it.", False),
    ("Wir pollen die Queue jede Minute.", False),
])
def test_the_options_a_record_weighed_are_read_in_any_case(body, weighed):
    from mkdocs_coherence.core.adr_formats import records_options

    assert records_options(body) is weighed
