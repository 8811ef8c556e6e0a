"""One list of hostile strings through every escaping function (`site/escape.py`), each with
the assertion that fails when its context breaks; then a few end-to-end checks of outputs."""

from __future__ import annotations

import html
import json
import re
import textwrap

import pytest

from conftest import build, run_cli, write_tree
from mkdocs_coherence.site.escape import (dot_string, github_annotation, html_attribute, html_code_spans, html_text,
                                          markdown_code, markdown_code_spans,
                                          markdown_text, mermaid_label, plain_markdown, plain_markdown_link,
                                          safe_link_target, script_json, terminal_text)

HOSTILE = [
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "\"'><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "[click](javascript:alert(1))",
    "<javascript:alert(1)>",
    "x\n::error file=README.md,line=1::INJECTED",
    "x\r::warning::INJECTED",
    "::error::at the start",
    "  ::error::after spaces",
    "\x1b[31mred\x1b[0m\x1b]0;title\x07",
    "`code` ``` ~~~ fence",
    "a | b | c",
    "]] ]]> [[x]]",
    "{{ 7*7 }} {% raw %} ${x}",
    'A["x"] --> B; click A call alert(1) %% comment',
    '"]; evil [label="x',
    "a\\\"b\\",
    "nul\x00byte",
    "zero\u200bwidth\u2028line\u2029para\u0085next",
    "&amp; &lt;b&gt; &#60;",
    "*em* _u_ #h ! ~s~ +p",
    "x" * 20_000 + "<b>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_html_text_and_attribute_never_open_a_tag_or_leave_the_quotes(text):
    for escaped in (html_text(text), html_attribute(text)):
        assert "<" not in escaped and ">" not in escaped and '"' not in escaped and "'" not in escaped
        assert not re.search(r"&(?!(amp|lt|gt|#34|#39);)", escaped)  # every & starts an entity we wrote
        assert html.unescape(escaped) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_html_code_spans_mark_only_backtick_pairs_around_escaped_text(text):
    for value in (text, f"`{text}`", f"add `{text}` or `x`", f"`a` {text} `b"):
        marked = html_code_spans(value)
        without = marked.replace("<code>", "").replace("</code>", "")
        assert "<" not in without and ">" not in without and '"' not in without and "'" not in without
        assert marked.count("<code>") == marked.count("</code>") <= value.count("`") // 2
        assert html.unescape(re.sub(r"</?code>", "`", marked)) == value  # nothing lost, nothing added
    assert html_code_spans("add `supersedes: [ADR-1]` <b>") == "add <code>supersedes: [ADR-1]</code> &lt;b&gt;"


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_code_spans_are_markdown_text_with_code_elements(text):
    for value in (text, f"`{text}`", f"add `{text}` or `x`", f"`a` {text} `b"):
        marked = markdown_code_spans(value)
        without = marked.replace("<code>", "").replace("</code>", "")
        assert without.replace("&#96;", "") == markdown_text(value).replace("&#96;", "")
        assert not re.search(r"[<>\"'`*_\[\]|]", without)  # nothing Markdown or HTML would read
    assert markdown_code_spans("add `supersedes: [x]`") == "add <code>supersedes&#58; &#91;x&#93;</code>"


@pytest.mark.parametrize("text", HOSTILE)
def test_script_json_cannot_close_a_script_and_reads_back_the_same(text):
    embedded = script_json(json.dumps({"title": text}, ensure_ascii=False))
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded
    assert "\u2028" not in embedded and "\u2029" not in embedded
    assert json.loads(embedded) == {"title": text}


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_is_one_line_without_any_markdown_or_html_special(text):
    escaped = markdown_text(text)
    assert "\n" not in escaped and "\r" not in escaped
    assert not re.search(r"[<>\"'`*_\[\]()|{}#!~\\&]", re.sub(r"&#\d+;", "", escaped))  # specials as &#NN;
    assert html.unescape(escaped) == " ".join(text.split())


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_markdown_has_no_html_no_link_and_no_unescaped_special(text):
    escaped = plain_markdown(text)
    assert "\n" not in escaped and "<" not in escaped and ">" not in escaped
    assert not re.search(r"&(?!(amp|lt|gt);)", escaped)
    # Each special that could open a link, image, code span, cell, heading or fence carries its backslash.
    assert not re.search(r"(?<!\\)[\[\]`|#~]", escaped)
    assert not re.search(r"(?<!\\)\]\(", escaped)


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_markdown_links_keep_only_http_or_relative_targets(text):
    assert safe_link_target(text) is None  # every hostile string is refused as a link target
    link = plain_markdown_link("label", text)
    assert link == "label"
    assert plain_markdown_link(text, "context/x.md").endswith("](context/x.md)")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "vbscript:x",
                                 "jav\tascript:x", "x:y/z", "a b", "a)b", "<x>", ""])
def test_unsafe_link_targets_are_dropped(url):
    assert safe_link_target(url) is None


@pytest.mark.parametrize("url", ["context/a.md", "intents/a/", "../x.html#y", "https://example.com/a?b=1", "http://x"])
def test_safe_link_targets_are_kept(url):
    assert safe_link_target(url) == url


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_code_span_cannot_be_closed_from_inside(text):
    span = markdown_code(text)
    fence = re.match(r"`+", span).group()
    inner = span[len(fence):-len(fence)]
    assert span.endswith(fence) and fence not in inner.replace(fence + "`", "")
    assert "\n" not in span


@pytest.mark.parametrize("text", HOSTILE)
def test_mermaid_label_cannot_end_the_label_or_start_markup(text):
    label = mermaid_label(text)
    assert not re.search(r'["<>|\[\](){}`\\;#&\n\r\x00-\x1f]', re.sub(r"#\d+;", "", label))  # as #NN;


@pytest.mark.parametrize("text", HOSTILE)
def test_dot_string_is_one_quoted_string(text):
    quoted = dot_string(text)
    assert quoted.startswith('"') and quoted.endswith('"')
    inner = quoted[1:-1]
    assert not re.search(r'(?<!\\)(\\\\)*"', inner.replace("\\\\", ""))  # no quote ends it early
    assert not re.search(r"[\x00-\x1f]", inner)


@pytest.mark.parametrize("text", HOSTILE)
def test_github_annotation_cannot_end_the_command_or_start_a_line(text):
    data, prop = github_annotation(text), github_annotation(text, in_property=True)
    for escaped in (data, prop):
        assert "\n" not in escaped and "\r" not in escaped
        assert not re.search(r"%(?!25|0D|0A|3A|2C)", escaped)
    assert ":" not in prop and "," not in prop
    # GitHub unescapes %0A, %0D, %3A, %2C and finally %25: what it reads back is the text.
    back = prop.replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
    assert back == text


@pytest.mark.parametrize("text", HOSTILE)
def test_terminal_text_has_no_control_character_and_starts_no_command(text):
    shown = terminal_text(text, line_start=True)
    assert not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029]", shown)
    assert not shown.lstrip().startswith("::")
    assert "::error" not in shown.splitlines()[0][:2]


def test_escaping_of_plain_text_is_the_identity_where_nothing_is_special():
    plain = "Express checkout v2"
    for escape in (html_text, html_attribute, markdown_text, plain_markdown, mermaid_label, github_annotation,
                   terminal_text):
        assert escape(plain) == plain
    assert dot_string(plain) == f'"{plain}"'


# --- end to end ------------------------------------------------------------------------------

FORGED_ID = "x\n::error file=README.md,line=1::INJECTED"
HOSTILE_TITLE = "<script>alert(1)</script> [x](javascript:alert(1)) <javascript:alert(2)>"


def hostile_tree(tmp_path):
    write_tree(tmp_path, {
        "mkdocs.yml": "site_name: Hostile\nplugins:\n  - coherence:\n      fail_on: never\n",
        "docs/index.md": "# Home\n",
        "docs/intents/forged.md": textwrap.dedent(f"""\
            ---
            id: {json.dumps(FORGED_ID)}
            title: {json.dumps(HOSTILE_TITLE)}
            why: {json.dumps("<img src=x onerror=alert(1)> and [y](javascript:alert(3))")}
            status: draft
            uses: [{json.dumps(FORGED_ID.replace("x", "y", 1))}]
            ---
            # Forged
            """),
    })
    return tmp_path


def test_a_forged_id_prints_no_workflow_command_in_text_or_github_output(tmp_path):
    project = hostile_tree(tmp_path)
    for fmt in ("text", "github"):
        result = run_cli("check", str(project), "--format", fmt)
        assert "INJECTED" in result.stdout, fmt  # the finding is there...
        for line in result.stdout.splitlines():  # ...but on no line of its own
            assert not (line.lstrip().startswith("::error") and "INJECTED" in line.split("::", 2)[1]), (fmt, line)
            if fmt == "text":
                assert not line.lstrip().startswith("::"), line


def test_llms_txt_carries_no_html_and_no_javascript_link(tmp_path):
    site_dir = build(hostile_tree(tmp_path))
    llms = (site_dir / "llms.txt").read_text(encoding="utf-8")
    assert "<script>" not in llms and "<img" not in llms and "<javascript:" not in llms
    assert not re.search(r"(?<!\\)\]\((?!context/|graph\.json)", llms)  # only the links we wrote
    assert "INJECTED" in llms and "\n::error" not in llms


def test_plain_markdown_keeps_names_readable():
    """llms.txt and the bundles are read by AI tools as raw text: fact names stay as written."""
    assert plain_markdown("order_id and *total*") == "order_id and *total*"
