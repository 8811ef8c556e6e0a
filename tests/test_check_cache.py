"""The parsed-source cache of `coherence check` and its process pool (ADR-0020): a warm check
gives byte for byte the report of a cold one, whatever happened to the files or the cache
in between, re-reads only what changed, and a pool gives the report one process gives."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, SHARED, run_cli, write_tree
from mkdocs_coherence.check import check
from mkdocs_coherence.cli.output import render
from mkdocs_coherence.core.cache import DocumentStore
from mkdocs_coherence.core.config import read_mkdocs_yml
from mkdocs_coherence.rules.catalogue import RULES

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import write_corpus  # noqa: E402

OLD = 1_600_000_000  # 2020: a modification time far from any cache write (no racy doubt)

ODD = {  # what the cache must give back exactly, or leave uncached
    "docs/intents/aliases.md": "---\nstatus: active\nowners: &team [web, app]\ntags: *team\nwhy: it *matters*\n---\n# A\n",
    "docs/intents/latin1.md": b"---\nstatus: active\nwhy: caf\xe9\n---\n# Latin-1\n",
    "docs/intents/empty.md": "",
    "docs/intents/datetime.md": "---\nstatus: active\nreviewed: 2026-01-05 10:00:00\n---\n# Time\n",
    "docs/intents/keys.md": "---\nstatus: active\n1: one\nassumes: {2: x, payments.on_error: retry}\n---\n# Keys\n",
    "docs/intents/twice.md": "---\nstatus: active\nstatus: draft\ngoal: [a, 1.5, .nan, null, true]\n---\n# Twice\n",
    "docs/intents/bad.md": "---\nstatus: [active\n---\n# Bad YAML\n",
    "docs/intents/unclosed.md": "---\nstatus: active\n# never closed\n",
    "docs/intents/dated.md": "---\nstatus: shipped\nshipped: 2026-01-15\noutcomes: [{metric: m, value: 1, "
                             "measured: 2026-03-01}]\nsuccess: [{metric: m, target: '>= 2'}]\n---\n# Dated\n",
    "docs/contracts/crlf.md": "---\r\nversion: 1.0.0\r\nstatus: active\r\n---\r\n# CRLF\r\n",
    "decisions/0100-in-place.md": "# 100. In place\n\nDate: 05/02/2018\n\n## Status\n\nAccepted\n\nSupersedes [1](0001-x.md)\n",
}


def _tree(root: Path) -> Path:
    shutil.copytree(REPO / "tests" / "realistic" / "files", root, ignore=shutil.ignore_patterns("versions"))
    real = SHARED / "corpora" / "adr-real-2"
    if real.is_dir():  # records read in place, as teams wrote them
        project = sorted(folder for folder in real.iterdir() if folder.is_dir())[0]
        shutil.copytree(project, root / "decisions" / "real")
    return write_tree(root, ODD)


def _report(project: Path, *extra: str) -> str:
    result = run_cli("check", str(project), "--format", "json", *extra)
    assert result.returncode in (0, 1, 2) and "Traceback" not in result.stderr, result.stderr
    return result.stdout


def _cache(project: Path) -> Path:
    return project / ".cache" / "coherence" / "documents-v1"


def _entries(project: Path) -> dict[str, list]:
    entries = {}
    for shard in _cache(project).glob("*.json"):
        entries.update(_shard(shard)[1])
    return entries


def _shard(file: Path) -> tuple[dict, dict]:
    """(header line, entries): a shard is its header and digest on line 1, its entries on line 2."""
    head, _, body = file.read_bytes().partition(b"\n")
    return json.loads(head), json.loads(body)


def _shard_of(project: Path, path: Path) -> Path:
    return next(shard for shard in _cache(project).glob("*.json")
                if str(path) in _shard(shard)[1])


def _same_warm_and_cold(project: Path) -> str:
    cold = _report(project, "--no-cache")
    warm = _report(project)
    assert warm == cold
    assert _report(project) == cold  # and again, all from the cache
    return cold


def _age(project: Path) -> None:
    """Every file modified long ago, and 2 s passed: the cache then trusts stamps, not contents."""
    for path in project.rglob("*.md"):
        os.utime(path, (OLD, OLD))
    time.sleep(2.1)


def test_warm_check_equals_cold_check_after_edits_renames_deletions_and_a_damaged_cache(tmp_path):
    project = _tree(tmp_path / "project")
    before = _same_warm_and_cold(project)
    assert _entries(project) and not (project / "docs" / ".cache").exists()
    assert (project / ".cache" / "coherence" / ".gitignore").read_text() == "*\n"
    assert len(json.loads(before)["findings"]) > 10

    intent = project / "docs" / "intents" / "dated.md"
    intent.write_text(intent.read_text().replace("status: shipped", "status: shipped\nsurprise: 1"))
    edited = _same_warm_and_cold(project)
    assert "surprise" in edited and "surprise" not in before

    twice = project / "docs" / "intents" / "twice.md"
    twice.rename(twice.with_name("renamed.md"))
    renamed = _same_warm_and_cold(project)
    assert "renamed.md" in renamed and "twice.md" not in renamed

    gone = sorted((project / "docs" / "contracts").glob("*.md"))[0]
    gone.unlink()
    deleted = _same_warm_and_cold(project)
    assert deleted != renamed
    assert str(gone) not in _entries(project)  # pruned
    assert str(intent) in _entries(project)

    # The same size, the same modification time, the same inode: only the contents differ.
    _age(project)
    assert _report(project) == deleted
    stamp = intent.stat()
    text = intent.read_text()
    with open(intent, "r+", encoding="utf-8") as handle:  # in place: the inode stays
        handle.write(text.replace("status: shipped", "status: shopped"))
    os.utime(intent, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert (intent.stat().st_size, intent.stat().st_mtime_ns, intent.stat().st_ino) == \
        (stamp.st_size, stamp.st_mtime_ns, stamp.st_ino)
    replaced = _same_warm_and_cold(project)
    assert "shopped" in replaced and "shopped" not in deleted

    # A damaged cache: entries that no longer match the shard's digest; an entry of a foreign
    # shape under a matching digest; then a truncated file.
    shard = _shard_of(project, intent)
    head, entries = _shard(shard)
    shard.write_text(json.dumps(head) + "\n" + json.dumps(entries).replace("shopped", "shipped"))
    assert _report(project) == replaced
    shard = _shard_of(project, intent)
    head, entries = _shard(shard)
    entries[str(intent)][5] = [True, [], ["intent", 7, None, "x", {}, [], False, None, [], None, [], False, False]]
    body = json.dumps(entries).encode()
    head["digest"] = hashlib.blake2b(body, digest_size=16).hexdigest()
    shard.write_bytes(json.dumps(head).encode() + b"\n" + body)
    assert _report(project) == replaced
    shard.write_bytes(shard.read_bytes()[:100])
    assert _same_warm_and_cold(project) == replaced
    for shard in _cache(project).glob("*.json"):
        shard.write_text('{"header": 1, "entries": []}')
    assert _same_warm_and_cold(project) == replaced


def test_after_one_edit_a_warm_check_reads_one_file(tmp_path):
    project = _tree(tmp_path / "project")
    settings = read_mkdocs_yml(project / "mkdocs.yml", RULES)
    folder = project / ".cache" / "coherence"

    def run() -> DocumentStore:
        store = DocumentStore(folder, settings)
        check(settings, cache=store)
        store.save()
        return store

    first = run()
    assert first.hits == 0 and first.reads > 40
    _age(project)  # (changing a modification time changes the ctime: every file is read again once)
    assert run().hits == 0
    warm = run()
    # Read again each time: YAML aliases (objects shared between places), and records whose date
    # is ambiguous (the other records of their folder decide it): ODD's 0100-in-place.md, and
    # one record of the real corpus. A time of day, a NaN or a number as a key are not kept in
    # the validated values, so those files are kept.
    uncached = {"aliases.md", "0100-in-place.md"} | ({"ADR023"} if (project / "decisions" / "real").is_dir() else set())
    assert warm.reads == len(uncached) and warm.hits == first.reads - len(uncached)
    edited = project / "docs" / "intents" / "dated.md"
    edited.write_text(edited.read_text() + "\nOne more line.\n")
    written = {shard: shard.stat().st_mtime_ns for shard in _cache(project).glob("*.json")}
    after = run()
    assert after.reads == len(uncached) + 1 and after.hits == warm.hits - 1
    rewritten = [shard for shard in _cache(project).glob("*.json") if shard.stat().st_mtime_ns != written[shard]]
    assert rewritten == [_shard_of(project, edited)]  # one edit, one small file written


def test_the_cache_is_left_alone_with_no_cache(tmp_path):
    project = _tree(tmp_path / "project")
    _report(project, "--no-cache")
    assert not _cache(project).exists()
    env = {**os.environ, "COHERENCE_NO_CACHE": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs_coherence", "check", str(project)], env=env, capture_output=True)
    assert not _cache(project).exists()


def test_checks_running_at_once_never_corrupt_the_cache(tmp_path):
    project = _tree(tmp_path / "project")
    cold = _report(project, "--no-cache")
    for _ in range(2):
        runs = [subprocess.Popen([sys.executable, "-m", "mkdocs_coherence", "check", str(project), "--format", "json"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert [out for out, _ in outputs] == [cold] * 4, [err for _, err in outputs]
    assert _entries(project)  # whole: each writer replaced each file atomically
    assert not [p for p in _cache(project).iterdir() if p.suffix == ".tmp"]
    assert _report(project) == cold


# --- the process pool ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """1,200 documents, above the pool's threshold, with findings and odd files among them."""
    root = write_corpus(tmp_path_factory.mktemp("big") / "project", 1200)
    return write_tree(root, ODD)


def _pooled_report(project: Path, store: DocumentStore) -> str:
    settings = read_mkdocs_yml(project / "mkdocs.yml", RULES)
    try:
        report = check(settings, cache=store)
    finally:
        store.close()
    return render(report, "json", settings)


def test_a_pool_gives_the_report_one_process_gives(big, monkeypatch):
    settings = read_mkdocs_yml(big / "mkdocs.yml", RULES)
    monkeypatch.setenv("COHERENCE_WORKERS", "1")
    alone = DocumentStore(None, settings)
    one = _pooled_report(big, alone)
    assert alone.pooled == 0 and alone.reads > 1200
    monkeypatch.setenv("COHERENCE_WORKERS", "2")
    shared = DocumentStore(None, settings)
    assert _pooled_report(big, shared) == one
    assert shared.pooled > 1150  # all but the files a link or a stat kept out


class _KilledPool(DocumentStore):
    """A store whose pool's workers are killed as soon as they start (a real SIGKILL)."""

    def prepare(self, jobs):
        super().prepare(jobs)
        assert self._pending is not None
        for process in list(self._pending.executor._processes.values()):
            os.kill(process.pid, signal.SIGKILL)


def test_a_pool_whose_workers_die_falls_back_to_one_process(big, monkeypatch):
    settings = read_mkdocs_yml(big / "mkdocs.yml", RULES)
    monkeypatch.setenv("COHERENCE_WORKERS", "1")
    one = _pooled_report(big, DocumentStore(None, settings))
    monkeypatch.setenv("COHERENCE_WORKERS", "2")
    broken = _KilledPool(None, settings)
    assert _pooled_report(big, broken) == one
    assert broken.pooled < 1200 and broken.reads > 1200


def test_the_cli_uses_the_pool_and_the_cache_together(big, tmp_path):
    project = tmp_path / "copy"
    shutil.copytree(big, project)
    env = {**os.environ, "COHERENCE_WORKERS": "1"}
    alone = subprocess.run([sys.executable, "-m", "mkdocs_coherence", "check", str(project), "--format", "json",
                            "--no-cache"], env=env, capture_output=True, text=True).stdout
    env["COHERENCE_WORKERS"] = "2"
    cold = subprocess.run([sys.executable, "-m", "mkdocs_coherence", "check", str(project), "--format", "json"],
                          env=env, capture_output=True, text=True).stdout
    assert cold == alone and _entries(project)
    assert _report(project) == alone


def test_a_spawned_pool_as_on_macos_and_windows_gives_the_same_report(big, tmp_path):
    """Workers started fresh (spawn) import what they run anew: the report is still the same."""
    env = {**os.environ, "COHERENCE_WORKERS": "1"}
    command = [sys.executable, "-m", "mkdocs_coherence", "check", str(big), "--format", "json", "--no-cache"]
    alone = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    env.update(COHERENCE_WORKERS="2", COHERENCE_POOL_START="spawn")
    spawned = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in spawned.stderr, spawned.stderr
    assert spawned.stdout == alone.stdout and json.loads(alone.stdout)["summary"]["documents"] > 1200


def test_a_setting_validation_reads_makes_every_file_validated_again(tmp_path):
    """The words a team's records use (`statuses`), the risk tiers (`gates`): validation depends
    on them, so a warm check after changing them is the cold check of the new settings."""
    project = _tree(tmp_path / "project")
    write_tree(project, {"decisions/0300-shipped-word.md": "# 300. Use queues\n\nDate: 2026-01-05\n\n## Status\n\n"
                                                            "Ratified\n\n## Decision\n\nQueues.\n"})
    before = _same_warm_and_cold(project)
    assert "'Ratified' is none of a decision's statuses" in before
    config = project / "mkdocs.yml"
    text = config.read_text()
    assert "  - coherence:\n" in text
    config.write_text(text.replace("  - coherence:\n", "  - coherence:\n      statuses: {ratified: accepted}\n", 1))
    after = _report(project)  # the cache of the old settings is there
    assert after == _report(project, "--no-cache")
    assert "Ratified" not in after and after != before
