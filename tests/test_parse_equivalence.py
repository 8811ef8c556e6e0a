"""The loader's fast paths (tag resolution short-cut, direct construction) must give exactly
what MkDocs' own parse gives — `yaml.load(block, CSafeLoader)` — for every input, since the
plugin hands the loader's result to MkDocs as `page.meta`. Hand-picked YAML corners plus
hypothesis-generated data dumped in every style."""

from __future__ import annotations

import math
import os
from datetime import date, datetime, timedelta, timezone

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_coherence.core.loader.headings import _scan_headings_by_line, scan_headings
from mkdocs_coherence.core.loader.reading import read_source

_COMMON = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))
settings.register_profile("parse-ci", derandomize=True, max_examples=300, **_COMMON)
settings.register_profile("parse-long", max_examples=5_000, **_COMMON)
settings.load_profile("parse-long" if os.environ.get("HYPOTHESIS_PROFILE") == "long" else "parse-ci")


def _same(a, b) -> bool:
    """Equality that also holds for NaN and tells 1 from True from 1.0 (types matter to MkDocs users)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, datetime):
        return a == b and a.tzinfo == b.tzinfo
    return a == b


def _loaded(tmp_path, block: str):
    path = tmp_path / "page.md"
    path.write_text(f"---\n{block}---\n# Page\n", encoding="utf-8")
    return read_source(path, "page.md", expect_document=False)


def _mkdocs_meta(block: str):
    return yaml.load(block, Loader=yaml.CSafeLoader)


CORNERS = [
    "title: Plain\nstatus: active\n",
    "a: yes\nb: No\nc: on\nd: OFF\ne: true\nf: False\ng: y\nh: n\n",
    "a: 0x1F\nb: 0o17\nc: 017\nd: 1_000\ne: -12\nf: +3\ng: 1:30:00\nh: 0b101\n",
    "a: 1.5\nb: .inf\nc: -.Inf\nd: .nan\ne: 1e3\nf: 6.8523015e+5\ng: 190:20:30.15\n",
    "a: 2026-11-27\nb: 2026-11-27T10:00:00Z\nc: 2026-11-27 10:00:00.5 +02:00\nd: 2001-12-14t21:59:43.10-05:00\n",
    "a: ~\nb: null\nc: Null\nd:\ne: ''\nf: 'null'\ng: \"123\"\nh: '2026-01-01'\n",
    "text: |\n  line one\n  line two\nfolded: >\n  one\n  two\n",
    "base: &base {x: 1, y: 2}\nother:\n  <<: *base\n  y: 3\n",
    "list: [a, 1, 2.5, true, ~, 2026-01-01]\nnested: {k: [1, {z: q}]}\n",
    "1: int key\n2.5: float key\ntrue: bool key\n2026-01-01: date key\n",
    "dup: first\ndup: second\n",
    "s: !!str 123\ni: !!int '7'\nf: !!float '1'\nb: !!bool 'yes'\n",
    "set: !!set {a, b}\nomap: !!omap [{a: 1}, {b: 2}]\npairs: !!pairs [{a: 1}, {a: 2}]\n",
    "bin: !!binary aGVsbG8=\n",
    "=: value key\n",
    "key with spaces: v\n'quoted key': v\n\"dq\": \"esc\\tape\\u00e9\"\n",
    "anchors: &a [1, 2]\nagain: *a\n",
    "unicode: héllo wörld ✓\nemoji: \"\\U0001F600\"\n",
    "n: -.5\no: +.5\np: .5\nq: 12e3\nr: '-'\ns: -\n",
    "ts: 2026-13-45\n",  # not a real date: an error for both
    "k: !custom tag\n",  # an unknown tag: an error for both
    "<<: {x: 1}\ny: 2\n",  # a merge key without an alias
]


def test_a_list_as_a_key_gets_pyyamls_own_message(tmp_path):
    source = _loaded(tmp_path, "? [a, b]\n: v\n")
    assert not source.has_frontmatter
    assert "unhashable" in source.findings[0].message


@pytest.mark.parametrize("block", CORNERS)
def test_corner_cases_parse_exactly_like_mkdocs(tmp_path, block):
    try:
        expected = _mkdocs_meta(block)
    except (yaml.YAMLError, ValueError):
        expected = None
    source = _loaded(tmp_path, block)
    if not isinstance(expected, dict):
        assert not source.has_frontmatter and source.findings  # MkDocs keeps it as text: so do we
        return
    assert source.has_frontmatter
    if source.mkdocs_meta:
        assert _same(source.meta, expected), (source.meta, expected)
    else:  # a key that is not text was rewritten: the plugin must not hand this to MkDocs
        assert any(not isinstance(key, str) for key in expected)


_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2999, 12, 31),
                 timezones=st.sampled_from([None, timezone.utc, timezone(timedelta(hours=-5, minutes=-30))])),
    st.sampled_from(["yes", "No", "on", "0x1F", "017", "1_000", "1:30", ".inf", "~", "null", "2026-01-01",
                     "-", "=", "<<", "!", "&", "*", "12e3", "+.5", "True", "NULL", ""]),
)
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(min_size=1, max_size=12), inner, max_size=4)), max_leaves=12)


@given(data=st.dictionaries(st.text(min_size=1, max_size=15), _values, min_size=1, max_size=6),
       style=st.sampled_from([False, True, None]))
def test_generated_front_matter_parses_exactly_like_mkdocs(tmp_path_factory, data, style):
    block = yaml.safe_dump(data, default_flow_style=style, allow_unicode=True, sort_keys=False)
    if "\r" in block or "\x85" in block or "\u2028" in block or "\u2029" in block or "---" in block:
        return  # line breaks MkDocs' own front-matter pattern splits differently: covered elsewhere
    expected = _mkdocs_meta(block)
    source = _loaded(tmp_path_factory.mktemp("p"), block)
    assert source.has_frontmatter and source.mkdocs_meta
    assert _same(source.meta, expected), (block, source.meta, expected)


_lines = st.lists(st.one_of(
    st.sampled_from(["# Title", "## Status", "### Deep ###", "#NoSpace", "####### seven", "#\tTab", "  # indented",
                     "```", "~~~", "```python", "text", "", "Accepted", "# Ends with hashes ##", "\x0c# after a form feed"]),
    st.text(alphabet="# `~ab\t\x85", max_size=12)), max_size=25)


@given(lines=_lines)
def test_the_one_pass_heading_scan_matches_the_line_by_line_scan(lines):
    body = "\n".join(lines)
    assert scan_headings(body) == _scan_headings_by_line(body)
