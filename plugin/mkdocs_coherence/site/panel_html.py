"""The default panel, written in Python: byte for byte what `templates/coherence/panel.html`
renders (a test compares the two on every kind of panel), at a fraction of a template's cost,
since a site draws one panel per document. A theme that overrides the template gets its
template; this module is only the fast path for the packaged one."""

from __future__ import annotations

from mkdocs_coherence.site.local_graph import escape_html as _e


def _link(link) -> str:
    title = f'<a href="{_e(link.url)}">{_e(link.title)}</a>' if link.url else _e(link.title)
    detail = f" <code>{_e(link.detail)}</code>" if link.detail else ""
    return f'<span class="coherence-link"><em>{_e(link.type)}</em> {title}{detail}</span>'


def default_panel(context: dict) -> str:
    """The packaged panel for `context` (see `render.panel_context`)."""
    document, status = context["document"], context["status"]
    shown = _e(status or "none")
    kind = _e(document.kind)
    out = [f'<div class="coherence-panel" data-coherence-id="{_e(document.id)}" data-coherence-kind="{kind}" '
           f'data-coherence-status="{shown}">\n<p class="coherence-badges">\n'
           f'<span class="coherence-badge coherence-kind coherence-kind--{kind}">{kind}</span>\n'
           f'<span class="coherence-badge coherence-status coherence-status--{shown}"']
    if status != document.status:
        out.append(f' title="the file says: {_e(document.status or "no status")}"')
    out.append(f'>{_e(status or "no status")}</span>\n<code class="coherence-id">{_e(document.id)}</code>\n')
    for name, value in context["facts"]:
        out.append(f'<span class="coherence-fact coherence-fact--{_e(name)}"><strong>{_e(name)}</strong> '
                   f'{_e(value)}</span>\n')
    out.append("</p>\n")
    if context["owners"]:
        out.append(f'<p class="coherence-owners"><strong>Owners:</strong> '
                   f'{_e(", ".join(str(o) for o in context["owners"]))}</p>\n')
    if context["tags"]:
        tags = " ".join(f'<span class="coherence-tag">{_e(tag)}</span>' for tag in context["tags"])
        out.append(f'<p class="coherence-tags"><strong>Tags:</strong> {tags}</p>\n')
    outgoing, unresolved = context["outgoing"], context["unresolved"]
    if outgoing or unresolved:
        items = [_link(link) for link in outgoing]
        items += [f'<span class="coherence-link coherence-link--unresolved"><em>unresolved</em> <code>{_e(raw)}</code>'
                  "</span>" for raw in unresolved]
        out.append(f'<p class="coherence-links coherence-outgoing"><strong>References:</strong>\n{"; ".join(items)}</p>\n')
    if context["incoming"]:
        items = "; ".join(_link(link) for link in context["incoming"])
        out.append(f'<p class="coherence-links coherence-incoming"><strong>Referenced by:</strong>\n{items}</p>\n')
    if context["local_graph"]:
        out.append(f'{_e(context["local_graph_svg"])}\n')
    for level, category, finding, advice in context["categorised"]:
        where = f" ({_e(finding.path)}, line {_e(finding.line)})" if finding.line else ""
        out.append(f'<div class="admonition {_e(level)} coherence-finding" data-rule="{_e(finding.rule)}" '
                   f'data-category="{_e(category)}">\n<p class="admonition-title">{_e(category)}: {_e(finding.rule)}'
                   f"{where}</p>\n<p>{_e(finding.message)}</p>\n")
        if advice:
            out.append(f'<p class="coherence-advice"><strong>What to do:</strong> {_e(advice)} To accept it '
                       "knowingly, waive it with <code>ignore:</code> and a reason.</p>\n")
        out.append("</div>\n")
    for finding in context["resolved"]:
        out.append(f'<div class="admonition success coherence-finding coherence-finding--resolved" '
                   f'data-rule="{_e(finding.rule)}" data-category="resolved">\n<p class="admonition-title">'
                   f'resolved: {_e(finding.rule)} — settled by {_e(", ".join(str(i) for i in finding.resolved_by))}'
                   f"</p>\n<p>{_e(finding.message)}</p>\n</div>\n")
    for finding in context["waived"]:
        waiver = finding.waiver
        until = f" (until {_e(waiver.until.isoformat())})" if waiver.until else ""
        reason = f" — <em>waived because: {_e(waiver.reason)}</em>" if waiver.reason else ""
        out.append(f'<div class="admonition quote coherence-finding coherence-finding--waived" '
                   f'data-rule="{_e(finding.rule)}" data-category="waived">\n<p class="admonition-title">'
                   f"waived: {_e(finding.rule)}{until}</p>\n<p>{_e(finding.message)}{reason}</p>\n</div>\n")
    if context["context_url"]:
        out.append(f'<p class="coherence-context"><a href="{_e(context["context_url"])}" type="text/markdown">'
                   "Context bundle</a> — this document, its contracts, the decisions that affect them and its "
                   "findings, as one Markdown file for people and AI tools.</p>\n")
    out.append("</div>")
    return "".join(out)
