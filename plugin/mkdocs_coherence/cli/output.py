"""Report formats of `coherence check`: text, json (DESIGN §9, stable), github annotations."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mkdocs_coherence.check import Report
from mkdocs_coherence.core.findings import Finding, Severity
from mkdocs_coherence.site.escape import github_annotation, terminal_text

if TYPE_CHECKING:
    from pathlib import Path

    from mkdocs_coherence.core.config import Settings

FORMATS = ("text", "json", "github", "sarif", "markdown", "gitlab")
JSON_FORMAT_VERSION = 1


@dataclass(frozen=True)
class Places:
    """Where CI looks for files: paths relative to the repository top level (DESIGN §9 v1.1),
    not to the directory of mkdocs.yml, so annotations and code-scanning results attach when
    mkdocs.yml lies in a subfolder. A finding about the whole tree points at mkdocs.yml."""

    prefix: str = ""  # the directory of mkdocs.yml, relative to the top level ("" at the top)
    config: str = "mkdocs.yml"  # the configuration file, relative to the directory of mkdocs.yml
    top: Path | None = None  # the repository top level (the directory of mkdocs.yml outside git)

    @classmethod
    def of(cls, settings: Settings | None) -> Places:
        if settings is None:
            return cls()
        from mkdocs_coherence.core.config import repository_root

        top = repository_root(settings.config_dir)
        prefix = os.path.relpath(settings.config_dir, top).replace(os.sep, "/")
        config = settings.config_file.name if settings.config_file is not None else "mkdocs.yml"
        return cls("" if prefix == "." else prefix, config, top)

    def repo_path(self, path: str | None) -> str:
        """A finding's path (relative to mkdocs.yml's directory; None: the whole tree) as CI sees it."""
        path = path or self.config
        if not self.prefix and not path.startswith(".."):
            return path
        return os.path.normpath(f"{self.prefix}/{path}" if self.prefix else path).replace(os.sep, "/")


def summary(report: Report) -> dict:
    return {
        "documents": len(report.corpus.documents),
        "errors": report.count(Severity.ERROR),
        "warnings": report.count(Severity.WARNING),
        "infos": report.count(Severity.INFO),
        "waived": len(report.waived),
        "resolved": len(report.resolved),
        "unreadable": len(report.corpus.unreadable),  # files and folders not read: the answer is unknown
    }


def config_error_json(message: str, unread: str | None = None) -> str:
    """`check --format json` when the configuration cannot be used: still one JSON object, so a
    CI consumer sees why there is no answer (exit 2). `unread`: the configuration file, when it
    is what could not be read (it counts in `summary.unreadable`)."""
    data = {"version": JSON_FORMAT_VERSION, "findings": [], "waived": [], "resolved": [],
            "summary": {"documents": 0, "errors": 0, "warnings": 0, "infos": 0, "waived": 0, "resolved": 0,
                        "unreadable": 1 if unread else 0},
            "incomplete": True, "error": message}
    return json.dumps(data, indent=2, ensure_ascii=False)


def as_json(report: Report) -> str:
    data = {
        "version": JSON_FORMAT_VERSION,
        "findings": [finding.as_json() for finding in report.findings],
        "waived": [finding.as_json() for finding in report.waived],
        "resolved": [finding.as_json() for finding in report.resolved],
        "summary": summary(report),
        # Something was not read (or a rule crashed): exit 2, never "clean"; the findings say why.
        "incomplete": report.incomplete,
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def _text_line(finding: Finding, waived: bool = False) -> str:
    """One finding, one line: everything that came from a document goes through
    `terminal_text`, so no id, title or reason can start a line of its own."""
    label = "waived" if waived else "resolved" if finding.resolved_by else finding.severity.label
    line = f"{terminal_text(finding.location, line_start=True)}: {label} [{finding.rule}] {terminal_text(finding.message)}"
    if waived and finding.waiver and finding.waiver.reason:
        line += f" (waived: {terminal_text(finding.waiver.reason)})"
    if finding.resolved_by:
        line += f" (settled by {terminal_text(', '.join(finding.resolved_by))})"
    return line


def as_text(report: Report) -> str:
    lines = [_text_line(finding) for finding in report.findings]
    lines += [_text_line(finding, waived=True) for finding in report.waived]
    lines += [_text_line(finding) for finding in report.resolved]
    counts = summary(report)
    tail = (f"{counts['documents']} documents: {counts['errors']} errors, {counts['warnings']} warnings, "
            f"{counts['infos']} infos, {counts['waived']} waived"
            + (f", {counts['resolved']} resolved" if counts["resolved"] else ""))
    if report.incomplete:
        tail += f"; INCOMPLETE: {len(report.corpus.unreadable)} unreadable files or folders"
        if report.crashed_rules:
            tail += f", crashed rules: {terminal_text(', '.join(report.crashed_rules))}"
    return "\n".join(lines + [tail])


def as_github(report: Report, places: Places = Places()) -> str:
    """GitHub Actions workflow commands: one annotation per finding (waived ones as notices),
    with paths relative to the repository top level; a finding about the whole tree on mkdocs.yml."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = []
    for finding, waived in [(f, False) for f in report.findings] + [(f, True) for f in report.waived]:
        props = [f"file={github_annotation(places.repo_path(finding.path), in_property=True)}"]
        if finding.path and finding.line:
            props.append(f"line={finding.line}")
        props.append(f"title={github_annotation('coherence ' + finding.rule + (' (waived)' if waived else ''), in_property=True)}")
        kind = "notice" if waived else level[finding.severity]
        lines.append(f"::{kind} {','.join(props)}::{github_annotation(finding.message)}")
    return "\n".join(lines)


def render(report: Report, fmt: str, settings: Settings | None = None) -> str:
    """The report in `fmt`; `settings` place github and sarif paths at the repository top level."""
    from mkdocs_coherence.cli.ci_formats import as_gitlab, as_markdown, as_sarif  # PR-workflow formats

    if fmt in ("github", "sarif", "gitlab"):
        return {"github": as_github, "sarif": as_sarif, "gitlab": as_gitlab}[fmt](report, Places.of(settings))
    return {"text": as_text, "json": as_json, "markdown": as_markdown}[fmt](report)
