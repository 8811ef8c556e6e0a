"""The folders are the architecture (DESIGN §6): these tests read the package's source with
`ast` and fail when a module imports upwards, when modules import each other in a cycle, when
MkDocs leaks out of its face, or when code outside `edits/` and the site's writer writes files."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "plugin" / "mkdocs_coherence"
NAME = "mkdocs_coherence"

# Layers, lowest first: a module may import its own layer's modules or lower ones only.
# `site` and `edits` share a rank but not each other: neither should need the other.
RANK = {"core": 0, "rules": 1, "check": 2, "site": 3, "edits": 3, "cli": 4, "face": 4, "package": 5}
APART = {frozenset({"site", "edits"})}
FACE = {"plugin", "publish"}  # the MkDocs face: the only modules that may import mkdocs
# The only code that writes files: the user's (edits/), the site's (its writer), and two of our
# own: the fingerprint cache under .cache/, and a base revision's files in a temporary folder.
WRITERS = {"edits", "site.writer", "core.cache", "core.git"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> str:
    head = module.split(".")[0] if module else ""
    if head in FACE:
        return "face"
    if head in ("", "__main__"):
        return "package"
    return head


def modules() -> dict[str, ast.Module]:
    return {module_name(path): ast.parse(path.read_text(encoding="utf-8"), str(path))
            for path in sorted(PACKAGE.rglob("*.py"))}


def imported(tree: ast.Module, module: str, is_package: bool) -> list[tuple[str, int, bool]]:
    """(imported module of this package, line, at module level) for every import, including
    those inside functions (the lazy ones still point somewhere)."""
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join([NAME, *base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            names = [target] + [f"{target}.{alias.name}" for alias in node.names]
        for name in names:
            if name == NAME or name.startswith(NAME + "."):
                found.append((name[len(NAME) + 1:], node.lineno, id(node) in top_level))
    return found


def resolve(name: str, known: set[str]) -> str | None:
    """The module an imported name lives in (`core.values.parse_range` -> `core.values`)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name if name in known else None


@pytest.fixture(scope="module")
def source() -> dict[str, ast.Module]:
    return modules()


def test_the_folders_show_the_wings():
    for wing in ("core", "rules", "site", "edits", "cli"):
        assert (PACKAGE / wing / "__init__.py").is_file(), wing
    for face in ("check.py", "plugin.py", "publish.py", "py.typed"):
        assert (PACKAGE / face).is_file(), face


def test_imports_point_down_only(source):
    known = set(source)
    wrong = []
    for module, tree in source.items():
        is_package = (PACKAGE / module.replace(".", "/") / "__init__.py").is_file()
        for name, line, _ in imported(tree, module, is_package):
            target = resolve(name, known)
            if target is None or target == module or target == "":
                continue  # the package root holds only `__version__` and the lazy public face
            here, there = layer_of(module), layer_of(target)
            if RANK[there] > RANK[here] or frozenset({here, there}) in APART:
                wrong.append(f"{module}:{line} imports {target} ({here} -> {there})")
    assert wrong == []


def test_no_import_cycle_between_modules(source):
    known = set(source)
    graph = nx.DiGraph()
    for module, tree in source.items():
        is_package = (PACKAGE / module.replace(".", "/") / "__init__.py").is_file()
        for name, _, at_top in imported(tree, module, is_package):
            target = resolve(name, known)
            # A package's __init__ is run by importing any of its modules: not an edge of its own.
            if target and target != module and at_top and not module.startswith(target + ".") and target != "":
                graph.add_edge(module, target)
    cycles = list(nx.simple_cycles(graph))
    assert cycles == []


def test_only_the_face_imports_mkdocs(source):
    leaks = []
    for module, tree in source.items():
        if layer_of(module) == "face":
            continue
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            leaks += [f"{module}:{node.lineno} imports {n}" for n in names if n == "mkdocs" or n.startswith("mkdocs.")]
    assert leaks == []


WRITE_CALLS = {"write_text", "write_bytes", "mkdir", "unlink", "rename", "rmtree", "symlink_to", "touch",
               "mkstemp", "mkdtemp", "extract", "NamedTemporaryFile", "TemporaryDirectory", "chmod", "extractall"}
OS_WRITE_CALLS = {"replace", "remove", "rmdir", "makedirs", "rename"}  # `str.replace`, `list.remove` are not writes


def _writes(tree: ast.Module) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name == "open":
            modes = [a for a in node.args[1:2]] + [k.value for k in node.keywords if k.arg == "mode"]
            for mode in modes:
                if not (isinstance(mode, ast.Constant) and isinstance(mode.value, str)) or set(mode.value) & set("wax+"):
                    found.append((node.lineno, f"open(mode={ast.unparse(mode)})"))
        elif name in WRITE_CALLS or (name in OS_WRITE_CALLS and isinstance(func, ast.Attribute)
                                         and isinstance(func.value, ast.Name) and func.value.id in ("os", "shutil")):
            found.append((node.lineno, name))
    return found


def test_only_edits_and_the_site_writer_write_files(source):
    writers = []
    for module, tree in source.items():
        if any(module == allowed or module.startswith(allowed + ".") for allowed in WRITERS):
            continue
        writers += [f"{module}:{line} {what}" for line, what in _writes(tree)]
    assert writers == []


def test_the_write_detector_sees_writes():
    """The test above is only as good as its detector."""
    tree = ast.parse("open(p, 'w')\nopen(p, mode='ab')\nPath(p).write_text('x')\nos.replace(a, b)\n"
                     "open(p)\n'a'.replace('a', 'b')\nopen(p, 'rb')\nfiles.remove(f)\n")
    assert [line for line, _ in _writes(tree)] == [1, 2, 3, 4]


def test_the_import_checker_sees_an_upward_import():
    tree = ast.parse("from mkdocs_coherence.site.model import SiteModel\n"
                     "def lazy():\n    from ..cli import main\n")
    found = imported(tree, "core.graph", is_package=False)
    assert ("site.model.SiteModel", 1, True) in found and ("cli.main", 3, False) in found
    assert RANK[layer_of("site.model")] > RANK[layer_of("core.graph")]
