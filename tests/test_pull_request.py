"""The pull-request workflow on real git repositories (issue 17): `impact` with double links,
`check --base --new-only` against what the base itself reports, SARIF from a shallow clone,
paths relative to the repository top level, `coherence` alone, `check` from a subfolder."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from conftest import run_cli
from gitrepo import Repo, git

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
MKDOCS = "site_name: x\nplugins:\n  - coherence\n"
PROFILE_V1 = """\
    ---
    kind: contract
    status: active
    version: 1.0.0
    defines:
      profile.edit_mode: inline
    ---
    # Customer profile
    """
PROFILE_V2 = PROFILE_V1.replace("version: 1.0.0", "version: 2.0.0").replace("inline", "modal")
EDIT_PROFILE = """\
    ---
    kind: intent
    status: active
    uses: [customer-profile@1]
    assumes:
      profile.edit_mode: inline
    success:
      - {metric: edits, target: ">= 10%"}
    ---
    # Edit profile
    """


def test_impact_with_a_document_that_uses_and_assumes_one_changed_contract(tmp_path):
    """Two edges from one document to the changed contract (`uses` + the derived `assumes`
    edge, the README's own pattern) once crashed the sort of edges; it lists the dependent once."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", {"mkdocs.yml": MKDOCS,
                                         "docs/contracts/customer-profile.md": PROFILE_V1,
                                         "docs/intents/edit-profile.md": EDIT_PROFILE,
                                         "docs/intents/other.md": EDIT_PROFILE.replace("Edit profile", "Other")})
    git(repo.root, "tag", "base")
    git(repo.root, "checkout", "-qb", "pr")
    repo.commit("2026-02-01", "v2", {"docs/contracts/customer-profile.md": PROFILE_V2})
    result = run_cli("impact", str(repo.root), "--base", "base")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    out = result.stdout
    assert "**material**: version 1.0.0 → 2.0.0" in out, out
    assert out.count("edit-profile → customer-profile (1 hop)") == 1, out
    assert out.count("other → customer-profile (1 hop)") == 1, out
    assert "2 documents depending on what changed materially" in out, out
