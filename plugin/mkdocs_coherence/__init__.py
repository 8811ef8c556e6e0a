"""mkdocs-coherence: intents, contracts and decision records, checked and published by MkDocs.

The public face for other tools::

    from mkdocs_coherence import RULES, check, parse_settings

    settings = parse_settings({}, config_dir=root, docs_dir=root / "docs", catalogue=RULES)
    report = check(settings)
    for finding in report.findings:
        print(finding.rule, finding.location, finding.message)

Everything else may move between releases; the plugin (`coherence` in mkdocs.yml), the
`coherence` command and their JSON outputs are the stable interfaces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# `check` and `Report` are imported now, so that `mkdocs_coherence.check` is the function even
# though a module of that name holds it; `check.py` imports its heavy parts only when it runs.
from mkdocs_coherence.check import Report, check  # noqa: E402
from mkdocs_coherence.core.findings import Finding, Severity  # noqa: E402

if TYPE_CHECKING:
    from mkdocs_coherence.core.config import Settings, parse_settings
    from mkdocs_coherence.rules.catalogue import RULES

__all__ = ["RULES", "Finding", "Report", "Settings", "Severity", "__version__", "check", "parse_settings"]

_LAZY = {  # loaded on first use: `coherence --help` imports this package and must start fast
    "RULES": "mkdocs_coherence.rules.catalogue",
    "Settings": "mkdocs_coherence.core.config",
    "parse_settings": "mkdocs_coherence.core.config",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mkdocs_coherence' has no attribute {name!r}")
