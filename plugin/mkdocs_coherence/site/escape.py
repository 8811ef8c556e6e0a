"""Every escaping of document text, one function per output context.

Front-matter is written by anyone who can open a pull request, so every value that leaves
the program goes through the function of the context it lands in: no title, id or `why`
can open a tag, end a script, add a link, break a diagram or forge a line of output.
`tests/test_escape.py` runs one list of hostile strings through each of them.
"""

from __future__ import annotations

import re
from typing import Any

# --- HTML ------------------------------------------------------------------------------


def html_text(value: Any) -> str:
    """Text inside an HTML element: what `{{ value }}` prints in an autoescaped template
    (markupsafe's escaping), byte for byte, at half its cost on short strings; a value that is
    already HTML (`Markup`) is kept as it is."""
    if type(value) is not str and hasattr(value, "__html__"):
        return value.__html__()
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;") \
        .replace("'", "&#39;")


def html_attribute(value: Any) -> str:
    """A value inside a quoted HTML attribute: both quote characters are escaped too."""
    return html_text(value)


_CODE_SPAN = re.compile(r"`([^`]+)`")


def html_code_spans(value: Any) -> str:
    """Text inside an HTML element, with each pair of backticks shown as a `<code>` span: the
    text is escaped first, so a backtick in it can only pair with another one around escaped
    text, never open markup. An unpaired backtick stays a backtick."""
    return _CODE_SPAN.sub(r"<code>\1</code>", html_text(value))


def script_json(json_text: str) -> str:
    """JSON text safe inside an HTML `<script>` element or a JavaScript file: `<`, `>`, `&`
    and the JavaScript line separators as `\\u` escapes, so no string can close the element."""
    return (json_text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# --- Markdown --------------------------------------------------------------------------

# Characters with a meaning in Markdown, its usual extensions (tables, attr_list, emoji,
# arithmatex, magiclink, critic, …) or HTML: written as numeric character references.
_PAGE_SPECIAL = "&<>\"'\\`*_{}[]()#+!|~^=:$@"
_ANY_PAGE_SPECIAL = re.compile("[" + re.escape(_PAGE_SPECIAL) + "]")
_PAGE_REFERENCES = {c: f"&#{ord(c)};" for c in _PAGE_SPECIAL}


def markdown_text(value: Any) -> str:
    """Text in a generated page of the site (Markdown that MkDocs converts): one line, every
    special as `&#NN;`, so it displays literally. The same text is also valid HTML, so the HTML
    blocks of a page print values through it too."""
    if value is None:
        return ""
    return _ANY_PAGE_SPECIAL.sub(_page_reference, " ".join(str(value).split()))


def _page_reference(match: re.Match) -> str:
    return _PAGE_REFERENCES[match.group()]


_PAGE_CODE_SPAN = re.compile(r"&#96;((?:(?!&#96;).)+?)&#96;")


def markdown_code_spans(value: Any) -> str:
    """`markdown_text`, with each pair of backticks shown as a `<code>` span (inline HTML, so
    valid in a page's Markdown and in its HTML blocks alike): escaped first, so the code holds
    only escaped text."""
    return _PAGE_CODE_SPAN.sub(r"<code>\1</code>", markdown_text(value))


# `&`, `<`, `>` become entities (every Markdown renderer shows them as text, including
# Python-Markdown, which keeps a backslash before `<`); what could open a link, an image, a
# code span or a table cell gets a backslash. Emphasis characters stay as they are: an AI
# tool reads `order_id` better than `order\_id`, and emphasis can hide or forge nothing.
_PLAIN_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_PLAIN_SPECIAL = "\\`[]|#~"  # the backslash first: the others insert one; `#`, `~`: a heading or fence


def plain_markdown(value: Any) -> str:
    """Inline text of plain Markdown read as it is or by any renderer (llms.txt, context
    bundles): one line, HTML escaped, and every character that could start a link, an image,
    a code span or a table cell escaped, so no value can add a tag, a link or a cell."""
    line = " ".join(str(value).split())
    for special, entity in _PLAIN_ENTITIES:
        if special in line:
            line = line.replace(special, entity)
    for special in _PLAIN_SPECIAL:  # a few C-level scans: far cheaper than a regex or translate
        if special in line:
            line = line.replace(special, "\\" + special)
    return line


_URL_UNSAFE = re.compile(r"[^\x21-\x7e]|[<>()\[\]\"'`\\]")  # site URLs are percent-encoded ASCII
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def safe_link_target(url: str | None) -> str | None:
    """`url` when a plain-Markdown link may point at it: http(s), or relative without a
    scheme; None for `javascript:`, `data:` and every other scheme, and for anything that
    could end the link's parentheses or hide in it (spaces, controls, anything not ASCII)."""
    if not url or _URL_UNSAFE.search(url):
        return None
    scheme = _SCHEME.match(url)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        return None
    if ":" in url.split("/", 1)[0] and not scheme:
        return None
    return url


def plain_markdown_link(label: Any, url: str | None) -> str:
    """`[label](url)` in plain Markdown, or just the label when the URL is not safe to link."""
    target = safe_link_target(url)
    return f"[{plain_markdown(label)}]({target})" if target else plain_markdown(label)


def markdown_code(value: Any) -> str:
    """An inline code span (literal in every Markdown) that no backtick in `value` can close."""
    value = " ".join(str(value).split())
    if value and "`" not in value:
        return f"`{value}`"
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or not value else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def markdown_fence(body: str, info: str = "markdown") -> str:
    """`body` as a fenced code block that no fence inside it can close."""
    longest = max((len(run) for run in re.findall(r"`{3,}|~{3,}", body)), default=0) \
        if "```" in body or "~~~" in body else 0
    fence = "`" * max(4, longest + 1)
    return f"{fence}{info}\n{body.rstrip()}\n{fence}"


# --- diagrams --------------------------------------------------------------------------

_MERMAID_SPECIAL = frozenset('"#<>&|[](){}`\\;')


def mermaid_label(value: Any) -> str:
    """Text of a Mermaid label: entity codes for everything that could end the label or
    start markup, and for control characters."""
    out = []
    for char in " ".join(str(value).split()):
        out.append(f"#{ord(char)};" if char in _MERMAID_SPECIAL or ord(char) < 32 or ord(char) == 127 else char)
    return "".join(out)


def dot_string(value: Any) -> str:
    """A DOT quoted string: backslashes and quotes escaped, line breaks as `\\n`, other
    control characters dropped (Graphviz rejects them)."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return '"' + _CONTROL_BUT_NEWLINE.sub("", text) + '"'


_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


# --- CI and terminal -------------------------------------------------------------------


def github_annotation(value: Any, *, in_property: bool = False) -> str:
    """A GitHub Actions workflow command's message (`in_property=False`) or property value
    (`file=`, `title=`), escaped as the runner unescapes them: `%`, CR and LF always, `:` and
    `,` in properties. No value can end the command or start another line."""
    text = str(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if in_property else text


# C0 and C1 controls (ESC, CR, LF, NUL, …), DEL, and the Unicode line and paragraph separators.
_TERMINAL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_COMMAND_AT_START = re.compile(r"^(\s*):(?=:)")


def terminal_text(value: Any, *, line_start: bool = False) -> str:
    """Document text printed on a terminal or a CI log: every control character written as a
    visible escape (`\\n`, `\\x1b`, `\\u2028`), so it can neither move the cursor nor begin a
    new line. `line_start`: the text begins a line, so a leading `::` (what GitHub Actions
    reads as a workflow command, after any whitespace) gets its first colon escaped."""
    text = str(value)
    if _TERMINAL_UNSAFE.search(text):
        text = _TERMINAL_UNSAFE.sub(_visible, text)
    if line_start and "::" in text:
        text = _COMMAND_AT_START.sub(r"\1\\x3a", text)
    return text


def _visible(match: re.Match) -> str:
    char = match.group()
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
