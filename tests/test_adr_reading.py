"""What real ADR folders write, read as a reader would (DESIGN §4 v1.1): one small record per
trap, read through the real check. Runs without ../shared."""

from __future__ import annotations

from datetime import date

import pytest

from mkdocs_coherence.check import check
from mkdocs_coherence.core.adr_formats import read_date, read_in_place
from mkdocs_coherence.core.config import ConfigError, parse_settings
from mkdocs_coherence.core.schema import default_id
from mkdocs_coherence.edits.importer import convert
from mkdocs_coherence.rules.catalogue import RULES
from conftest import write_tree


def _check(tmp_path, files: dict[str, str], **options):
    write_tree(tmp_path, {"docs/index.md": "# Home\n", **{f"decisions/{k}": v for k, v in files.items()}})
    report = check(parse_settings(options, config_dir=tmp_path, docs_dir=tmp_path / "docs", catalogue=RULES))
    return {d.path.name: d for d in report.corpus.documents}, report


def _adr(status: str, date_line: str = "Date: 2020-01-02") -> str:
    return f"# 1. A decision\n\n{date_line}\n\n## Status\n\n{status}\n\n## Context\n\nWhy.\n"


@pytest.mark.parametrize("status, expected", [
    ("✅ Accepted", "accepted"),
    ("❌ Rejected", "rejected"),
    ("🤔 Proposed", "proposed"),
    ("**Accepted**", "accepted"),
    ("`Rejected`", "rejected"),
    ("> Accepted", "accepted"),
    ("Pending (may want to change if the added complexity is high)", "proposed"),
    ("RFC", "proposed"),
    ("Approved by @alice and @bob.", "accepted"),
    ("⌛️ Superseded", "superseded"),
])
def test_statuses_behind_decoration_and_common_synonyms(tmp_path, status, expected):
    documents, report = _check(tmp_path, {"0001-a.md": _adr(status)})
    assert documents["0001-a.md"].status == expected
    assert [f for f in report.findings if f.rule == "schema"] == []


def test_a_long_status_line_with_a_link_and_clauses(tmp_path):
    documents, _ = _check(tmp_path, {
        "0012-a.md": _adr("Accepted, Supplemented by [ADR034: a very long title that runs well past eighty "
                          "characters](0034-b.md)"),
        "0034-b.md": _adr("accepted; supersedes ADR-0045").replace("# 1.", "# 34."),
        "0045-c.md": _adr("Accepted").replace("# 1.", "# 45."),
    })
    first, second, third = documents["0012-a.md"], documents["0034-b.md"], documents["0045-c.md"]
    assert (first.status, [(r.key, r.resolved) for r in first.references]) == ("accepted", [("amended_by", "ADR-0034")])
    assert (second.status, [(r.key, r.resolved) for r in second.references]) == ("accepted", [("supersedes", "ADR-0045")])
    assert third.status == "accepted"


def test_prose_relations_in_part_amended_supplemented(tmp_path):
    documents, report = _check(tmp_path, {
        "0003-old.md": _adr("Accepted").replace("# 1.", "# 3."),
        "0007-part.md": _adr("Accepted\n\nThis ADR in part supersedes [0003](0003-old.md).").replace("# 1.", "# 7."),
        "0008-ips.md": "# 8. IP ranges\n\nDate: 2020-01-02\n\nThese IP ranges have been superseded by "
                       "[ADR #0033](0033-new.md).\n\n## Context\n",
        "0033-new.md": _adr("Accepted").replace("# 1.", "# 33."),
        "0040-amended.md": _adr("Accepted\n\nAmended by [41](0041-amend.md)").replace("# 1.", "# 40."),
        "0041-amend.md": _adr("Accepted\n\nThis decision **supersedes [ADR-0045](0045-x.md)**").replace("# 1.", "# 41."),
        "0045-x.md": _adr("Accepted").replace("# 1.", "# 45."),
    })
    part, ips, amended = documents["0007-part.md"], documents["0008-ips.md"], documents["0040-amended.md"]
    assert [(r.key, r.resolved) for r in part.references] == [("amends", "ADR-0003")]
    assert documents["0003-old.md"].status == "accepted"
    # A partial supersession keeps both standing; a full one is said (0045 still says accepted).
    assert [f.ids for f in report.findings if f.rule == "supersede-mismatch"] == [("ADR-0045", "ADR-0041")]
    assert report.graph.effective_status(documents["0003-old.md"]) == "accepted"
    assert (ips.status, [(r.key, r.resolved) for r in ips.references]) == ("superseded", [("superseded_by", "ADR-0033")])
    assert (amended.status, [(r.key, r.resolved) for r in amended.references]) == ("accepted", [("amended_by", "ADR-0041")])
    assert [(r.key, r.resolved) for r in documents["0041-amend.md"].references] == [("supersedes", "ADR-0045")]
    assert report.graph.effective_status(documents["0045-x.md"]) == "superseded"


def test_a_teams_own_words_map_through_statuses(tmp_path):
    files = {"0001-a.md": _adr("Incomplete"), "0002-b.md": _adr("Partly superseded by [1](0001-a.md)")}
    documents, report = _check(tmp_path, files)
    assert documents["0001-a.md"].status is None  # unmapped: a notice each, never a warning
    assert {(f.path.rsplit("/", 1)[-1], f.severity.label) for f in report.findings if f.rule == "schema"} == \
        {("0001-a.md", "info"), ("0002-b.md", "info")}
    assert "statuses: {incomplete: accepted}" in next(f.message for f in report.findings if f.rule == "schema")
    documents, report = _check(tmp_path, files, statuses={"incomplete": "proposed", "Partly superseded": "accepted"})
    assert (documents["0001-a.md"].status, documents["0002-b.md"].status) == ("proposed", "accepted")
    assert [(r.key, r.resolved) for r in documents["0002-b.md"].references] == [("amended_by", "ADR-0001")]
    assert [f for f in report.findings if f.rule == "schema"] == []


@pytest.mark.parametrize("options, message", [
    ({"statuses": {"incomplete": "maybe"}}, "option 'statuses': word 'incomplete' maps to 'maybe'; allowed: 'proposed'"),
    ({"statuses": ["pending"]}, "option 'statuses': must map a status word to one of 'proposed'"),
    ({"date_order": "ymd"}, "option 'date_order': 'ymd' is not allowed; allowed: 'auto', 'dmy', 'mdy'"),
])
def test_the_new_options_are_validated(tmp_path, options, message):
    with pytest.raises(ConfigError) as error:
        parse_settings(options, config_dir=tmp_path, docs_dir=tmp_path, catalogue=RULES)
    assert message in str(error.value)


@pytest.mark.parametrize("text, order, expected", [
    ("05/02/2018", "dmy", date(2018, 2, 5)),
    ("05/02/2018", "mdy", date(2018, 5, 2)),
    ("10/04/18", "dmy", date(2018, 4, 10)),
    ("27/06/23", "auto", date(2023, 6, 27)),
    ("`04/07/2023`", "dmy", date(2023, 7, 4)),
    ("June 19, 2018", "auto", date(2018, 6, 19)),
    ("7 April 2020", "auto", date(2020, 4, 7)),
    ("8th June 2023", "auto", date(2023, 6, 8)),
    ("10 Oct 2022", "auto", date(2022, 10, 10)),
    ("2024-10-31 :ghost:", "auto", date(2024, 10, 31)),
    ("05/02/2018", "auto", None),
    ("27/06/23", "mdy", None),
])
def test_day_first_two_digit_year_and_month_name_dates(text, order, expected):
    assert read_date(text, order).value == expected


def test_date_lines_as_real_records_write_them():
    assert read_in_place("# 1. A\n\nDate 09/04/2018\n", reading=_reading("dmy")).date == date(2018, 4, 9)
    assert read_in_place("# 1. A\n\nJune 19, 2018\n\n## Context\n").date == date(2018, 6, 19)
    assert read_in_place("# 1. A\n\nCreated: July 25, 2018\nUpdated: September 11, 2018\n").date == date(2018, 7, 25)
    table = "# ADR-001: A\n\n>| | |\n>| --- | --- |\n>| Date | `04/07/2023` |\n>| Status | `RFC` |\n"
    found = read_in_place(table, reading=_reading("dmy"))
    assert (found.date, found.status.status, found.lines) == (date(2023, 7, 4), "proposed", {"date": 5, "status": 6})


def _reading(order: str):
    from mkdocs_coherence.core.adr_formats import Reading

    return Reading({}, order)


def test_date_order_auto_decides_from_the_folder(tmp_path):
    documents, report = _check(tmp_path, {"0001-a.md": _adr("Accepted", "Date: 05/02/2018"),
                                          "0002-b.md": _adr("Accepted", "Date: 27/06/2018")})
    assert documents["0001-a.md"].values["date"] == date(2018, 2, 5)  # 27/06 says the folder writes day first
    assert not [f for f in report.findings if f.rule == "schema"]


def test_a_date_that_cannot_be_read_is_a_finding_with_what_to_do(tmp_path):
    documents, report = _check(tmp_path, {"0001-a.md": _adr("Accepted", "Date: 05/02/2018"),
                                          "0002-b.md": _adr("Accepted", "Date: last Tuesday")})
    said = sorted((f.path.rsplit("/", 1)[-1], f.line, f.severity.label, f.message) for f in report.findings
                  if f.rule == "schema")
    assert [(name, line, severity) for name, line, severity, _ in said] == [("0001-a.md", 3, "warning"),
                                                                            ("0002-b.md", 3, "warning")]
    assert "set date_order: dmy or mdy" in said[0][3] and "write it as YYYY-MM-DD" in said[1][3]
    assert "date" not in documents["0001-a.md"].values
    documents, report = _check(tmp_path, {}, date_order="mdy")
    assert documents["0001-a.md"].values["date"] == date(2018, 5, 2)


def test_adr001_names_are_numbered_and_folder_files_that_are_no_decisions_are_skipped(tmp_path):
    assert default_id(tmp_path / "ADR001-support-model.md", "decision") == "ADR-0001"
    assert default_id(tmp_path / "ADR-002_Scan_for_secrets.md", "decision") == "ADR-0002"
    documents, report = _check(tmp_path, {
        "ADR001-support-model.md": "# ADR001: Support model\n\nDate: 2024-01-02\n\n## Status\n\nAccepted\n",
        "README.md": "# Decisions\n\n* ✅ [ADR001](ADR001-support-model.md)\n",
        "index.md": "# Index\n\nDate: 2024-01-02\n\n## Status\n\nAccepted\n",
        "template.md": "# ADR000: Title\n\n## Status\n\nAccepted | Pending | Superseded by …\n",
        "ADR-nnn_Any_Decision_Record_Template.md": "# ADR-nnn: Template\n",
    })
    assert set(documents) == {"ADR001-support-model.md"}
    assert documents["ADR001-support-model.md"].id == "ADR-0001"
    assert report.findings == [] or all(f.path.endswith("ADR001-support-model.md") for f in report.findings)


def test_import_writes_the_normalised_status_and_keeps_what_it_cannot_map():
    new = convert("# 1. A\n\nDate: 2020-01-02\n\n## Status\n\n✅ Accepted\n\nAmended by [2](0002-b.md)\n\n## Context\n", {})
    assert new.startswith("---\nstatus: accepted\ndate: 2020-01-02\n---\n")
    assert "Amended by [2](0002-b.md)" in new and "✅ Accepted" in new  # the section stays whole
    new = convert("# 1. A\n\n## Status\n\nAccepted, supplemented by [ADR-12](0012-x.md)\n", {})
    assert new.startswith("---\nstatus: accepted\n---\n") and "Accepted, supplemented by [ADR-12](0012-x.md)" in new
    new = convert("# 1. A\n\nDate: 2020-01-02\n\n## Status\n\nOngoing\n", {})
    assert "status:" not in new and "Ongoing" in new  # never `status: Ongoing`, which nothing reads
    assert convert("# 1. A\n\n## Status\n\n✅ Accepted\n", {}) == "---\nstatus: accepted\n---\n# 1. A\n"


def test_statuses_and_date_order_are_plugin_options_too(site):
    """The build reads the same options as the CLI: a team word and a day-first date."""
    from conftest import build

    record = "# 1. Use Postgres\n\nDate: 05/02/2018\n\n## Status\n\nIncomplete\n\n## Context\n\nWe need a store.\n"
    project = site({"decisions/0001-use-postgres.md": record},
                   options="statuses: {incomplete: proposed}\ndate_order: dmy\n")
    site_dir = build(project, strict=True)
    page = (site_dir / "decisions" / "0001-use-postgres" / "index.html").read_text(encoding="utf-8")
    assert 'data-coherence-kind="decision"' in page and "proposed" in page and "2018-02-05" in page
