"""Where one `mkdocs build` with the plugin spends its time, in one process.

    python benchmarks/profile_build.py [--documents 1000] [--theme material] [--tidy]
                                       [--repeat 3] [--profile] [--rebuild]

Writes a corpus (`benchmarks/corpus.py`; the findings corpus unless `--tidy`), builds it once
to warm the caches a real run has (bytecode, compiled templates), then builds it `--repeat`
times and prints, for the best build, the wall time and the time spent inside each of the
plugin's events (inclusive: what the plugin costs the build, event by event). `--rebuild`
times a second build in the same process after editing one document, as `mkdocs serve` does
on save (the plugin instance and its caches kept). `--profile` also prints the top of a
cProfile of one build, by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import write_corpus  # noqa: E402

EVENTS = ("on_config", "on_files", "on_nav", "on_page_read_source", "on_page_markdown", "on_page_content",
          "on_post_page", "on_post_build")


def timed_plugin(config, spent: dict[str, float]) -> None:
    """Wrap the coherence plugin's event handlers (as registered with MkDocs) with timers."""
    plugins = config.plugins
    ours = plugins.get("coherence")
    if ours is None:
        return
    for event in EVENTS:
        handlers = plugins.events.get(event.removeprefix("on_"), [])
        for position, handler in enumerate(handlers):
            if getattr(handler, "__self__", None) is ours:
                def wrapped(*args, _handler=handler, _event=event, **kwargs):
                    started = time.perf_counter()
                    try:
                        return _handler(*args, **kwargs)
                    finally:
                        spent[_event] += time.perf_counter() - started
                handlers[position] = wrapped


def timed_pages(spent: dict[str, float]) -> None:
    """Time MkDocs' own work on the generated pages (Markdown, theme, other plugins) apart."""
    from mkdocs.commands import build as module

    for name in ("_populate_page", "_build_page"):
        original = getattr(module, name)
        original = getattr(original, "__wrapped__", original)

        def wrapped(page, *args, _original=original, **kwargs):
            started = time.perf_counter()
            try:
                return _original(page, *args, **kwargs)
            finally:
                if page.file.src_uri.startswith("coherence/"):
                    spent["MkDocs: generated pages"] += time.perf_counter() - started
        wrapped.__wrapped__ = original
        setattr(module, name, wrapped)


def build_once(root: Path, site: Path, dirty: bool = False, command: str = "build") -> tuple[float, dict]:
    """(wall seconds, {part: seconds}); the CPU seconds of this process are under "CPU"."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command=command, dirty=dirty)
    spent: dict[str, float] = defaultdict(float)
    timed_plugin(config, spent)
    timed_pages(spent)
    started, cpu = time.perf_counter(), time.process_time()
    build(config, dirty=dirty)
    spent["CPU"] = time.process_time() - cpu
    return time.perf_counter() - started, dict(spent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--theme", default="material")
    parser.add_argument("--tidy", action="store_true", help="the tidy corpus (default: findings)")
    parser.add_argument("--plain", action="store_true", help="without the plugin")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--rebuild", action="store_true", help="time rebuilds after one edit, as serve does")
    parser.add_argument("--dirty", action="store_true", help="rebuilds with --dirty")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--dump", type=Path, help="write the cProfile stats there (pstats format)")
    parser.add_argument("--one-entry", action="store_true", help="name only the overview in nav (one entry)")
    parser.add_argument("--prune", action="store_true", help="mkdocs-material's navigation.prune feature")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        root = write_corpus(Path(folder) / "corpus", args.documents, theme=args.theme, plugin=not args.plain,
                            findings=not args.tidy)
        site = Path(folder) / "site"
        if args.prune:
            config = root / "mkdocs.yml"
            config.write_text(config.read_text().replace("theme: material\n", "theme:\n  name: material\n"
                                                                             "  features: [navigation.prune]\n"))
        if args.one_entry:
            config = root / "mkdocs.yml"
            config.write_text(config.read_text().replace("  - index.md\n", "  - index.md\n  - Coherence: coherence/index.md\n"))
        command = "serve" if args.rebuild else "build"
        first, _ = build_once(root, site, command=command)
        print(f"first build: {first:.2f} s")
        results = []
        for round_ in range(args.repeat):
            if args.rebuild:
                with open(root / "docs/intents/intent-000001.md", "a") as handle:
                    handle.write(f"\nOne more sentence ({round_}).\n")
            results.append(build_once(root, site, dirty=args.dirty, command=command))
        best, spent = min(results, key=lambda r: r[0]) if results else (first, {"CPU": 0.0})
        print(f"{'rebuild' if args.rebuild else 'build'}s: " + ", ".join(f"{r[0]:.2f}" for r in results)
              + f" s; best {best:.2f} s; CPU " + ", ".join(f"{r[1]['CPU']:.2f}" for r in results)
              + f" s; best {spent['CPU']:.2f} s")
        for event in EVENTS:
            if event in spent:
                print(f"  {event:22s} {spent[event]:7.3f} s")
        print(f"  {'plugin, all events':22s} {sum(v for k, v in spent.items() if k in EVENTS):7.3f} s")
        for key in sorted(set(spent) - set(EVENTS) - {"CPU"}):
            print(f"  {key:22s} {spent[key]:7.3f} s")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            build_once(root, site, command=command)
            profiler.disable()
            stats = pstats.Stats(profiler)
            if args.dump:
                stats.dump_stats(args.dump)
            stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
