"""Structure rules: ids, references, loops, and what reading and validating report."""

from __future__ import annotations

import pytest
from harness import Case, check_tree
from conftest import CONTRACT, intent  # the customer contract and an intent that uses it


def findings(report, rule):
    return [f for f in report["findings"] if f["rule"] == rule]


CASES = [
    Case("frontmatter-invalid",
         fires={"docs/intents/a.md": "---\nstatus: [draft\n---\n# A\n"},
         silent={"docs/intents/a.md": "---\nstatus: draft\n---\n# A\n"}),
    Case("schema",
         fires={"docs/intents/a.md": "---\nstatus: someday\n---\n# A\n"},
         silent={"docs/intents/a.md": "---\nstatus: active\n---\n# A\n"}),
    Case("unknown-key",
         fires={"docs/intents/a.md": "---\nstatus: draft\nowner: [web]\n---\n# A\n"},
         silent={"docs/intents/a.md": "---\nstatus: draft\nowners: [web]\n---\n# A\n"}),
    Case("duplicate-id",
         fires={"docs/intents/x.md": "---\nid: same\n---\n", "docs/intents/y.md": "---\nid: same\n---\n"},
         silent={"docs/intents/x.md": "---\nid: one\n---\n", "docs/intents/y.md": "---\nid: other\n---\n"}),
    Case("unresolved-reference",
         fires={"docs/intents/a.md": "---\ndepends_on: [missing]\n---\n"},
         silent={"docs/intents/a.md": "---\ndepends_on: [b]\n---\n", "docs/intents/b.md": "---\nstatus: draft\n---\n"}),
    Case("cycle",
         fires={"docs/intents/a.md": "---\ndepends_on: [b]\n---\n", "docs/intents/b.md": "---\ndepends_on: [a]\n---\n"},
         silent={"docs/intents/a.md": "---\ndepends_on: [b]\n---\n", "docs/intents/b.md": "---\nstatus: draft\n---\n"}),
    Case("confusable-id",  # a Cyrillic с beside a Latin c; silent: two plain, different ids
         fires={"docs/intents/customer.md": "---\nstatus: draft\n---\n",
                "docs/intents/other.md": "---\nid: \u0441ustomer\nstatus: draft\n---\n"},
         silent={"docs/intents/customer.md": "---\nstatus: draft\n---\n",
                 "docs/intents/other.md": "---\nid: customers\nstatus: draft\n---\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_rule_fires_on_its_fixture_and_stays_silent_on_the_other(case, tmp_path):
    case.verify(tmp_path)


def test_unresolved_reference_suggests_the_close_id(site):
    project = site({"docs/contracts/customer-profile.md": CONTRACT.format(status="active"),
                    "docs/intents/a.md": intent("[customer-profle@2, ../contracts/missing.md, customer-profile@>=2,<3]")})
    _, report = check_tree(project)
    messages = {f["message"].split("'")[1]: f["message"] for f in findings(report, "unresolved-reference")}
    assert set(messages) == {"customer-profle@2", "../contracts/missing.md", "<3"}
    assert "did you mean 'customer-profile'?" in messages["customer-profle@2"]
    assert "no document has that path" in messages["../contracts/missing.md"]
    assert "quote the whole reference" in messages["<3"]


def test_range_hint_only_for_what_looks_like_a_split_range(site):
    project = site({"docs/intents/a.md": '---\nstatus: draft\nuses: ["<script>", "<=3"]\n---\n# A\n'})
    _, report = check_tree(project)
    hints = {f["message"].split("'")[1]: "quote the whole reference" in f["message"]
             for f in findings(report, "unresolved-reference")}
    assert hints == {"<script>": False, "<=3": True}


def test_duplicate_ids_including_two_adrs_with_one_number(site):
    project = site({"decisions/0003-a.md": "---\nstatus: accepted\n---\n",
                    "decisions/0003-b.md": "---\nstatus: accepted\n---\n",
                    "docs/intents/x.md": "---\nid: same\n---\n", "docs/intents/y.md": "---\nid: same\n---\n"})
    _, report = check_tree(project)
    assert {(f["path"], f["ids"][0]) for f in findings(report, "duplicate-id")} \
        == {("decisions/0003-b.md", "ADR-0003"), ("docs/intents/y.md", "same")}


def test_supersede_and_depends_on_cycles(site):
    project = site({
        "decisions/0001-a.md": "---\nstatus: superseded\nsupersedes: [ADR-0002]\n---\n",
        "decisions/0002-b.md": "---\nstatus: accepted\nsupersedes: [ADR-0001]\n---\n",
        "docs/intents/a.md": "---\ndepends_on: [b]\n---\n", "docs/intents/b.md": "---\ndepends_on: [c]\n---\n",
        "docs/intents/c.md": "---\ndepends_on: [a]\n---\n", "docs/intents/self.md": "---\ndepends_on: [self]\n---\n",
        "docs/intents/d.md": "---\ndepends_on: [a]\n---\n",
    })
    _, report = check_tree(project)
    cycles = {(f["path"], f["line"], tuple(f["ids"])) for f in findings(report, "cycle")}
    assert cycles == {("decisions/0001-a.md", 3, ("ADR-0001", "ADR-0002")),
                      ("docs/intents/a.md", 2, ("a", "b", "c")), ("docs/intents/self.md", 2, ("self",))}
