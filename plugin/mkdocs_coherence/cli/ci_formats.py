"""Report formats for pull requests: SARIF 2.1.0 (code scanning) and a Markdown comment.

Both list the same findings as `--format json`; waived findings (and conflicts a decision
settled) are listed as suppressed, never hidden and never counted.
"""

from __future__ import annotations

import hashlib
import json

from mkdocs_coherence import __version__
from mkdocs_coherence.check import Report
from mkdocs_coherence.core.findings import Finding, Severity
from mkdocs_coherence.rules.catalogue import RULES
from mkdocs_coherence.site.escape import plain_markdown

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
COMMENT_MARKER = "<!-- coherence-report -->"


def fingerprint(finding: Finding) -> str:
    """Stable across line moves: the rule, the file, the documents and the message."""
    text = "\x1f".join((finding.rule, finding.path or "", ",".join(finding.ids), finding.message))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _severity(finding: Finding) -> Severity:
    return finding.severity or RULES[finding.rule].severity


def _sarif_rule(rule) -> dict:
    return {
        "id": rule.slug,
        "name": "".join(part.capitalize() for part in rule.slug.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": f"{rule.tier} rule: {rule.summary}."},
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
        "help": {"text": f"See the rules reference: {rule.slug} ({rule.tier} tier)."},
        "properties": {"tags": ["coherence", rule.tier]},
    }


def _sarif_result(finding: Finding, rule_index: dict[str, int], suppression: dict | None) -> dict:
    result: dict = {
        "ruleId": finding.rule,
        "level": SARIF_LEVEL[_severity(finding)],
        "message": {"text": finding.message},
        "locations": [],
        "partialFingerprints": {"coherenceFinding/v1": fingerprint(finding)},
        "properties": {"ids": list(finding.ids)},
    }
    if finding.rule in rule_index:
        result["ruleIndex"] = rule_index[finding.rule]
    if finding.path:
        physical: dict = {"artifactLocation": {"uri": finding.path, "uriBaseId": "PROJECTROOT"}}
        if finding.line:
            physical["region"] = {"startLine": finding.line}
        result["locations"] = [{"physicalLocation": physical}]
    if suppression is not None:
        result["suppressions"] = [suppression]
    return result


def sarif_log(report: Report, config_dir=None) -> dict:
    rules = list(RULES.values())
    rule_index = {rule.slug: index for index, rule in enumerate(rules)}
    results = [_sarif_result(f, rule_index, None) for f in report.findings]
    for finding in report.waived:
        reason = finding.waiver.reason if finding.waiver and finding.waiver.reason else "waived with ignore:"
        results.append(_sarif_result(finding, rule_index, {"kind": "inSource", "justification": reason}))
    for finding in getattr(report, "resolved", []):
        by = ", ".join(getattr(finding, "resolved_by", ()) or ())
        results.append(_sarif_result(finding, rule_index, {"kind": "external", "justification": f"settled by {by}"}))
    run: dict = {
        "tool": {"driver": {
            "name": "coherence",
            "fullName": "mkdocs-coherence",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": [_sarif_rule(rule) for rule in rules],
        }},
        "invocations": [{
            "executionSuccessful": not report.incomplete,
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": f"could not read {rel}"},
                 "locations": [{"physicalLocation": {"artifactLocation": {"uri": rel, "uriBaseId": "PROJECTROOT"}}}]}
                for rel in report.corpus.unreadable
            ],
        }],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if config_dir is not None:
        run["originalUriBaseIds"] = {"PROJECTROOT": {
            "uri": config_dir.as_uri().rstrip("/") + "/",
            "description": {"text": "the directory of mkdocs.yml"}}}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _config_dir(report: Report):
    """The directory of mkdocs.yml, from any document whose relative path lies under it."""
    for document in report.corpus.documents:
        parts = document.rel.split("/")
        if ".." not in parts:
            return document.path.resolve().parents[len(parts) - 1]
    return None


def as_sarif(report: Report) -> str:
    return json.dumps(sarif_log(report, _config_dir(report)), indent=2, ensure_ascii=False)


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
