"""Rule tests run in-process through the public `check()` API, on small real trees.

`check_tree` reports in the shape of `coherence check --format json`, so an assertion reads
the same as against the CLI; `Case` is one rule's fixture: a tree where it fires beside a
tree where it must stay silent (tests/rules/test_registry.py wants one for every rule).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Union

from conftest import mkdocs_yml, write_tree
from mkdocs_coherence.check import check
from mkdocs_coherence.core.config import read_mkdocs_yml
from mkdocs_coherence.core.findings import Severity
from mkdocs_coherence.rules.catalogue import RULES


def check_tree(project: Path, *, base: str | None = None, strict: bool = False,
               today: date | None = None) -> tuple[int, dict]:
    """(exit code as `coherence check` gives it, the report as its JSON shows it)."""
    settings = read_mkdocs_yml(project / "mkdocs.yml", RULES)
    if base:
        settings = dataclasses.replace(settings, base=base)
    report = check(settings, today=today)
    data = {
        "findings": [finding.as_json() for finding in report.findings],
        "waived": [finding.as_json() for finding in report.waived],
        "resolved": [finding.as_json() for finding in report.resolved],
        "summary": {"documents": len(report.corpus.documents), "errors": report.count(Severity.ERROR),
                    "warnings": report.count(Severity.WARNING), "infos": report.count(Severity.INFO),
                    "waived": len(report.waived), "resolved": len(report.resolved)},
    }
    failing = report.count(Severity.ERROR) or (strict and report.count(Severity.WARNING))
    return (2 if report.incomplete else 1 if failing else 0), data


# Files under the project folder (mkdocs.yml and docs/index.md are added), or a function that
# builds the project (a git repository with dated commits) in the folder it is given.
Tree = Union[dict[str, str], Callable[[Path], Path]]


@dataclass(frozen=True)
class Case:
    """One rule's fixture: `fires` yields at least one finding of `slug`, `silent` none."""

    slug: str
    fires: Tree
    silent: Tree
    options: str = ""  # the plugin options in mkdocs.yml
    base: str | None = None

    def __str__(self) -> str:
        return self.slug

    def findings(self, tree: Tree, folder: Path) -> list[dict]:
        if callable(tree):
            project = tree(folder)
        else:
            project = write_tree(folder, {"mkdocs.yml": mkdocs_yml(options=self.options), "docs/index.md": "# Home\n",
                                          **tree})
        _, report = check_tree(project, base=self.base)
        return [f for f in report["findings"] + report["waived"] if f["rule"] == self.slug]

    def verify(self, tmp_path: Path) -> None:
        assert self.findings(self.fires, tmp_path / "fires"), f"{self.slug} should fire on its fixture"
        assert self.findings(self.silent, tmp_path / "silent") == [], f"{self.slug} should stay silent"


# Small documents the rule families share: an intent with a goal that uses `customer@1`, an
# accepted decision, and the findings of one rule.
def goal_intent(goal: str, *, status: str = "active", extra: str = "", uses: str = "[customer@1]") -> str:
    return (f"---\nstatus: {status}\ngoal: {goal}\nowners: [a]\nuses: {uses}\n"
            f"success: [{{metric: m, target: '>= 1%'}}]\n{extra}---\n# Intent\n")


def decision(extra: str, status: str = "accepted") -> str:
    return f"---\nstatus: {status}\nalternatives: [x]\n{extra}---\n# Decision\n"


def found(report, rule=None):
    return [f for f in report["findings"] if rule is None or f["rule"] == rule]
