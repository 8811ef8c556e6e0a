"""The rules reference page, generated from the rule declarations (`registry.py`).

    python -m mkdocs_coherence.rules.reference > docs/reference/rules.md

The page's general text is here; each rule's row comes from its docstring, and a family's
longer sections (Staleness, Breaking changes) from its `Family(notes=...)`. A test fails when
the committed page differs from what this prints.
"""

from __future__ import annotations

from mkdocs_coherence.rules.registry import Declaration, declarations, families

COMMAND = "python -m mkdocs_coherence.rules.reference > docs/reference/rules.md"

INTRO = f"""\
<!-- Generated from the rule declarations in plugin/mkdocs_coherence/rules/: edit them, then run
     {COMMAND} -->

# Rules

Every check is a rule with a stable slug and a default severity: `error` fails the build
and `coherence check`, `warning` is reported (and fails with `--strict` or
`fail_on: warning`), `info` is reported only. Every finding names the file and line of the
offending key, the documents involved, and what to do.

Change a rule's severity, or switch it off, for the whole site in the plugin config:

```yaml
plugins:
  - coherence:
      rules:
        unknown-key: error
        goal-conflict: "off"
```

Waive it on one document with `ignore:` (see [Waivers](../writing-documents.md#waivers)).

**Status**: every rule on this page is implemented, in every tier. A rule marked "planned"
would have a reserved slug, already accepted in `rules:` and `ignore:`, so that a
configuration written before it ships keeps working.

**Once per shared thing.** A conflict among many documents — a contract with thirty
consumers, a fact read three ways — is one finding, placed on the first document involved
(by path) and naming every side in its message and `ids`; intents in a goal conflict are
one finding per set of intents, listing every contract and area they share. A goal conflict that an accepted
decision settles (`resolves:` naming the intents, or `priorities:` ranking the goals) is
not a warning: `coherence check` lists it as `resolved … (settled by ADR-NNNN)` and the JSON
output under `resolved` ([ADR-0008](../decisions/0008-conflicts-once-per-shared-thing.md)).

A decision counts as superseded when an accepted decision `supersedes` it (or its own
status says `superseded by …`), whatever its status line says: it then defines no facts and
gives no standing answer.

"Live" documents are intents that are `draft`, `active` or `shipped`, contracts that are
not `retired`, and decisions that are `proposed` or `accepted`; a document without a
`status` counts as live.
"""

TABLE_HEAD = "| rule | default | status | fires when | what to do |\n|---|---|---|---|---|"


def _row(declaration: Declaration) -> str:
    status = "planned" if declaration.planned else "implemented"
    cells = (f"`{declaration.slug}`", declaration.default_label, status,
             declaration.section("What it does"), declaration.section("What to do"))
    return "| " + " | ".join(cells) + " |"


def page() -> str:
    """The whole Markdown page."""
    parts = [INTRO]
    by_tier: dict[str, list[Declaration]] = {}
    for declaration in declarations():
        by_tier.setdefault(declaration.rule.tier, []).append(declaration)
    for tier, rules in by_tier.items():
        parts.append(f"## {tier.capitalize()}\n\n{TABLE_HEAD}\n" + "\n".join(_row(d) for d in rules) + "\n")
    parts += [family.notes + "\n" for _, family in families() if family.notes]
    return "\n".join(parts)


if __name__ == "__main__":
    print(page(), end="")
