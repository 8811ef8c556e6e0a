"""Stale rules on real git repositories with dated commits: material vs prose changes,
transitive dependents, review dates, `governs` globs, shallow clones and stamps."""

from __future__ import annotations

import pytest
from conftest import mkdocs_yml, run_cli
from gitrepo import Repo, git
from harness import Case, check_tree
from stale_trees import CONTRACT_V1_PROSE, CONTRACT_V2, base_tree, intent

OURS = ("stale-dependency", "stale-code", "review-overdue", "shallow-history", "breaking-change")


def ours(report):
    return [f for f in report["findings"] if f["rule"] in OURS]


def stale(report, rule="stale-dependency"):
    return {f["path"].rsplit("/", 1)[-1][:-3]: f for f in report["findings"] if f["rule"] == rule}


def _governed_code(changed: str):
    """A git repository whose intent governs src/payments/**, reviewed before `changed` is committed."""

    def build(folder):
        repo = Repo(folder)
        governing = intent("Payments", "uses: []", "governs: ['src/payments/**']\nreviewed: 2026-02-01\n")
        repo.commit("2026-01-10", "start", {"mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n",
                                            "docs/intents/payments.md": governing,
                                            "src/payments/a.py": "a = 1\n", "src/other.py": "b = 1\n"})
        repo.commit("2026-02-20", "change", {changed: "changed = True\n"})
        return repo.root

    return build


DECISIONS = {
    "decisions/0001-old.md": "---\nstatus: superseded\nalternatives: [x]\n---\n# 1. Old\n",
    "decisions/0002-new.md": "---\nstatus: accepted\nsupersedes: [ADR-0001]\nalternatives: [x]\n---\n# 2. New\n",
}
DECIDED = "---\nstatus: accepted\ndate: 2026-03-01\nalternatives: [mysql]\n---\n# 1. Storage\n"

CASES = [
    Case("stale-dependency",  # outside git, front-matter dates decide
         fires={"decisions/0001-storage.md": DECIDED,
                "docs/intents/old.md": intent("Old", "depends_on: [ADR-0001]", "reviewed: 2026-02-01\n")},
         silent={"decisions/0001-storage.md": DECIDED,
                 "docs/intents/new.md": intent("New", "depends_on: [ADR-0001]", "reviewed: 2026-03-02\n")}),
    Case("stale-code", fires=_governed_code("src/payments/deep/b.py"), silent=_governed_code("src/other.py")),
    Case("superseded-reference",
         fires={**DECISIONS, "docs/intents/relies.md": intent("Relies", "depends_on: [ADR-0001]")},
         silent={**DECISIONS, "docs/intents/relies.md": intent("Relies", "depends_on: [ADR-0002]")}),
    Case("review-overdue",
         fires={"docs/intents/due.md": intent("Due", "uses: []", "reviewed: 2020-01-01\nreview_every: 90d\n")},
         silent={"docs/intents/fresh.md": intent("Fresh", "uses: []", "reviewed: 2999-01-01\nreview_every: 1y\n")}),
    Case("shallow-history",  # outside git: only a tree that relies on review dates loses something
         fires={"docs/intents/dated.md": intent("Dated", "uses: []", "reviewed: 2026-01-01\n")},
         silent={"docs/intents/undated.md": intent("Undated", "uses: []")}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_rule_fires_on_its_fixture_and_stays_silent_on_the_other(case, tmp_path):
    case.verify(tmp_path)


def test_prose_only_change_flags_nothing(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", base_tree())
    repo.commit("2026-02-01", "reword the contract", {"docs/contracts/customer-profile.md": CONTRACT_V1_PROSE})
    code, report = check_tree(repo.root)
    assert (code, ours(report)) == (0, [])


def test_material_change_flags_dependents_reviewed_before_it_transitively(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", base_tree())
    repo.commit("2026-02-01", "reword", {"docs/contracts/customer-profile.md": CONTRACT_V1_PROSE})
    sha = repo.commit("2026-03-01", "customer-profile 2.0", {"docs/contracts/customer-profile.md": CONTRACT_V2})
    code, report = check_tree(repo.root)
    assert code == 0  # warnings only
    found = stale(report)
    assert set(found) == {"checkout", "wallet", "rewards", "early"}  # `late` was reviewed after the change

    direct = found["checkout"]
    assert direct["ids"] == ["checkout", "customer-profile"]
    assert direct["line"] == 4
    assert "2026-03-01" in direct["message"] and sha[:10] in direct["message"]
    assert "version 1.4.0 → 2.0.0" in direct["message"] and "`customer.email` removed" in direct["message"]
    assert "last committed 2026-01-10" in direct["message"]
    assert "reviewed 2026-02-15" in found["early"]["message"]

    assert found["wallet"]["ids"] == ["wallet", "checkout", "customer-profile"]
    assert "wallet → checkout → customer-profile, 2 hops away" in found["wallet"]["message"]
    assert found["rewards"]["ids"] == ["rewards", "wallet", "checkout", "customer-profile"]
    assert "3 hops away" in found["rewards"]["message"] and "2026-03-01" in found["rewards"]["message"]


def test_a_later_review_clears_the_document_and_what_relies_on_it(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", base_tree())
    repo.commit("2026-03-01", "customer-profile 2.0", {"docs/contracts/customer-profile.md": CONTRACT_V2})
    repo.commit("2026-03-05", "review checkout", {
        "docs/intents/checkout.md": intent("Checkout", "uses: [customer-profile]", "reviewed: 2026-03-04\n"),
        "docs/intents/early.md": intent("Early", "uses: [customer-profile]", "reviewed: 2026-03-01\n")})
    _, report = check_tree(repo.root)
    # checkout absorbed the change, so wallet and rewards relying on checkout are fine too;
    # a review on the day of the change counts as after it.
    assert stale(report) == {}


def test_a_dependent_edited_after_the_change_counts_as_reviewed_by_its_commit(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", base_tree())
    repo.commit("2026-03-01T09:00:00+00:00", "customer-profile 2.0",
                {"docs/contracts/customer-profile.md": CONTRACT_V2})
    repo.commit("2026-03-01T10:00:00+00:00", "touch wallet",
                {"docs/intents/wallet.md": intent("Wallet", "depends_on: [checkout]") + "More prose.\n"})
    _, report = check_tree(repo.root)
    # wallet's last commit is after the change: checkout still stale, wallet no longer, and the
    # chain rewards → wallet → checkout is cut at wallet.
    assert set(stale(report)) == {"checkout", "early"}


def test_an_uncommitted_material_edit_flags_dependents_at_once(tmp_path):
    """Under `mkdocs serve` the working tree is the truth: an edit shows before any commit."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", base_tree())
    repo.write({"docs/contracts/customer-profile.md": CONTRACT_V2})
    _, report = check_tree(repo.root)
    assert {"checkout", "late", "early"} <= set(stale(report))
    assert "(uncommitted)" in stale(report)["checkout"]["message"]
    repo.write({"docs/contracts/customer-profile.md": CONTRACT_V1_PROSE})  # back to the committed material
    _, report = check_tree(repo.root)
    assert stale(report) == {}


def test_governs_globs_with_double_star(tmp_path):
    repo = Repo(tmp_path / "repo")
    governing = intent("Payments", "uses: [customer-profile]",
                       "governs: [src/payments/**/*.py, 'docs-src/api']\nreviewed: 2026-02-01\n")
    repo.commit("2026-01-10", "start", base_tree(**{
        "docs/intents/payments.md": governing,
        "src/payments/retry.py": "RETRIES = 3\n",
        "src/payments/deep/nested/charge.py": "def charge(): ...\n",
        "src/payments/README.md": "notes\n",
        "src/other/x.py": "x = 1\n",
        "docs-src/api/spec.yaml": "a: 1\n"}))
    repo.commit("2026-02-10", "unrelated files", {"src/payments/README.md": "more notes\n", "src/other/x.py": "x = 2\n"})
    _, report = check_tree(repo.root)
    assert stale(report, "stale-code") == {}

    sha = repo.commit("2026-02-20", "Charge twice", {"src/payments/deep/nested/charge.py": "def charge(): return 2\n"})
    code, report = check_tree(repo.root)
    found = stale(report, "stale-code")["payments"]
    assert found["line"] == 5 and found["severity"] == "warning"
    assert sha[:10] in found["message"] and "2026-02-20" in found["message"] and '"Charge twice"' in found["message"]
    assert "src/payments/deep/nested/charge.py" in found["message"] and "1 commit changed 1 matching file" in found["message"]

    repo.commit("2026-02-21", "api", {"docs-src/api/spec.yaml": "a: 2\n"})  # a folder name covers what is under it
    _, report = check_tree(repo.root)
    assert "2 commits changed 2 matching files" in stale(report, "stale-code")["payments"]["message"]

    repo.commit("2026-02-22", "review", {"docs/intents/payments.md": governing.replace("2026-02-01", "2026-02-22")})
    _, report = check_tree(repo.root)
    assert stale(report, "stale-code") == {}


def test_shallow_clone_reports_once_and_flags_nothing_false_then_stamps_decide(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-10", "start", base_tree(**{
        "docs/intents/payments.md": intent("Payments", "uses: [customer-profile]", "governs: ['src/**']\n"),
        "src/a.py": "a = 1\n"}))
    # Stamp two documents against 1.4.0 through the real command.
    for name in ("checkout", "late"):
        result = run_cli("review", name, str(repo.root))
        assert result.returncode == 0, result.stderr
    repo.commit("2026-01-11", "reviews")
    # `late` is re-stamped after the change; `checkout` keeps its 1.4.0 stamp.
    repo.commit("2026-03-01", "customer-profile 2.0", {"docs/contracts/customer-profile.md": CONTRACT_V2,
                                                       "src/a.py": "a = 2\n"})
    assert run_cli("review", "late", str(repo.root)).returncode == 0
    repo.commit("2026-03-02", "review late")

    _, full = check_tree(repo.root)
    assert set(stale(full)) == {"checkout", "wallet", "rewards", "early", "payments"}
    assert set(stale(full, "stale-code")) == {"payments"}
    assert "version 1.4.0 → 2.0.0" in stale(full)["checkout"]["message"]  # described from the stamped version

    clone = repo.shallow_clone(tmp_path / "clone")
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    _, report = check_tree(clone)
    shallow = [f for f in report["findings"] if f["rule"] == "shallow-history"]
    assert len(shallow) == 1 and shallow[0]["severity"] == "info" and shallow[0]["path"] is None
    assert "fetch-depth: 0" in shallow[0]["message"] and "stamps" in shallow[0]["message"]
    # Every file looks changed in the single commit of the clone: no date-based flag from that.
    assert set(stale(report, "stale-code")) == set()
    # Stamps decide: `checkout` was stamped on 1.4.0, `late` on 2.0.0. `early` is judged by
    # front-matter dates: the contract states none, so nothing can be said about it.
    found = stale(report)
    assert set(found) == {"checkout"}
    assert "since this intent stamped it" in found["checkout"]["message"]


def test_front_matter_dates_decide_outside_git(site):
    project = site({
        "decisions/0001-storage.md": "---\nstatus: accepted\ndate: 2026-03-01\ndefines:\n  store: postgres\n"
                                     "alternatives: [mysql]\n---\n# 1. Storage\n",
        "docs/intents/old.md": intent("Old", "depends_on: [ADR-0001]", "reviewed: 2026-02-01\n"),
        "docs/intents/new.md": intent("New", "depends_on: [ADR-0001]", "reviewed: 2026-03-02\n"),
    })
    _, report = check_tree(project)
    found = stale(report)
    assert set(found) == {"old"}
    assert "decided 2026-03-01" in found["old"]["message"]
    shallow = [f for f in report["findings"] if f["rule"] == "shallow-history"]
    assert len(shallow) == 1 and "not in a git repository" in shallow[0]["message"]


def test_no_review_dates_outside_git_means_no_shallow_history_noise(site):
    project = site({"docs/contracts/c.md": "---\nversion: '1.0.0'\n---\n# C\n",
                    "docs/intents/i.md": intent("I", "uses: [c]")})
    code, report = check_tree(project)
    assert (code, ours(report)) == (0, [])


def test_review_overdue(site):
    project = site({
        "docs/intents/due.md": intent("Due", "uses: []", "reviewed: 2020-01-01\nreview_every: 90d\n"),
        "docs/intents/fresh.md": intent("Fresh", "uses: []", "reviewed: 2999-01-01\nreview_every: 1y\n"),
        "docs/intents/gone.md": intent("Gone", "uses: []", "reviewed: 2020-01-01\nreview_every: 90d\n")
        .replace("status: draft", "status: abandoned"),
    })
    _, report = check_tree(project)
    found = stale(report, "review-overdue")
    assert set(found) == {"due"}
    assert found["due"]["line"] == 6 and "90 days" in found["due"]["message"]
    assert "reviewed 2020-01-01" in found["due"]["message"]


def test_review_overdue_defaults_to_the_last_commit(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("2020-05-01", "start", base_tree(**{
        "docs/intents/due.md": intent("Due", "uses: []", "review_every: 6w\n")}))
    _, report = check_tree(repo.root)
    assert "last committed 2020-05-01" in stale(report, "review-overdue")["due"]["message"]


def test_stale_rules_can_be_waived_and_switched_off(tmp_path):
    repo = Repo(tmp_path / "repo")
    tree = base_tree()
    tree["docs/intents/early.md"] = intent("Early", "uses: [customer-profile]",
                                           "reviewed: 2026-02-15\nignore: [stale-dependency]\n")
    tree["mkdocs.yml"] = mkdocs_yml(options="rules:\n  stale-code: 'off'\n")
    repo.commit("2026-01-10", "start", tree)
    repo.commit("2026-03-01", "v2", {"docs/contracts/customer-profile.md": CONTRACT_V2})
    _, report = check_tree(repo.root)
    assert "early" not in stale(report)
    assert [w["path"] for w in report["waived"]] == ["docs/intents/early.md"]


# --- staleness follows reliance (DESIGN §5 v1.1) --------------------------------------------

CONTRACT_V1_1 = CONTRACT_V1_PROSE.replace("'1.4.0'", "'1.5.0'").replace(
    '  customer.email: "string"', '  customer.email: "string"\n  customer.locale: string')
CONTRACT_EMAIL_CHANGED = CONTRACT_V1_PROSE.replace("'1.4.0'", "'1.5.0'").replace('"string"', "email")


def _reliance_repo(folder, files: dict[str, str], contract: str):
    """The customer contract and `files` committed in January; the contract edited in March."""
    from stale_trees import CONTRACT_V1

    repo = Repo(folder)
    repo.commit("2026-01-10", "start", {"mkdocs.yml": mkdocs_yml(), "docs/index.md": "# Home\n",
                                        "docs/contracts/customer-profile.md": CONTRACT_V1, **files})
    repo.commit("2026-03-01", "customer-profile edited", {"docs/contracts/customer-profile.md": contract})
    return repo.root


ADR_AFFECTS = ("---\nstatus: accepted\ndate: 2026-01-05\nalternatives: [x]\naffects: [customer-profile]\n"
               "---\n# 1. Emails are unique\n")


def _tree(files: dict[str, str], contract: str = CONTRACT_V1_1):
    return lambda folder: _reliance_repo(folder, files, contract)


RELIANCE_CASES = [
    # A decision that `affects` a contract is a record of its day: the contract moving on later
    # does not make it stale. An intent that `uses` the contract is.
    Case("stale-dependency",
         fires=_tree({"docs/intents/reader.md": intent("Reader", "uses: [customer-profile@1]")}),
         silent=_tree({"decisions/0001-unique-emails.md": ADR_AFFECTS})),
    # Nor does an intent that depends on the decision become stale two hops away.
    Case("stale-dependency",
         fires=_tree({"docs/intents/reader.md": intent("Reader", "depends_on: [customer-profile]")}),
         silent=_tree({"decisions/0001-unique-emails.md": ADR_AFFECTS,
                       "docs/intents/follows.md": intent("Follows", "depends_on: [ADR-0001]")})),
    # An intent that assumes one fact of the contract is stale when that fact changes, not when
    # an unrelated fact is added in a minor version.
    Case("stale-dependency",
         fires=_tree({"docs/intents/mailer.md": intent("Mailer", "uses: [customer-profile@1]",
                                                       "assumes:\n  customer.email: string\n")},
                     CONTRACT_EMAIL_CHANGED),
         silent=_tree({"docs/intents/mailer.md": intent("Mailer", "uses: [customer-profile@1]",
                                                        "assumes:\n  customer.email: string\n")})),
]


@pytest.mark.parametrize("case", RELIANCE_CASES, ids=str)
def test_staleness_follows_reliance_only(case, tmp_path):
    case.verify(tmp_path)


def test_an_assumed_fact_changing_names_that_fact_and_nothing_else(tmp_path):
    assumer = intent("Mailer", "uses: [customer-profile@1]", "assumes:\n  customer.status: [active, closed]\n")
    root = _reliance_repo(tmp_path / "repo", {"docs/intents/mailer.md": assumer}, CONTRACT_V1_1)
    _, report = check_tree(root)
    assert stale(report) == {}  # customer.locale added: nothing the mailer assumes
    repo = Repo.__new__(Repo)
    repo.root = root
    repo.commit("2026-04-01", "suspended customers", {"docs/contracts/customer-profile.md": CONTRACT_V1_1.replace(
        "    - active", "    - active\n    - suspended").replace("'1.5.0'", "'1.6.0'")})
    repo.commit("2026-04-02", "another unrelated field", {"docs/contracts/customer-profile.md": CONTRACT_V1_1.replace(
        "    - active", "    - active\n    - suspended").replace("'1.5.0'", "'1.7.0'").replace(
        "customer.locale: string", "customer.locale: string\n  customer.tz: string")})
    _, report = check_tree(root)
    message = stale(report)["mailer"]["message"]
    # The latest change that matters is April 1st's, told by the fact assumed, not the tz field.
    assert "2026-04-01" in message and "`customer.status` gained `suspended`" in message
    assert "customer.tz" not in message and "customer.locale" not in message
