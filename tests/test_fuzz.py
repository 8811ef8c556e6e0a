"""Fuzzing: whatever the input, every reader gives findings or a clean result, never an exception.

CI runs a fixed, derandomized budget (a few seconds). Maintainers run longer, random searches:

    HYPOTHESIS_PROFILE=long pytest tests/test_fuzz.py        # ~20x the examples, fresh seeds

(see docs/reference/reliability.md). A failure prints the smallest input that breaks; add it to
the explicit examples below (or to tests/hostile/) when fixing the bug.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mkdocs_coherence.core import adr_formats, values
from mkdocs_coherence.core.config import parse_settings
from mkdocs_coherence.check import _run_rules
from mkdocs_coherence.core.findings import Finding
from mkdocs_coherence.rules.catalogue import RULES
from mkdocs_coherence.core.fingerprints import fingerprint, material
from mkdocs_coherence.core.graph import build_graph
from mkdocs_coherence.core.globs import glob_regex, literal_prefix
from mkdocs_coherence.edits.importer import convert
from mkdocs_coherence.core.loader.limits import Limits
from mkdocs_coherence.core.loader.reading import read_source
from mkdocs_coherence.core.loader.source import Source
from mkdocs_coherence.core.model import Corpus
from mkdocs_coherence.edits.review import ReviewError, edit_frontmatter
from mkdocs_coherence.rules import Context
from mkdocs_coherence.core.schema import KEYS, PAGE_KEYS, build_document

_COMMON = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))
settings.register_profile("ci", derandomize=True, max_examples=60, **_COMMON)
settings.register_profile("long", max_examples=2_000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

KINDS = ("intent", "contract", "decision")
GATES = {"high": ("rollback", "monitoring", "owners>=2")}
ROOT = Path("/nonexistent-fuzz-root")

# --- value strategies: what YAML can produce, with the shapes our keys expect -----------------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
    st.dates(), st.datetimes(),
    st.sampled_from(["2.1.0", "v1.0.0", ">= 60%", "< 200ms", "90d", "ADR-0001", "../x.md", "x@2", "x@>=2.1,<3",
                     "a.b", "accepted", "superseded by ADR-0002", "high", "../../etc/passwd", "x\x00y/z.md",
                     "<script>alert(1)</script>", "javascript:alert(1)", "*", "**/..", "[", ""]),
)
yaml_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.text(max_size=10), st.sampled_from(["metric", "target",
                                            "value", "baseline", "measured", "rule", "reason", "until"])),
                                            inner, max_size=4)),
    max_leaves=12,
)
key_names = st.one_of(st.sampled_from(sorted(KEYS) + list(PAGE_KEYS)), st.text(max_size=12))
metas = st.dictionaries(key_names, yaml_values, max_size=10)


def _source(meta: dict, name: str = "doc.md", folder: str = "docs/intents", body: str = "# Title\n") -> Source:
    path = ROOT / folder / name
    return Source(path=path, rel=f"{folder}/{name}", meta=meta, has_frontmatter=True, body=body)


def _assert_findings(findings) -> None:
    for finding in findings:
        assert isinstance(finding, Finding) and finding.rule in RULES and isinstance(finding.message, str)


# --- the loader: any bytes ------------------------------------------------------------------

SMALL = Limits(file_bytes=50_000, frontmatter_bytes=5_000, expanded_nodes=500, nesting_depth=8)


@given(st.binary(max_size=2_000), st.booleans())
@example(b"---\na: &a [*a]\n---\n", True)
@example(b"---\n" + b"[" * 5_000 + b"\n---\n", True)
@example(b"\xef\xbb\xbf---\r\nkind: intent\r\n---\r\n", False)
@example(b"---\n? [a, b]\n: c\n---\n", True)
@example(b"---\n!!python/object/apply:os.system [ls]: 1\n---\n", True)
def test_loader_never_raises_on_any_bytes(raw, expect_document):
    for limits in (Limits(), SMALL):
        source = read_source(ROOT / "x.md", "x.md", expect_document=expect_document, raw=raw, limits=limits)
        _assert_findings(source.findings)
        assert isinstance(source.meta, dict) and all(isinstance(k, str) for k in source.meta)
        if not source.readable:
            assert source.findings


yaml_text = st.lists(st.sampled_from([
    "kind: intent", "kind: contract", "status: active", "id: x", "- a", "  - b", "a: &x [1, 2]", "b: *x",
    "c: [*x, *x, *x]", "d: {e: f}", "  g: h", "? k", ": v", "'q': \"w\"", "!!str x: y", "!tag z: 1", "%YAML 1.1",
    "...", "---", "#", "x: |", "  text", "t: 2026-13-45", "u: 1e400", "v: .nan", "w: 0x_1", "<<: *x",
    "uses: [a@2, ../b.md]", "defines: {a.b: [1, 2]}", "title: \"\\0\\x07\"", "   ", "\t", "é: ü",
]), max_size=14).map("\n".join)


@given(yaml_text, st.text(max_size=200))
def test_loader_never_raises_on_yaml_like_front_matter(block, body):
    raw = f"---\n{block}\n---\n{body}".encode("utf-8", "surrogatepass")
    source = read_source(ROOT / "y.md", "y.md", expect_document=True, raw=raw, limits=SMALL)
    _assert_findings(source.findings)


# --- validation: any mapping YAML could produce ---------------------------------------------


@given(metas, st.sampled_from((None, *KINDS)), st.text(max_size=80))
@example({"governs": ["../../etc/passwd"], "uses": ["x\x00/y.md"]}, "intent", "")
@example({"kind": "decision", "status": "superseded by [x](\x00.md)"}, None, "* Status: superseded by y\n")
def test_validation_gives_findings_never_exceptions(meta, folder_kind, body):
    document, findings = build_document(_source(meta, body=body), folder_kind, GATES, RULES)
    _assert_findings(findings)
    if document is not None:
        fingerprint(document)  # the material content of whatever validated is hashable


# --- values: references, ranges, versions, targets, durations, dates ------------------------

anything = st.one_of(yaml_values, st.text(max_size=40))


@given(anything)
@example(">=2.1,<3")
@example("v" + "9" * 5_000)
@example("9" * 5_000 + ".1")
def test_value_parsers_never_raise(value):
    text = value if isinstance(value, str) else str(value)
    for parsed in (values.parse_range(text), values.parse_version(value)):
        assert parsed is None or parsed
    target = values.parse_target(value)
    measure = values.parse_measure(value)
    if target is not None and measure is not None:
        assert target.met_by(measure) in (True, False, None)
    values.parse_duration(value)
    values.parse_date(value)
    values.canonical_fact(value)
    values.show_fact(value)
    if isinstance(value, dict):
        values.flatten_facts(value)


@given(st.text(max_size=40))
def test_governs_globs_always_compile(pattern):
    assert glob_regex(pattern).pattern
    literal_prefix(pattern)


# --- existing ADR formats: any body ----------------------------------------------------------

adr_lines = st.lists(st.one_of(st.text(max_size=40), st.sampled_from([
    "* Status: accepted", "- Date: 2020-09-24", "Date: 12 Dec 2022", "* Deciders: a, b", "## Status", "Superseded",
    "Supercedes [1. X](0001-x.md)", "Superseded by [ADR-0002](<0002 y.md>)", "Amended by ADR-3", "```", "~~~",
    "# 1. Title", "## Links", "* Deciders:", "  * nested", "**Status:** on hold", "Date: 2021-02-30",
])), max_size=16).map("\n".join)


@given(adr_lines)
def test_adr_readers_and_import_never_raise(body):
    found = adr_formats.read_in_place(body)
    assert found.found in (True, False)
    adr_formats.normalise_status(body[:60])
    adr_formats.parse_written_date(body[:40])
    adr_formats.link_targets(body[:80])
    for text in (body, f"---\nstatus: accepted\n---\n{body}", body.replace("\n", "\r\n")):
        new = convert(text, {})
        assert new is None or isinstance(new, str)
    document, findings = build_document(_source({}, "0001-x.md", "decisions", body), "decision", GATES, RULES)
    _assert_findings(findings)


# --- review: edits front-matter surgically or refuses, never crashes -----------------------------


@given(yaml_text, st.booleans(), st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3))
@example("t: 2026-13-45", False, {})
def test_review_edit_either_succeeds_or_refuses(block, crlf, stamps):
    text = f"---\n{block}\n---\n# T\n"
    raw = (text.replace("\n", "\r\n") if crlf else text).encode("utf-8", "surrogatepass")
    try:
        edited = edit_frontmatter(raw, date(2026, 1, 31), stamps or None)
    except ReviewError:
        return
    if crlf:
        assert b"\n" not in edited.replace(b"\r\n", b"")  # CRLF stays CRLF
    source = read_source(ROOT / "r.md", "r.md", expect_document=True, raw=edited)
    assert source.has_frontmatter and values.parse_date(source.meta["reviewed"]) == date(2026, 1, 31)


# --- the whole pipeline: a small random corpus through the graph and every rule -----------------

# Well-typed front-matter with edge values (year 1 and 9999, huge durations, odd ranges): what
# passes validation and reaches the rules. Ids doc0..doc5 and ADR-0001.. refer to one another.
ids = st.sampled_from([f"doc{i}" for i in range(6)] + [f"ADR-{i:04d}" for i in range(1, 7)] + ["nobody"])
refs = st.lists(st.one_of(ids, st.builds(lambda i, r: f"{i}@{r}", ids, st.sampled_from(
    ["1", "2", "2.1", ">=2.1,<3", "0", "999999999999999999", ">=1 <1"]))), max_size=3)
facts = st.dictionaries(st.sampled_from(["a", "a.b", "c.d", "x"]), st.one_of(
    st.sampled_from(["v", "w", 1, True, None]), st.lists(st.sampled_from(["v", "w", 1]), max_size=3)), max_size=3)
durations = st.builds(lambda n, u: f"{n}{u}", st.integers(0, 999_999_999), st.sampled_from("dwmy"))
goals = st.sampled_from(["conversion", "retention", "reliability"])
measures = st.sampled_from(["58%", "240ms", "1.2 s", "500", 0.4, "-3", "0"])
typed = {
    "status": st.sampled_from(["draft", "active", "shipped", "abandoned", "deprecated", "retired", "proposed",
                               "accepted", "rejected", "superseded", "superseded by ADR-0001"]),
    "owners": st.lists(st.sampled_from(["a", "b", "c"]), max_size=3), "depends_on": refs, "uses": refs,
    "changes": refs, "supersedes": refs, "affects": refs, "resolves": refs, "assumes": facts, "defines": facts,
    "reviewed": st.dates(), "review_every": durations, "shipped": st.dates(), "date": st.dates(),
    "goal": goals, "area": st.one_of(st.sampled_from(["x", "y"]), st.lists(st.sampled_from(["x", "y"]), max_size=2)),
    "priorities": st.lists(goals, max_size=3), "decides": st.sampled_from(["q1", "q2"]),
    "version": st.sampled_from(["1.0.0", "2.0.0", "2.1.0", "0.0.0", "999999999999999999.0.0"]),
    "risk": st.sampled_from(["low", "medium", "high"]), "alternatives": st.lists(st.text(max_size=5), max_size=2),
    "success": st.lists(st.fixed_dictionaries({"metric": st.sampled_from(["m", "n"]), "target": st.sampled_from(
        [">= 60%", "< 200ms", "<= 500", 0.99, "== 0"])}), max_size=2),
    "outcomes": st.lists(st.fixed_dictionaries({"metric": st.sampled_from(["m", "n"]), "value": measures},
                                               optional={"measured": st.dates()}), max_size=2),
    "stamps": st.dictionaries(ids, st.sampled_from(["v1:000000000000", "v0:x"]), max_size=2),
    "ignore": st.lists(st.sampled_from(sorted(RULES)), max_size=2),
    "governs": st.lists(st.sampled_from(["src/**", "../../etc/passwd", "/abs", "[", "**"]), max_size=2),
}
typed_metas = st.fixed_dictionaries({}, optional=typed)
corpus_strategy = st.lists(st.tuples(st.sampled_from(KINDS), st.one_of(typed_metas, typed_metas, metas)),
                           min_size=1, max_size=6)


def _settings_for(tmp: Path):
    return parse_settings({}, config_dir=tmp, docs_dir=tmp / "docs", catalogue=RULES)


@given(corpus_strategy)
@example([("intent", {"uses": ["c@2"], "goal": "x", "area": "a", "status": "active"}),
          ("intent", {"uses": ["c@>=1,<3"], "goal": "y", "area": ["a"], "status": "draft"}),
          ("contract", {"id": "c", "version": "2.0.0", "defines": {"a": [1, 2]}}),
          ("decision", {"status": "accepted", "resolves": ["doc0"], "priorities": ["x", "y"], "decides": "q"}),
          ("decision", {"status": "accepted", "decides": "q", "supersedes": ["doc3", "doc4"]})])
def test_every_rule_survives_any_corpus(documents):
    tmp = ROOT
    settings = _settings_for(tmp)
    corpus = Corpus()
    folder = {"intent": "docs/intents", "contract": "docs/contracts", "decision": "decisions"}
    for index, (kind, meta) in enumerate(documents):
        name = f"{index:04d}-doc.md" if kind == "decision" else f"doc{index}.md"
        document, findings = build_document(_source(dict(meta), name, folder[kind]), kind, GATES, RULES)
        corpus.findings += findings
        if document is not None:
            corpus.documents.append(document)
    graph = build_graph(corpus)
    findings, crashed = _run_rules(Context(corpus, graph, settings, date(2026, 1, 31)))
    assert crashed == [], [f.message for f in findings if f.rule in crashed]
    _assert_findings(findings)
    for document in corpus.documents:
        material(document)


def test_profiles_are_bounded_in_ci():
    """CI's budget is fixed and derandomized; the long profile is for maintainers."""
    profile = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
    if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci":
        assert profile.derandomize and profile.max_examples <= 100


@pytest.mark.parametrize("text", ["2026-01-31", datetime(2026, 1, 31, 12), date(2026, 1, 31)])
def test_dates_in_every_shape(text):
    assert values.parse_date(text) == date(2026, 1, 31)


def test_yaml_tags_never_construct_objects(tmp_path):
    """No tag builds a Python object, whatever loader path reads it."""
    marker = tmp_path / "pwned"
    for tag in ("!!python/object/apply:os.system", "!!python/object/new:os.system", "!!python/name:os.system",
                "!!python/module:os", "!!python/object:os.system"):
        raw = f"---\nstatus: {tag} ['touch {marker}']\n---\n".encode()
        source = read_source(tmp_path / "t.md", "t.md", expect_document=True, raw=raw)
        assert [f.rule for f in source.findings] == ["frontmatter-invalid"] and not source.meta
    assert not marker.exists()
    assert yaml is not None
