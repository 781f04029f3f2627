"""The shape of the code: no import cycle anywhere in `newscrawler/`, a top-level package that
imports nothing heavy, and test modules that share code only through `tests/support/`."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.support.paths import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "newscrawler"
TESTS = PROJECT_ROOT / "tests"


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(tree: ast.AST, package: str, known: set[str]) -> Iterator[str]:
    """The modules of `known` that the import statements anywhere in `tree` name: at the top,
    in functions (deferred imports), under `if TYPE_CHECKING:`. `from a import b` names the
    module `a.b` if there is one, else `a`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative to the module's package
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield submodule if submodule in known else base


def with_packages(module: str, importer: str) -> set[str]:
    """What importing `module` runs: the module and the packages it is in (`a.b.c`: `a`,
    `a.b`, `a.b.c`), except those the importer is itself in (they run before it does)."""
    parts = module.split(".")
    chain = {".".join(parts[:n]) for n in range(1, len(parts) + 1)}
    importer_parts = importer.split(".")
    own = {".".join(importer_parts[:n]) for n in range(1, len(importer_parts))}
    return (chain - own) | {module}


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of the same tree that importing it runs first."""
    paths = {module_name(path): path for path in root.rglob("*.py")}
    known = set(paths)
    graph = {}
    for module, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        runs: set[str] = set()
        for imported in imported_modules(tree, package, known):
            runs |= with_packages(imported, module)
        graph[module] = {name for name in runs if name in known and name != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected component with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_deferred_and_type_only_imports_and_packages() -> None:
    graph = import_graph(PACKAGE)
    assert "newscrawler.extract" in graph["newscrawler.__main__"]  # inside a function
    assert "newscrawler.items" in graph["newscrawler.spiders.base"]  # under TYPE_CHECKING
    # importing newscrawler.sites.rules runs newscrawler/sites/__init__.py first
    assert "newscrawler.sites" in graph["newscrawler.extract.document"]
    assert "newscrawler.state" not in graph["newscrawler.state.base"]  # its own package


def test_no_import_cycle_in_the_package() -> None:
    assert cycles(import_graph(PACKAGE)) == []


def test_the_site_registry_and_the_extractor_import_in_either_order() -> None:
    # the extractor looks site rules up in the registry; the registry imports no extractor
    for first in ("newscrawler.sites", "newscrawler.extract"):
        subprocess.run([sys.executable, "-c", f"import {first}"], cwd=PROJECT_ROOT, check=True)


def test_test_modules_import_no_other_test_module() -> None:
    graph = import_graph(TESTS)
    shared = {
        (module, target)
        for module, targets in graph.items()
        for target in targets
        if not target.startswith("tests.support")
    }
    assert shared == set()


def test_importing_small_modules_loads_no_extraction() -> None:
    script = (
        "import sys, newscrawler.text, newscrawler.dates, newscrawler.urls\n"
        "heavy = sorted(m for m in ('trafilatura', 'newscrawler.extract', 'newscrawler.sites')"
        " if m in sys.modules)\n"
        "assert not heavy, heavy\n"
        "from newscrawler import NewsArticle, extract_article\n"
        "assert callable(extract_article) and NewsArticle.__name__ == 'NewsArticle'\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, check=True)
