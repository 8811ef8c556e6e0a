"""Reading files as MkDocs would: every malformed input is a finding with file and line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mkdocs_coherence.core.loader.headings import first_heading
from mkdocs_coherence.core.loader.reading import read_source

BILLION_LAUGHS = """---
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
"""


def read(tmp_path: Path, content: str | bytes, expect_document: bool = True):
    path = tmp_path / "doc.md"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return read_source(path, "doc.md", expect_document=expect_document)


def only_finding(source):
    assert len(source.findings) == 1, source.findings
    finding = source.findings[0]
    assert finding.rule == "frontmatter-invalid" and finding.path == "doc.md"
    return finding


def test_key_lines_are_recorded(tmp_path):
    source = read(tmp_path, "---\nkind: intent\n# a comment\nuses:\n  - a\n  - b\nassumes:\n  x.y: 1\n---\n# T\n")
    assert source.findings == []
    assert source.meta["uses"] == ["a", "b"]
    assert source.positions.of("kind") == 2
    assert source.positions.of("uses") == 4
    assert source.positions.of("uses", 1) == 6
    assert source.positions.of("assumes", "x.y") == 8
    assert source.body == "# T\n"


def test_yaml_syntax_error_points_at_the_line(tmp_path):
    finding = only_finding(read(tmp_path, "---\nkind: intent\nowners: [a, b\nstatus: active\n---\n"))
    assert finding.line in (3, 4)
    assert "YAML error" in finding.message


def test_frontmatter_after_a_blank_line_is_reported_at_its_line(tmp_path):
    finding = only_finding(read(tmp_path, "\n\n---\nkind: intent\n---\n# T\n"))
    assert finding.line == 3
    assert "first line" in finding.message


def test_horizontal_rules_on_plain_pages_are_not_frontmatter(tmp_path):
    source = read(tmp_path, "\nSome text\n\n---\n\nMore text\n\n---\n", expect_document=False)
    assert source.findings == []


def test_frontmatter_that_is_a_list(tmp_path):
    finding = only_finding(read(tmp_path, "---\n- kind\n- intent\n---\n"))
    assert finding.line == 2 and "mapping" in finding.message


def test_python_tags_never_execute(tmp_path):
    marker = tmp_path / "pwned"
    source = read(tmp_path, f"---\nx: !!python/object/apply:os.system ['touch {marker}']\n---\n")
    finding = only_finding(source)
    assert finding.line == 2
    assert not marker.exists()


def test_non_utf8_bytes_are_reported_and_marked_unreadable(tmp_path):
    source = read(tmp_path, b"---\nkind: intent\n---\ncaf\xe9\n")
    finding = only_finding(source)
    assert finding.line == 4 and "UTF-8" in finding.message
    assert source.readable is False


def test_empty_file_in_a_document_folder(tmp_path):
    assert only_finding(read(tmp_path, "")).line == 1
    assert read(tmp_path, "", expect_document=False).findings == []


def test_unclosed_frontmatter(tmp_path):
    finding = only_finding(read(tmp_path, "---\nkind: intent\nstatus: active\n# Title\n"))
    assert "never closed" in finding.message


def test_alias_bomb_is_refused_quickly_with_bounded_memory(tmp_path):
    started = time.perf_counter()
    finding = only_finding(read(tmp_path, BILLION_LAUGHS))
    assert "alias" in finding.message
    assert time.perf_counter() - started < 5


def test_recursive_alias(tmp_path):
    finding = only_finding(read(tmp_path, "---\na: &a [*a]\n---\n"))
    assert "recursive" in finding.message


def test_bom_and_crlf_are_read_like_mkdocs(tmp_path):
    source = read(tmp_path, "\ufeff---\r\nkind: intent\r\nstatus: active\r\n---\r\n# T\r\n".encode())
    assert source.findings == [] and source.meta == {"kind": "intent", "status": "active"}
    assert source.positions.of("status") == 3


def test_a_five_megabyte_document_is_read(tmp_path):
    body = ("Lorem ipsum dolor sit amet. " * 40 + "\n") * 4500
    source = read(tmp_path, "---\nkind: intent\n---\n# Big\n" + body)
    assert source.findings == [] and len(source.body) > 5_000_000


@pytest.mark.parametrize("body, title", [
    ("# First\n## Second\n", "First"),
    ("```\n# not a title\n```\n# Real\n", "Real"),
    ("Intro\n\n# 1. Use Markdown\n", "1. Use Markdown"),
    ("## Only second level\n", None),
])
def test_first_heading(body, title):
    assert first_heading(body) == title
