"""The stale rules seen from outside: `mkdocs serve` rebuilds following the files, and
`coherence impact` for a pull request (the rules themselves: tests/rules/test_stale.py)."""

from __future__ import annotations

from conftest import run_cli
from gitrepo import Repo, git
from stale_trees import CONTRACT_V2, base_tree, intent


def test_serve_rebuilds_show_the_new_state_after_an_edit(tmp_path):
    """One plugin instance across rebuilds, as under `mkdocs serve`: the panel follows the files."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", base_tree())
    config = load_config(str(repo.root / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="serve", dirty=False)
    page = tmp_path / "site" / "intents" / "early" / "index.html"
    try:
        mkdocs_build(config, serve_url="http://127.0.0.1:8000/")
        assert 'data-rule="stale-dependency"' not in page.read_text()
        repo.write({"docs/contracts/customer-profile.md": CONTRACT_V2})  # an edit, not committed
        mkdocs_build(config, serve_url="http://127.0.0.1:8000/")
        assert 'data-rule="stale-dependency"' in page.read_text()
        assert "`customer.email` removed" in page.read_text() or "customer.email</code> removed" in page.read_text()
        repo.write({"docs/intents/early.md": intent("Early", "uses: [customer-profile]", "reviewed: 2999-01-01\n")})
        mkdocs_build(config, serve_url="http://127.0.0.1:8000/")
        assert 'data-rule="stale-dependency"' not in page.read_text()
    finally:
        config.plugins.on_shutdown()


def test_impact_markdown_for_a_pull_request(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", base_tree(**{
        "docs/intents/payments.md": intent("Payments", "uses: []", "governs: ['src/payments/**']\n"),
        "src/payments/a.py": "a = 1\n", "src/other.py": "b = 1\n"}))
    git(repo.root, "tag", "base")
    repo.commit("2026-03-01", "pr", {"docs/contracts/customer-profile.md": CONTRACT_V2,
                                     "docs/intents/late.md": intent("Late", "uses: [customer-profile]",
                                                                    "reviewed: 2026-03-02\n") + "Prose.\n",
                                     "src/payments/deep/b.py": "b = 2\n"})
    repo.write({"src/other.py": "b = 2\n"})  # uncommitted and ungoverned
    result = run_cli("impact", str(repo.root), "--base", "base")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("## Coherence impact (against `base`)")
    assert "4 files changed: 2 documents edited (1 materially), 1 document governing changed code" in out
    assert ("| [Customer profile](docs/contracts/customer-profile.md) `customer-profile` | contract | active | "
            "**material**: version 1.4.0 → 2.0.0, `customer.email` removed |") in out
    assert "| [Late](docs/intents/late.md) `late` | intent | draft | prose only |" in out
    assert "| [Payments](docs/intents/payments.md) `payments` | `src/payments/**` | `src/payments/deep/b.py` |" in out
    assert "rewards → wallet → checkout → customer-profile (3 hops)" in out
    assert "late → customer-profile (1 hop)" in out

    result = run_cli("impact", str(repo.root), "--base", "nope")
    assert result.returncode == 2 and "nope" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("impact", str(repo.root))
    assert result.returncode == 2 and "--base" in result.stderr


def test_impact_outside_git_says_why(site):
    result = run_cli("impact", str(site({})), "--base", "main")
    assert result.returncode == 2 and "not in a git repository" in result.stderr
