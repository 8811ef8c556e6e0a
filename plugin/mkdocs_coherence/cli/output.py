"""Report formats of `coherence check`: text, json (DESIGN §9, stable), github annotations."""

from __future__ import annotations

import json

from mkdocs_coherence.check import Report
from mkdocs_coherence.core.findings import Finding, Severity

FORMATS = ("text", "json", "github", "sarif", "markdown")
JSON_FORMAT_VERSION = 1


def summary(report: Report) -> dict:
    return {
        "documents": len(report.corpus.documents),
        "errors": report.count(Severity.ERROR),
        "warnings": report.count(Severity.WARNING),
        "infos": report.count(Severity.INFO),
        "waived": len(report.waived),
        "resolved": len(report.resolved),
    }


def as_json(report: Report) -> str:
    data = {
        "version": JSON_FORMAT_VERSION,
        "findings": [finding.as_json() for finding in report.findings],
        "waived": [finding.as_json() for finding in report.waived],
        "resolved": [finding.as_json() for finding in report.resolved],
        "summary": summary(report),
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def _text_line(finding: Finding, waived: bool = False) -> str:
    label = "waived" if waived else "resolved" if finding.resolved_by else finding.severity.label
    line = f"{finding.location}: {label} [{finding.rule}] {finding.message}"
    if waived and finding.waiver and finding.waiver.reason:
        line += f" (waived: {finding.waiver.reason})"
    if finding.resolved_by:
        line += f" (settled by {', '.join(finding.resolved_by)})"
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
        tail += f"; INCOMPLETE: {len(report.corpus.unreadable)} unreadable files"
        if report.crashed_rules:
            tail += f", crashed rules: {', '.join(report.crashed_rules)}"
    return "\n".join(lines + [tail])


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(report: Report) -> str:
    """GitHub Actions workflow commands: one annotation per finding (waived ones as notices)."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = []
    for finding, waived in [(f, False) for f in report.findings] + [(f, True) for f in report.waived]:
        props = []
        if finding.path:
            props.append(f"file={_escape_property(finding.path)}")
            if finding.line:
                props.append(f"line={finding.line}")
        props.append(f"title={_escape_property('coherence ' + finding.rule + (' (waived)' if waived else ''))}")
        kind = "notice" if waived else level[finding.severity]
        lines.append(f"::{kind} {','.join(props)}::{_escape_data(finding.message)}")
    return "\n".join(lines)


def render(report: Report, fmt: str) -> str:
    from mkdocs_coherence.cli.ci_formats import as_markdown, as_sarif  # PR-workflow formats (issue 6)

    return {"text": as_text, "json": as_json, "github": as_github, "sarif": as_sarif,
            "markdown": as_markdown}[fmt](report)
