"""The import graph of lltk (``lltk/`` and ``sampling/`` as ``lltk.sampling``): no circles,
imports inside functions included (they hid one), and no import upwards between layers
(issue 29). Read with ast, so nothing is imported."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: Packages and what they may not import: the core knows nothing above it; no library
#: module reaches up into the command line.
FORBIDDEN = {
    "lltk.topology": ("lltk.paraview", "lltk.render", "lltk.commands", "lltk.cli",
                      "lltk.study", "lltk.sampling", "lltk.web"),
    "lltk.sampling": ("lltk.paraview", "lltk.render", "lltk.commands", "lltk.cli",
                      "lltk.study", "lltk.web"),
    "lltk.paraview": ("lltk.commands", "lltk.cli", "lltk.study", "lltk.web"),
    "lltk.render": ("lltk.commands", "lltk.cli", "lltk.web"),
    "lltk.study": ("lltk.commands", "lltk.cli", "lltk.web"),
    "lltk.web": ("lltk.commands", "lltk.cli"),
    "lltk.commands": ("lltk.cli",),
}  # fmt: skip


def _modules() -> dict[str, Path]:
    found = {}
    for base, package in ((REPO / "lltk", "lltk"), (REPO / "sampling", "lltk.sampling")):
        for path in base.rglob("*.py"):
            parts = path.relative_to(base).with_suffix("").parts
            parts = parts[:-1] if parts[-1] == "__init__" else parts
            found[".".join((package, *parts))] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the lltk modules it imports anywhere in its body (a name imported from a
    package counts as the package unless it is a module itself)."""
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    keep = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*keep, base] if base else keep)
                for a in node.names:
                    dotted = f"{base}.{a.name}"
                    names.add(dotted if dotted in modules else base)
        targets = {resolve(n) for n in names if n.startswith("lltk")}
        graph[module] = {t for t in targets if t and t != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_circles():
    graph = import_graph()
    assert len(graph) > 50, "the graph lost its modules: has the layout changed?"
    assert cycles(graph) == []


def test_no_imports_upwards_between_layers():
    upward = [
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for layer, above in FORBIDDEN.items()
        if module == layer or module.startswith(layer + ".")
        for target in targets
        if any(target == a or target.startswith(a + ".") for a in above)
    ]
    assert upward == []


def test_no_library_module_imports_the_command_line():
    """Every module but the command line's own (and ``python -m lltk``) is a library: it
    may be called from a notebook, so it never reaches up into ``lltk.commands``/``cli``."""
    command_line = ("lltk.commands", "lltk.cli", "lltk.__main__")
    upward = [
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        if not module.startswith(command_line)
        for target in targets
        if target.startswith(("lltk.commands", "lltk.cli"))
    ]
    assert upward == []


def test_the_checks_can_fail():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
