"""The decision log and the contract catalogue, on real builds."""

from __future__ import annotations

import html as html_lib
import json
import re

from conftest import build

CONTRACT = """\
---
version: "2.1.0"
status: active
owners: [identity]
defines:
  customer.status: [active, suspended, closed]
  customer.email: string
---
# Customer profile
"""


def consumer(uses: str, assumes: str = "") -> str:
    return (f"---\nstatus: active\nowners: [web]\nuses: [{uses}]\n{assumes}"
            "success: [{metric: conversion, target: '>= 3%'}]\n---\n# Consumer\n")


def rows(page: str) -> dict[str, tuple[str, str]]:
    """consumer path -> (row state class, the row's HTML) of the catalogue's consumer table."""
    found = {}
    for state, row in re.findall(r'<tr class="coherence-reliance--(\w+)">(.*?)</tr>', page, re.S):
        href = re.search(r'href="\.\./\.\./intents/([^/"]+)/"', row)
        found[href.group(1)] = (state, row)
    return found


def test_contract_catalogue_shows_each_consumers_assumptions(site):
    project = site({
        "docs/contracts/customer-profile.md": CONTRACT,
        "docs/intents/agrees.md": consumer("customer-profile@2", "assumes:\n  customer.email: string\n"),
        "docs/intents/contradicts.md": consumer("customer-profile@2",
                                                "assumes:\n  customer.status: [active, suspended]\n"),
        "docs/intents/old-pin.md": consumer("customer-profile@1"),
        "docs/intents/gone.md": consumer("customer-profile@2", "assumes:\n  customer.legacy_id: int\n"),
        "docs/intents/plain.md": consumer("customer-profile@2"),
    }, options="fail_on: never")
    page = (build(project) / "coherence/contracts/index.html").read_text()
    found = rows(page)
    assert set(found) == {"agrees", "contradicts", "old-pin", "gone", "plain"}
    state, row = found["agrees"]
    assert state == "holds" and "coherence-assumption--holds" in row and "coherence-pin--ok" in row
    assert "customer.email" in row
    # The pin matches, but the assumption does not hold: no green "matches" on that row.
    state, row = found["contradicts"]
    assert state == "broken" and "assumption violated" in row
    assert "coherence-assumption--violated" in row and "coherence-pin--ok" not in row
    assert ">matches<" in row  # the pin itself is still said to match, in neutral text
    state, row = found["old-pin"]
    assert state == "broken" and "version mismatch" in row and "coherence-pin--broken" in row
    state, row = found["gone"]
    assert state == "undefined" and "customer.legacy&#95;id" in row and "coherence-assumption--undefined" in row
    assert "coherence-pin--ok" not in row
    state, row = found["plain"]  # the silent case: nothing assumed, pin matches
    assert state == "holds" and "coherence-pin--ok" in row and "coherence-assumption" not in row


DECISION = "---\nstatus: {status}\ndate: {date}\ndecides: datastore\ndeciders: [{deciders}]\n{extra}" \
           "alternatives: [x]\n---\n# {number}. {title}\n"


def test_decision_log_has_filters_chains_and_a_timeline(site):
    hostile = '"><img src=x onerror=alert(1)>'
    project = site({
        "decisions/0001-postgres.md": DECISION.format(status="superseded", date="2023-01-05", deciders="alice",
                                                      extra="", number=1, title="Postgres"),
        "decisions/0002-mysql.md": DECISION.format(status="superseded", date="2024-03-01", deciders="bob",
                                                   extra="supersedes: [ADR-0001]\n", number=2, title="MySQL"),
        "decisions/0003-sqlite.md": DECISION.format(status="accepted", date="2024-07-09",
                                                    deciders=json.dumps(hostile),
                                                    extra="supersedes: [ADR-0002]\n", number=3, title="SQLite"),
        "decisions/0004-no-date.md": "---\nstatus: proposed\ndecides: queue\nowners: [carol]\n---\n# 4. Queue\n",
    }, options="fail_on: never")
    page = (build(project) / "coherence/decisions/index.html").read_text()
    # The filters, hidden until the script shows them, list every status, person and question.
    form = page[page.index('<form class="coherence-log-filters" hidden'):page.index("</form>")]
    assert re.findall(r'data-filter="status">(.*?)</select>', form)[0].count("<option") == 4  # any + 3
    for value in ("superseded", "accepted", "proposed", "alice", "bob", "carol", "datastore", "queue"):
        assert f'<option value="{value}">' in form
    assert "<img src=x" not in page  # the hostile decider stays text
    items = re.findall(r'<tr class="coherence-log-item" data-status="([^"]*)" data-decides="([^"]*)" '
                       r'data-people="([^"]*)">', page)
    assert [(s, d) for s, d, _ in items] == [("superseded", "datastore"), ("superseded", "datastore"),
                                             ("accepted", "datastore"), ("proposed", "queue")]
    assert json.loads(html_lib.unescape(items[2][2])) == [hostile]  # what the script reads back
    assert 'src="../../assets/coherence/decision-log.js"' in page
    # One chain, oldest first.
    chains = re.findall(r'<ol class="coherence-chains">(.*?)</ol>', page, re.S)[0]
    steps = re.findall(r'decisions/(\d{4})-', chains)
    assert steps == ["0001", "0002", "0003"] and chains.count("superseded by") == 2
    # The timeline: newest year first, each year newest first, the undated last.
    timeline = page[page.index('<div class="coherence-timeline">'):]
    assert re.findall(r"<h3>(\w+)</h3>", timeline) == ["2024", "2023", "undated"]
    assert re.findall(r"<time>([^<]*)</time>", timeline) == ["2024-07-09", "2024-03-01", "2023-01-05", "—"]


def test_decision_log_without_supersession_says_so(site):
    project = site({"decisions/0001-one.md": DECISION.format(status="accepted", date="2024-01-01", deciders="a",
                                                             extra="", number=1, title="One")},
                   options="fail_on: never")
    page = (build(project) / "coherence/decisions/index.html").read_text()
    assert "No decision supersedes another yet." in page
    assert 'class="coherence-chains"' not in page
