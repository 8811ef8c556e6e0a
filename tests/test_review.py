"""`coherence review ID`: sets `reviewed` and `stamps`, and not one other byte of the file."""

from __future__ import annotations

import os
import stat
from datetime import date

from conftest import check_json, mkdocs_yml, run_cli, write_tree
from gitrepo import Repo

CONTRACT = "---\nversion: '1.0.0'\ndefines:\n  customer.status: [active]\n---\n# Customer profile\n"
DECISION = "---\nstatus: accepted\nalternatives: [x]\n---\n# 1. Storage\n"


def project(tmp_path, files):
    return write_tree(tmp_path / "project", {"mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n",
                                             "docs/contracts/customer-profile.md": CONTRACT,
                                             "decisions/0001-storage.md": DECISION, **files})


def fingerprints(root):
    """The fingerprints as the library computes them, for comparison with what was written."""
    from mkdocs_coherence.core.config import read_mkdocs_yml
    from mkdocs_coherence.rules.catalogue import RULES
    from mkdocs_coherence.core.corpus import load_corpus
    from mkdocs_coherence.core.fingerprints import fingerprint

    corpus = load_corpus(read_mkdocs_yml(root / "mkdocs.yml", RULES))
    return {d.id: fingerprint(d) for d in corpus.documents}


def test_review_rewrites_only_the_reviewed_and_stamps_lines_crlf_bom_comments(tmp_path):
    before = (
        b"\xef\xbb\xbf---\r\n"
        b"# the intent's own comment\r\n"
        b"title: 'Checkout  \"fast\"'\r\n"
        b"status:   draft\r\n"
        b"reviewed: '2026-01-01'   # last time\r\n"
        b"uses:\r\n"
        b"    - customer-profile@1   # pinned\r\n"
        b"    - ADR-0001\r\n"
        b"stamps: {customer-profile: 'v1:000000000000'}\r\n"
        b"\r\n"
        b"# a comment after stamps stays\r\n"
        b"owners: [web]\r\n"
        b"---\r\n"
        b"# Checkout\r\n"
        b"\r\n"
        b"Body with trailing spaces   \r\n"
        b"---\r\n"
        b"not front-matter: a rule in the body\r\n"
    )
    root = project(tmp_path, {"docs/intents/checkout.md": before})
    path = root / "docs/intents/checkout.md"
    os.chmod(path, 0o640)
    result = run_cli("review", "checkout", str(root), "--date", "2026-04-02")
    assert result.returncode == 0, result.stderr
    prints = fingerprints(root)
    expected = (
        b"\xef\xbb\xbf---\r\n"
        b"# the intent's own comment\r\n"
        b"title: 'Checkout  \"fast\"'\r\n"
        b"status:   draft\r\n"
        b"reviewed: '2026-04-02'   # last time\r\n"
        b"uses:\r\n"
        b"    - customer-profile@1   # pinned\r\n"
        b"    - ADR-0001\r\n"
        b"stamps:\r\n"
        + f"    ADR-0001: \"{prints['ADR-0001']}\"\r\n".encode()
        + f"    customer-profile: \"{prints['customer-profile']}\"\r\n".encode()
        + b"\r\n"
        b"# a comment after stamps stays\r\n"
        b"owners: [web]\r\n"
        b"---\r\n"
        b"# Checkout\r\n"
        b"\r\n"
        b"Body with trailing spaces   \r\n"
        b"---\r\n"
        b"not front-matter: a rule in the body\r\n"
    )
    assert path.read_bytes() == expected
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["checkout.md"]  # no temporary file left behind
    assert "reviewed 2026-04-02" in result.stdout


def test_review_inserts_missing_keys_at_the_end_and_keeps_every_other_line(tmp_path):
    before = ("---\nstatus: draft\n# keep me\nuses: [customer-profile]\nwhy: |\n  A block scalar\n\n  with a blank line\n"
              "---\n# Checkout\n\nBody.\n")
    root = project(tmp_path, {"docs/intents/checkout.md": before})
    result = run_cli("review", "checkout", str(root))
    assert result.returncode == 0, result.stderr
    after = (root / "docs/intents/checkout.md").read_text()
    today = date.today().isoformat()
    stamp = fingerprints(root)["customer-profile"]
    assert after == before.replace(
        "\n---\n# Checkout",
        f"\nreviewed: {today}\nstamps:\n  customer-profile: \"{stamp}\"\n---\n# Checkout")


def test_review_updates_an_existing_date_after_which_stamps_are_kept_in_order(tmp_path):
    before = "---\nreviewed: 2026-01-01\nstatus: draft\nuses: [customer-profile]\n---\n# C\n"
    root = project(tmp_path, {"docs/intents/checkout.md": before})
    assert run_cli("review", "checkout", str(root), "--date", "2026-05-05").returncode == 0
    stamp = fingerprints(root)["customer-profile"]
    assert (root / "docs/intents/checkout.md").read_text() == (
        f"---\nreviewed: 2026-05-05\nstamps:\n  customer-profile: \"{stamp}\"\nstatus: draft\n"
        "uses: [customer-profile]\n---\n# C\n")


def test_review_refuses_what_it_cannot_edit_and_leaves_the_file_alone(tmp_path):
    nygard = "# 2. Use Postgres\n\nDate: 2026-01-01\n\n## Status\n\nAccepted\n"
    root = project(tmp_path, {"decisions/0002-postgres.md": nygard,
                              "docs/intents/broken.md": "---\nstatus: draft\nuses: [customer-profile\n---\n# B\n"})
    result = run_cli("review", "ADR-0002", str(root))
    assert result.returncode == 2 and "no front-matter" in result.stderr and "Traceback" not in result.stderr
    assert (root / "decisions/0002-postgres.md").read_text() == nygard
    result = run_cli("review", "custmer-profile", str(root))
    assert result.returncode == 2 and "did you mean 'customer-profile'" in result.stderr
    result = run_cli("review", "checkout", str(root), "--date", "yesterday")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_stamps_decide_before_dates_in_a_full_clone(tmp_path):
    """Reviewed (by date) before a change, but stamped against the current version: not stale;
    and the reverse: reviewed after, stamped against an old version: stale."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", {
        "mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n", "docs/contracts/customer-profile.md": CONTRACT,
        "docs/intents/a.md": "---\nstatus: draft\nuses: [customer-profile]\nreviewed: 2026-01-10\n---\n# A\n",
        "docs/intents/b.md": "---\nstatus: draft\nuses: [customer-profile]\n---\n# B\n"})
    assert run_cli("review", "b", str(repo.root), "--date", "2026-01-11").returncode == 0
    repo.commit("2026-01-11", "review b")
    repo.commit("2026-03-01", "v2", {"docs/contracts/customer-profile.md": CONTRACT.replace("1.0.0", "2.0.0")})
    assert run_cli("review", "a", str(repo.root), "--date", "2026-02-01").returncode == 0  # stamped on 2.0.0
    repo.write({"docs/intents/b.md": (repo.root / "docs/intents/b.md").read_text().replace(
        "reviewed: 2026-01-11", "reviewed: 2026-04-01")})  # date says fresh, stamp says 1.0.0
    repo.commit("2026-04-02", "dates")
    _, report = check_json(repo.root)
    stale = {f["path"]: f for f in report["findings"] if f["rule"] == "stale-dependency"}
    assert list(stale) == ["docs/intents/b.md"]
    assert "since this intent stamped it (version 1.0.0 → 2.0.0" in stale["docs/intents/b.md"]["message"]
