"""`RULES`: every declared rule by slug, in display order, read from the registry.

Core validates `rules:` and `ignore:` against it and grades findings by it, but never
imports it (imports point down): the callers hand it to `parse_settings`/`read_mkdocs_yml`.
"""

from __future__ import annotations

from mkdocs_coherence.core.findings import Rule
from mkdocs_coherence.rules.registry import declarations

RULES: dict[str, Rule] = {declaration.slug: declaration.rule for declaration in declarations()}
