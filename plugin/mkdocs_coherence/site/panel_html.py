"""The default panel, written in Python: byte for byte what `templates/coherence/panel.html`
renders (a test compares the two on every kind of panel), at a fraction of a template's cost,
since a site draws one panel per document. A theme that overrides the template gets its
template; this module is only the fast path for the packaged one."""

from __future__ import annotations

from mkdocs_coherence.site.escape import html_attribute, html_code_spans, html_text


def _link(link) -> str:
    title = f'<a href="{html_attribute(link.url)}">{html_text(link.title)}</a>' if link.url else html_text(link.title)
    detail = f" <code>{html_text(link.detail)}</code>" if link.detail else ""
    return f'<span class="coherence-link"><em>{html_text(link.type)}</em> {title}{detail}</span>'


def default_panel(context: dict) -> str:
    """The packaged panel for `context` (see `render.panel_context`)."""
    document, status = context["document"], context["status"]
    shown = html_attribute(status or "none")  # in attributes and as text: the same escaping
    kind = html_attribute(document.kind)
    out = [f'<div class="coherence-panel" data-coherence-id="{html_attribute(document.id)}" data-coherence-kind="{kind}" '
           f'data-coherence-status="{shown}">\n<p class="coherence-badges">\n'
           f'<span class="coherence-badge coherence-kind coherence-kind--{kind}">{kind}</span>\n'
           f'<span class="coherence-badge coherence-status coherence-status--{shown}"']
    if status != document.status:
        out.append(f' title="the file says: {html_attribute(document.status or "no status")}"')
    out.append(f'>{html_text(status or "no status")}</span>\n<code class="coherence-id">{html_text(document.id)}</code>\n')
    for name, value in context["facts"]:
        out.append(f'<span class="coherence-fact coherence-fact--{html_attribute(name)}"><strong>{html_text(name)}</strong> '
                   f'{html_text(value)}</span>\n')
    out.append("</p>\n")
    if context["owners"]:
        out.append(f'<p class="coherence-owners"><strong>Owners:</strong> '
                   f'{html_text(", ".join(str(o) for o in context["owners"]))}</p>\n')
    if context["tags"]:
        tags = " ".join(f'<span class="coherence-tag">{html_text(tag)}</span>' for tag in context["tags"])
        out.append(f'<p class="coherence-tags"><strong>Tags:</strong> {tags}</p>\n')
    source = context.get("source")
    if source:
        shown = f'<code>{html_text(source["shown"])}</code>'
        if source["url"]:
            shown = f'<a href="{html_attribute(source["url"])}">{shown}</a>'
        out.append(f'<div class="coherence-source">\n<p><strong>Facts from the code:</strong> {shown}'
                   f'{"" if source["readable"] else " — cannot be read (see below)"}</p>\n')
        if source["rows"]:
            out.append('<table>\n<thead><tr><th>fact</th><th>value</th><th>required</th>'
                       "</tr></thead>\n<tbody>\n")
            out.extend(f"<tr><td><code>{html_text(fact)}</code></td><td>{html_text(value)}</td><td>{html_text(required)}"
                       "</td></tr>\n" for fact, value, required in source["rows"])
            out.append("</tbody>\n</table>\n")
        if source["more"]:
            out.append(f'<p>… and {html_text(source["more"])} more (graph.json lists them all)</p>\n')
        out.append("</div>\n")
    outgoing, unresolved = context["outgoing"], context["unresolved"]
    if outgoing or unresolved:
        items = [_link(link) for link in outgoing]
        items += [f'<span class="coherence-link coherence-link--unresolved"><em>unresolved</em> <code>{html_text(raw)}</code>'
                  "</span>" for raw in unresolved]
        out.append(f'<p class="coherence-links coherence-outgoing" data-search-exclude><strong>References:</strong>\n'
                   f'{"; ".join(items)}</p>\n')
    if context["incoming"]:
        items = "; ".join(_link(link) for link in context["incoming"])
        out.append(f'<p class="coherence-links coherence-incoming" data-search-exclude><strong>Referenced by:</strong>\n'
                   f'{items}</p>\n')
    if context["local_graph"]:
        out.append(f'<figure class="coherence-local-graph" data-graph="{html_attribute(context["local_graph_data"])}" '
                   'data-search-exclude hidden></figure>\n')
    own = document.rel
    for level, category, finding, advice in context["categorised"]:
        where = (f" ({'' if finding.path == own else html_text(finding.path) + ', '}line {html_text(finding.line)})"
                 if finding.line else "")
        out.append(f'<div class="admonition {html_attribute(level)} coherence-finding" data-rule="{html_attribute(finding.rule)}" '
                   f'data-category="{html_attribute(category)}">\n<p class="admonition-title">{html_text(category)}: {html_text(finding.rule)}'
                   f"{where}</p>\n<p>{html_code_spans(finding.message)}</p>\n")
        if advice:
            out.append(f'<p class="coherence-advice" data-search-exclude><strong>What to do:</strong> {html_text(advice)}</p>\n')
        out.append("</div>\n")
    if context["categorised"]:
        out.append('<p class="coherence-waive" data-search-exclude>To accept a finding knowingly, waive it with '
                   "<code>ignore:</code> and a reason.</p>\n")
    for finding in context["resolved"]:
        out.append(f'<div class="admonition success coherence-finding coherence-finding--resolved" '
                   f'data-rule="{html_attribute(finding.rule)}" data-category="resolved">\n<p class="admonition-title">'
                   f'resolved: {html_text(finding.rule)} — settled by {html_text(", ".join(str(i) for i in finding.resolved_by))}'
                   f"</p>\n<p>{html_code_spans(finding.message)}</p>\n</div>\n")
    for finding in context["waived"]:
        waiver = finding.waiver
        until = f" (until {html_text(waiver.until.isoformat())})" if waiver.until else ""
        reason = f" — <em>waived because: {html_text(waiver.reason)}</em>" if waiver.reason else ""
        out.append(f'<div class="admonition quote coherence-finding coherence-finding--waived" '
                   f'data-rule="{html_attribute(finding.rule)}" data-category="waived">\n<p class="admonition-title">'
                   f"waived: {html_text(finding.rule)}{until}</p>\n<p>{html_code_spans(finding.message)}{reason}</p>\n</div>\n")
    if context["context_url"]:
        out.append(f'<p class="coherence-context" data-search-exclude><a href="{html_attribute(context["context_url"])}" '
                   'type="text/markdown">Context bundle</a>: this document and what it relies on, in one Markdown file '
                   "for people and AI tools.</p>\n")
    out.append("</div>")
    return "".join(out)
