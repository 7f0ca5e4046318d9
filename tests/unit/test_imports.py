"""No module of bot/ or handlers/ imports itself in a circle (issue 14).

A circle makes the import order matter and hides which layer needs which; it used to be
dodged by imports inside functions. Imports inside a function or under TYPE_CHECKING are
not module-level and do not count here (they are listed in the README's Layout section
while they last); every other import does.
"""

from __future__ import annotations

from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers")


def source_lines(module: str) -> list[str]:
    base = ROOT.joinpath(*module.split("."))
    path = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
    return path.read_text(encoding="utf-8").splitlines()


def module_level_graph(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    """Who imports whom at module level: an import at column 0 of the importer's source."""
    edges: dict[str, set[str]] = {}
    for importer in graph.modules:
        if importer.split(".")[0] not in PACKAGES:
            continue
        lines = source_lines(importer)
        for imported in graph.find_modules_directly_imported_by(importer):
            details = graph.get_import_details(importer=importer, imported=imported)
            if any(not lines[d["line_number"] - 1][:1].isspace() for d in details):
                edges.setdefault(importer, set()).add(imported)
    return edges


def find_circle(edges: dict[str, set[str]]) -> list[str] | None:
    """One circle of imports, as the modules along it (the first again at the end)."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        for imported in sorted(edges.get(module, ())):
            circle = visit(imported, [*path, module])
            if circle:
                return circle
        done.add(module)
        return None

    for module in sorted(edges):
        circle = visit(module, [])
        if circle:
            return circle
    return None


def test_find_circle_names_the_modules_along_it() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_circle(edges) == ["a", "b", "c", "a"]
    assert find_circle({"a": {"b"}, "b": set(), "d": {"a", "b"}}) is None


def test_module_level_imports_only() -> None:
    """An import inside a function is no module-level edge; one at the top is."""
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)
    edges = module_level_graph(graph)
    assert "bot.services.counts" in edges["bot.services.understanding.reader"]
    # bot/__main__.py imports the app inside main() only, so the CLI starts fast.
    assert "bot.app" not in edges.get("bot.__main__", set())
    assert "bot.app" in graph.find_modules_directly_imported_by("bot.__main__")


def test_no_module_imports_in_a_circle() -> None:
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)
    circle = find_circle(module_level_graph(graph))
    assert circle is None, "modules import each other in a circle: " + " -> ".join(circle or [])
