"""The intent board and the contract catalogue written in Python: byte for byte the Markdown
and HTML blocks their packaged templates (`coherence/pages/intents.md`, `contracts.md`) give,
at a fraction of Jinja's cost per row (a 10,000-document site has 8,000 board rows and up to
fifty consumer rows per contract). The templates stay the documented ones to copy and
override: a theme with its own `intents.md`, `contracts.md` or `_macros.md` gets its templates
(`pages.render_pages` decides). `tests/test_page_tables.py` renders both ways on crafted,
hostile and generated trees.

Every value from front-matter goes through `escape.markdown_text`, as the templates' finalize
does; links and badges come ready-made (Markup) from `render_pages`.
"""

from __future__ import annotations

from typing import Callable

import jinja2
from jinja2.filters import do_dictsort, do_sort, do_unique

from mkdocs_coherence.site.escape import markdown_text as md
from mkdocs_coherence.site.model import SiteModel

STATUSES = ["draft", "active", "shipped", "abandoned", "(none)"]  # the board's groups, in order
LISTED = ["draft", "active", "shipped", "abandoned", None]  # statuses the template does not group again
CONSUMERS_SHOWN = 50  # as contracts.md: a hub with thousands of consumers keeps the page small

BOARD_HEAD = ("<table>\n<thead>\n<tr>\n<th>intent</th>\n<th>goal</th>\n<th>risk</th>\n<th>owners</th>\n"
              "<th>uses / changes</th>\n<th>outcome</th>\n</tr>\n</thead>\n<tbody>\n")
CONSUMERS_HEAD = ('<div class="coherence-scroll">\n<table>\n<thead>\n<tr>\n<th>consumer</th>\n<th>status</th>\n'
                  "<th>how</th>\n<th>pins</th>\n<th>assumes</th>\n<th>reliance</th>\n</tr>\n</thead>\n<tbody>\n")
FACTS_HEAD = ('<div class="coherence-scroll">\n<table>\n<thead>\n<tr>\n<th>fact</th>\n<th>value</th>\n</tr>\n'
              "</thead>\n<tbody>\n")


def _or_dash(value) -> str:
    return md(value or "—")


def intent_board(env: jinja2.Environment, m: SiteModel, link: Callable, html: Callable) -> str:
    """What `coherence/pages/intents.md` renders."""
    out = ["# Intent board\n\nWhat is being built, by status: the goal each optimises for, its risk, who owns it, and\n"
           "whether its success criteria were met.\n\n"]
    intents = m.of_kind("intent")
    if not intents:
        out.append('No intents yet. Start one with `coherence new intent "Title"`.\n')
    others = [d.status for d in intents if d.status not in LISTED]
    # Jinja's `unique` and `sort` (case-insensitive), as the template applies them.
    groups: dict = {}
    for document in intents:
        groups.setdefault(document.status, []).append(document)
    for status in STATUSES + list(do_sort(env, list(do_unique(env, others)))):
        group = groups.get(None if status == "(none)" else status)
        if not group:
            continue
        out.append(f"\n## {md(status)} ({md(len(group))})\n\n")
        rows = [BOARD_HEAD]
        for d in group:
            rows.append(_board_row(m, d, link))
        rows.append("</tbody>\n</table>\n")
        block = "".join(rows)
        out.append(str(html(lambda block=block: block)))
    return "".join(out)


def _board_row(m: SiteModel, d, link: Callable) -> str:
    state = m.intent_state(d)
    values = d.values
    edges = [e for e in m.out_edges[d.id] if e.type in ("uses", "changes")]
    how = ", ".join(f"{md(e.type)} {link(e.target, e.target)}" + (f" @{md(e.range.text)}" if e.range else "")
                    for e in edges) or "—"
    crit = m.outcomes[d.id].criteria
    met = ""
    if crit and d.status == "shipped":
        met = f" ({md(len([c for c in crit if c.state == 'met']))}/{md(len(crit))} met)"
    return (f"<tr>\n<td>{link(d.id)}</td>\n<td>{_or_dash(values.get('goal'))}</td>\n"
            f"<td>{_or_dash(values.get('risk'))}</td>\n<td>{_or_dash(', '.join(map(str, d.owners)))}</td>\n"
            f"<td>{how}</td>\n<td><span class=\"coherence-outcome coherence-outcome--{md(state.replace(' ', '-'))}\">"
            f"{md(state)}</span>{met}</td>\n</tr>\n")


def contract_catalogue(env: jinja2.Environment, m: SiteModel, link: Callable, status_badge: Callable,
                       html: Callable) -> str:
    """What `coherence/pages/contracts.md` renders."""
    out = ["# Contract catalogue\n\nEvery contract: its version and status, who owns it, who relies on it, on which "
           "version\nrange and with which assumptions about its facts (each one holds, is violated, or names a fact\n"
           "the contract no longer defines), and the facts it defines.\n\n"]
    contracts = m.catalogue()
    if not contracts:
        out.append('No contracts yet. Start one with `coherence new contract "Title"`.\n')
    for c in contracts:
        out.append(f"\n## {md(c.title)}\n\n")
        block = _contract_block(env, m, c, link, status_badge)
        out.append(str(html(lambda block=block: block)))
    return "".join(out)


def _contract_block(env: jinja2.Environment, m: SiteModel, c, link: Callable, status_badge: Callable) -> str:
    values = c.values
    version = values.get("version")
    external = (f' · <span class="coherence-external">external: project {md(c.external.project)}</span>'
                if c.external else "")
    kind = f" · {md(values.get('type'))}" if values.get("type") else ""
    out = [f"<p>{link(c.id, c.id)}{external} · {status_badge(c)} · version <strong>{md(version or 'none')}</strong>"
           f"{kind} · owners: {md(', '.join(map(str, c.owners)) or 'none')}</p>\n"]
    consumers = m.consumer_rows(c, CONSUMERS_SHOWN)  # a hub's thousands of others are counted, not made
    if consumers:
        out.append(CONSUMERS_HEAD)
        shown_version = md(version)
        for row in consumers:
            state = md(row.state)
            document = m.by_id.get(row.id)
            badge = status_badge(document) if document else ""
            ranges = ", ".join(f"@{md(r)}" for r in row.ranges) or "—"
            if row.pin is False:
                ranges += f' <span class="coherence-pin coherence-pin--broken">does not match {shown_version}</span>'
            elif row.pin is True and row.state == "holds":
                ranges += ' <span class="coherence-pin coherence-pin--ok">matches</span>'
            elif row.pin is True:
                ranges += ' <span class="coherence-pin">matches</span>'
            assumptions = "<br>".join(f'<code>{md(fact)}</code> <span class="coherence-assumption '
                                      f'coherence-assumption--{md(fact_state)}">{md(fact_state)}</span>'
                                      for fact, fact_state in row.assumptions) or "—"
            out.append(f'<tr class="coherence-reliance--{state}">\n<td>{link(row.id)}</td>\n<td>{badge}</td>\n'
                       f"<td>{md(', '.join(map(str, row.how)))}</td>\n<td>{ranges}</td>\n<td>{assumptions}</td>\n"
                       f'<td><span class="coherence-reliance coherence-reliance--{state}">{md(row.verdict)}</span>'
                       "</td>\n</tr>\n")
        out.append("</tbody>\n</table>\n</div>\n")
        count = m.consumer_count(c)
        if count > CONSUMERS_SHOWN:
            out.append(f"<p>… and {md(count - CONSUMERS_SHOWN)} more: the contract's own page lists every "
                       "consumer, and <code>graph.json</code> holds them all.</p>\n")
    else:
        out.append("<p>Nobody references this contract yet.</p>\n")
    if c.defines:
        out.append(FACTS_HEAD)
        for fact, value in do_dictsort(c.defines):
            out.append(f"<tr>\n<td><code>{md(fact)}</code></td>\n<td>{md(m.fact(value))}</td>\n</tr>\n")
        out.append("</tbody>\n</table>\n</div>\n")
    invariants = values.get("invariants") or []
    if invariants:
        out.append("<p>Invariants:</p>\n<ul>\n" + "".join(f"<li>{md(item)}</li>\n" for item in invariants) + "</ul>\n")
    return "".join(out)
