"""Report formats for pull requests: SARIF 2.1.0 (code scanning) and a Markdown comment.

Both list the same findings as `--format json`; waived findings (and conflicts a decision
settled) are listed as suppressed, never hidden and never counted.
"""

from __future__ import annotations

import hashlib
import json

from mkdocs_coherence import __version__
from mkdocs_coherence.check import Report
from mkdocs_coherence.cli.output import Places
from mkdocs_coherence.core.findings import Finding, Severity
from mkdocs_coherence.rules.catalogue import RULES
from mkdocs_coherence.rules.registry import declarations as registry_declarations
from mkdocs_coherence.site.escape import plain_markdown

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
COMMENT_MARKER = "<!-- coherence-report -->"
URI_BASE = "SRCROOT"  # the repository top level, where code scanning resolves paths


def fingerprint(finding: Finding) -> str:
    """Stable across line moves: the rule, the file, the documents and the message."""
    text = "\x1f".join((finding.rule, finding.path or "", ",".join(finding.ids), finding.message))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _severity(finding: Finding) -> Severity:
    return finding.severity or RULES[finding.rule].severity


def docs_url() -> str | None:
    """The published documentation of mkdocs-coherence: the `Documentation` project URL of the
    installed distribution (`[project.urls]` in pyproject.toml); None when it names none."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("mkdocs-coherence").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("documentation", "docs") and url.strip().startswith(("https://", "http://")):
            return url.strip().rstrip("/")
    return None


def _sarif_rule(declaration, docs: str | None) -> dict:
    """A rule as code scanning shows it, documented by its declaration (rules/registry.py):
    the docstring's "What it does" and "What to do", and a link to its tier on the rules page."""
    rule = declaration.rule
    does = declaration.section("What it does") or rule.summary
    to_do = declaration.section("What to do")
    help_text = f"Fires when {rule.summary}." + (f" What to do: {to_do}" if to_do else "")
    entry = {
        "id": rule.slug,
        "name": "".join(part.capitalize() for part in rule.slug.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": does},
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
        "help": {"text": help_text,
                 "markdown": f"**{rule.slug}** ({rule.tier} rule, default {declaration.default_label}): "
                             f"fires when {rule.summary}." + (f"\n\n**What to do:** {to_do}" if to_do else "")},
        "properties": {"tags": ["coherence", rule.tier]},
    }
    if docs:
        entry["helpUri"] = f"{docs}/reference/rules/#{rule.tier}"
    return entry


def _location(uri: str, line: int | None = None) -> dict:
    physical: dict = {"artifactLocation": {"uri": uri, "uriBaseId": URI_BASE}}
    if line:
        physical["region"] = {"startLine": line}
    return {"physicalLocation": physical}


def _sarif_result(finding: Finding, rule_index: dict[str, int], suppression: dict | None, places: Places) -> dict:
    """One result; every one has a location (code scanning refuses a file with a result
    without one): a finding about the whole tree (`shallow-history`) points at mkdocs.yml."""
    result: dict = {
        "ruleId": finding.rule,
        "level": SARIF_LEVEL[_severity(finding)],
        "message": {"text": finding.message},
        "locations": [_location(places.repo_path(finding.path), finding.line if finding.path else None)],
        "partialFingerprints": {"coherenceFinding/v1": fingerprint(finding)},
        "properties": {"ids": list(finding.ids)},
    }
    if finding.rule in rule_index:
        result["ruleIndex"] = rule_index[finding.rule]
    if suppression is not None:
        result["suppressions"] = [suppression]
    return result


def sarif_log(report: Report, places: Places = Places(), docs: str | None = None) -> dict:
    declarations = [d for d in registry_declarations() if d.slug in RULES]
    rule_index = {declaration.slug: index for index, declaration in enumerate(declarations)}
    results = [_sarif_result(f, rule_index, None, places) for f in report.findings]
    for finding in report.waived:
        reason = finding.waiver.reason if finding.waiver and finding.waiver.reason else "waived with ignore:"
        results.append(_sarif_result(finding, rule_index, {"kind": "inSource", "justification": reason}, places))
    for finding in getattr(report, "resolved", []):
        by = ", ".join(getattr(finding, "resolved_by", ()) or ())
        results.append(_sarif_result(finding, rule_index, {"kind": "external", "justification": f"settled by {by}"},
                                     places))
    run: dict = {
        "tool": {"driver": {
            "name": "coherence",
            "fullName": "mkdocs-coherence",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": [_sarif_rule(declaration, docs) for declaration in declarations],
        }},
        "invocations": [{
            "executionSuccessful": not report.incomplete,
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": f"could not read {rel}"},
                 "locations": [_location(places.repo_path(rel))]}
                for rel in report.corpus.unreadable
            ],
        }],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if places.top is not None:
        run["originalUriBaseIds"] = {URI_BASE: {
            "uri": places.top.as_uri().rstrip("/") + "/",
            "description": {"text": "the repository top level (the directory of mkdocs.yml outside git)"}}}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def as_sarif(report: Report, places: Places = Places()) -> str:
    return json.dumps(sarif_log(report, places, docs_url()), indent=2, ensure_ascii=False)


# --- GitLab code quality (the `codequality` report of a merge request) -----------------

GITLAB_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def as_gitlab(report: Report, places: Places = Places()) -> str:
    """GitLab's code-quality JSON: one issue per active finding (waived and settled ones are not
    issues), paths from the repository top level, a finding about the whole tree on mkdocs.yml."""
    issues = [{
        "description": f"{finding.rule}: {finding.message}",
        "check_name": finding.rule,
        "fingerprint": fingerprint(finding),
        "severity": GITLAB_SEVERITY[_severity(finding)],
        "location": {"path": places.repo_path(finding.path),
                     "lines": {"begin": finding.line if finding.path and finding.line else 1}},
    } for finding in report.findings]
    return json.dumps(issues, indent=2, ensure_ascii=False)


# --- Markdown for a pull-request comment -----------------------------------------------

_ICON = {Severity.ERROR: "🔴 error", Severity.WARNING: "🟡 warning", Severity.INFO: "🔵 info"}


def _row(finding: Finding, label: str) -> str:
    where = plain_markdown(finding.location)
    return f"| {label} | {plain_markdown(finding.rule)} | {where} | {plain_markdown(finding.message)} |"


def as_markdown(report: Report) -> str:
    errors, warnings, infos = (report.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    documents = len(report.corpus.documents)
    lines = [COMMENT_MARKER]
    if report.incomplete:
        lines.append(f"### ⚠️ coherence: incomplete — {len(report.corpus.unreadable)} unreadable files"
                     + (f", crashed rules: {plain_markdown(', '.join(report.crashed_rules))}" if report.crashed_rules else ""))
    elif not report.findings:
        lines.append(f"### ✅ coherence: no findings in {documents} documents")
    else:
        lines.append(f"### coherence: {errors} errors, {warnings} warnings, {infos} infos in {documents} documents")
    if report.findings:
        lines += ["", "| severity | rule | where | what to do |", "|---|---|---|---|"]
        lines += [_row(f, _ICON[_severity(f)]) for f in report.findings]
    quiet = [(f, "waived" + (f": {plain_markdown(f.waiver.reason)}" if f.waiver and f.waiver.reason else ""))
             for f in report.waived]
    quiet += [(f, "settled by " + plain_markdown(", ".join(getattr(f, "resolved_by", ()) or ())))
              for f in getattr(report, "resolved", [])]
    if quiet:
        lines += ["", f"<details><summary>{len(quiet)} waived or settled</summary>", "",
                  "| status | rule | where | message |", "|---|---|---|---|"]
        lines += [_row(f, label) for f, label in quiet]
        lines += ["", "</details>"]
    return "\n".join(lines)
