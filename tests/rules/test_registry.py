"""The registry is the one place a rule is declared: every slug with a runner has its fixture
here (a tree where it fires, one where it stays silent), and the rules reference page is what
the declarations generate."""

from __future__ import annotations

import importlib

from conftest import REPO
from mkdocs_coherence.rules.catalogue import RULES
from mkdocs_coherence.rules.reference import COMMAND, page
from mkdocs_coherence.rules.registry import FAMILIES, SECTIONS, declarations, families


def test_every_rule_with_a_runner_has_its_fixture_in_tests_rules():
    """Adding a rule is one module edit plus its fixture: `Case(slug, fires=..., silent=...)`
    in the `CASES` of tests/rules/test_<family>.py, run by that file."""
    cases = {}
    for family in FAMILIES:
        for case in importlib.import_module(f"test_{family}").CASES:
            cases.setdefault(case.slug, family)
    runners = {d.slug: name for name, family in families() for d in family.declarations if d.runner is not None}
    missing = sorted(set(runners) - set(cases))
    assert missing == [], f"no fires/silent fixture for {missing}: add a Case to tests/rules/test_<family>.py"
    assert {slug: cases[slug] for slug in runners} == runners  # each fixture sits in its family's file
    assert set(cases) <= set(RULES)


def test_slugs_are_declared_once_and_documented():
    slugs = [declaration.slug for declaration in declarations()]
    assert len(slugs) == len(set(slugs)) == len(RULES)
    for declaration in declarations():
        assert declaration.rule.summary and all(declaration.section(title) for title in SECTIONS), declaration.slug
        if declaration.runner is not None:
            assert declaration.runner.__name__ == declaration.slug.replace("-", "_")
        else:
            assert declaration.emitted_by or declaration.planned, declaration.slug


def test_the_rules_reference_page_is_generated_from_the_declarations():
    committed = (REPO / "docs" / "reference" / "rules.md").read_text(encoding="utf-8")
    assert committed == page(), f"docs/reference/rules.md is stale: regenerate it with `{COMMAND}`"
