"""`benchmarks/` stays runnable by anyone: each script runs on a tiny corpus and prints its
table. What the numbers are is measured by running them in full (docs/performance.md)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _run(*args: str) -> str:
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300, cwd=BENCHMARKS)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _rows(table: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in table.splitlines()
            if line.startswith("|") and not line.startswith("|---")][1:]


def test_check_parts_times_every_part_beside_the_floor():
    rows = {row[0]: row for row in _rows(_run("check_parts.py", "40"))}
    assert list(rows) == ["floor: read + C-loader parse", "discover the files", "load: read, parse, validate",
                          "graph", "rules", "whole check", "whole check, cold, filling the cache",
                          "saving the filled cache", "load from the cache (warm)", "whole check, warm"]
    assert rows["floor: read + C-loader parse"][2] == "1.00×"
    assert all(re.fullmatch(r"\d+\.\d{3} s", row[1]) for row in rows.values())


def test_rules_benchmark_lists_each_family():
    out = _run("rules.py", "40")
    families = {row[0] for row in _rows(out)}
    assert {"load (read, parse, validate)", "graph", "rules: strategic", "rules: semantic", "rules: stale"} <= families
    assert "All rules at 40 intents:" in out


def test_history_benchmark_counts_git_processes():
    out = _run("history.py", "--documents", "30", "--commits", "12", "--sample", "3")
    rows = _rows(out)
    cold = next(row for row in rows if row[0].startswith("history pass, cold cache"))
    assert int(cold[1]) < 30  # one pass, never a git process per file
    assert any(row[0].startswith("`git log -1 -- PATH` per file") and row[1] == "30" for row in rows)


def test_check_cpu_times_the_cache_and_the_pool_beside_the_floor():
    rows = {row[0]: row for row in _rows(_run("check_cpu.py", "40", "--findings"))}
    assert list(rows) == ["floor: read + C-loader parse", "cold check (fills its cache), 1 process",
                          "cold check (fills its cache), 2 processes", "cold check, --no-cache, 1 process",
                          "warm check after one edit"]
    assert rows["floor: read + C-loader parse"][2] == "1.00×"
    assert all(re.fullmatch(r"\d+\.\d{2} s", row[1]) for row in rows.values())


def test_profile_build_times_each_event_of_the_plugin_and_a_rebuild():
    out = _run("profile_build.py", "--documents", "30", "--theme", "mkdocs", "--repeat", "1")
    times = {line.split()[0]: line.split() for line in out.splitlines() if line.startswith("  ")}
    assert {"on_files", "on_page_content", "on_post_page"} <= set(times)
    assert all(re.fullmatch(r"\d+\.\d{3}", row[-2]) for row in times.values())
    assert float(times["on_files"][-2]) > 0  # the check ran inside the build
    rebuilt = _run("profile_build.py", "--documents", "30", "--theme", "mkdocs", "--repeat", "1", "--rebuild",
                   "--dirty")
    assert re.search(r"^rebuilds: \d+\.\d\d s; best", rebuilt, re.M)
