"""docs/architecture.md stays true to the code: every file, folder and dotted name it
mentions exists, each filter's row of proxy, adapter and core module is one stem of
imports, and the public entry points carry a runnable example (issue 29). Names are
resolved without importing (ast), so the check needs neither torch nor ParaView."""

from __future__ import annotations

import ast
import itertools
import re
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "architecture.md"
#: Folders that install under lltk (pyproject's package-dir).
MAPPED = {"lltk/plugins": "plugins", "lltk/pvstates": "pvstates", "lltk/sampling": "sampling"}
#: The public entry points (the README's and each filter's core), each with a docstring
#: example that ``make test`` runs (``--doctest-modules``).
ENTRY_POINTS = (
    "lltk.landscape.read_landscape",
    "lltk.vtkxml.read",
    "lltk.topology.domain.grid_domain",
    "lltk.topology.domain.graph_domain",
    "lltk.topology.tree.join_tree",
    "lltk.topology.tree.split_tree",
    "lltk.topology.tree.join_level",
    "lltk.topology.tree.branch_decomposition",
    "lltk.topology.tree.planar_merge_tree",
    "lltk.topology.diagram.persistence_pairs",
    "lltk.topology.diagram.select_pairs",
    "lltk.topology.diagram.persistence_diagram_geometry",
    "lltk.topology.critical.critical_points",
    "lltk.topology.critical.critical_point_spheres",
    "lltk.topology.simplify.simplify",
    "lltk.topology.simplify.threshold_value",
    "lltk.topology.profile.landscape_profile",
    "lltk.topology.profile.landscape_profile_polygons",
    "lltk.topology.metrics.landscape_metrics",
    "lltk.topology.distance.distance_matrices",
    "lltk.topology.distance.wasserstein_distance",
    "lltk.comparison.compare",
    "lltk.sampling.landscape.sample_landscape",
    "lltk.sampling.closure.model_loss_closure",
    "lltk.sampling.directions.random_directions",
    "lltk.sampling.export.write_landscape",
)
TOP = (
    "lltk", "sampling", "plugins", "pvstates", "tests", "docs", "scripts", "benchmarks", "docker"
)


def _on_disk(path: str) -> Path:
    for installed, folder in MAPPED.items():
        if path == installed or path.startswith(installed + "/"):
            path = folder + path[len(installed) :]
    return REPO / path


def mentioned_paths() -> set[str]:
    """Repository paths the document names: in backticks and in its layer picture (where a
    bare ``name.py`` belongs to the folder that last started a line of the left column)."""
    text = DOC.read_text()
    found = {
        m.group(1).rstrip("/")
        for m in re.finditer(r"`([\w.-]+(?:/[\w.-]+)+/?)`", text)
        if m.group(1).split("/")[0] in TOP
    }
    picture = text.split("```")[1]
    folder = ""
    for line in picture.splitlines():
        start = re.match(r"^ ([\w]+(?:/[\w]+)*/)\s", line)
        if start and start.group(1).split("/")[0] in TOP:
            folder = start.group(1)
        for token in re.findall(r"(?<![\w/<])([\w]+(?:/[\w]+)*(?:\.py|/))(?=[\s,)]|$)", line):
            if "/" in token.rstrip("/"):
                if token.split("/")[0] in TOP:
                    found.add(token.rstrip("/"))
            elif token.endswith(".py") and folder:
                found.add(folder + token)
    return found


@cache
def _top_level_names(module_file: Path) -> frozenset[str]:
    tree = ast.parse(module_file.read_text())
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return frozenset(names)


def _resolves(dotted: str) -> bool:
    """``lltk.a.b.attr``: the longest prefix that is a module or package on disk, then each
    remaining part a top-level name of it (or a class's attribute, not checked deeper)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        base = _on_disk("/".join(parts[:cut]))
        module = base.with_suffix(".py")
        if not module.is_file():
            module = base / "__init__.py"
        if module.is_file():
            rest = parts[cut:]
            return not rest or rest[0] in _top_level_names(module)
    return False


def filter_rows() -> list[tuple[str, str, str]]:
    """(proxy, adapter, core) paths of the document's filter table."""
    cell = r"\|\s*`([\w/.]+)`\s*"
    return re.findall(rf"^\|[^|`]+{cell}{cell}{cell}\|$", DOC.read_text(), re.M)


def imported_modules(path: Path) -> set[str]:
    """Dotted names a file imports: each ``from`` module and its names, each ``import``."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def _dotted(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def test_each_filter_is_one_stem_of_three_files():
    rows = filter_rows()
    proxies = {p.name for p in (REPO / "plugins").glob("lltk_*.py")}
    assert {Path(proxy).name for proxy, _, _ in rows} == proxies, "a filter is missing a row"
    broken = [
        f"{a} does not import {b}"
        for row in rows
        for a, b in itertools.pairwise(row)
        if _dotted(b) not in imported_modules(REPO / a)
    ]
    assert not broken


def test_the_stem_check_fails_on_a_wrong_row():
    assert "lltk.topology.tree" not in imported_modules(REPO / "lltk/paraview/landscape_metrics.py")


def _function(dotted: str) -> ast.FunctionDef | None:
    module, _, name = dotted.rpartition(".")
    tree = ast.parse(_on_disk(module.replace(".", "/") + ".py").read_text())
    return next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name), None)


def test_every_entry_point_has_a_runnable_example():
    missing = [
        name
        for name in ENTRY_POINTS
        if (f := _function(name)) is None or ">>> " not in (ast.get_docstring(f) or "")
    ]
    assert not missing, f"no docstring example in {missing}"
    assert _function("lltk.topology.tree.no_such_function") is None


def test_every_path_the_architecture_names_exists():
    paths = mentioned_paths()
    assert len(paths) > 20, "the parser found too few paths: has the document's form changed?"
    missing = sorted(p for p in paths if not _on_disk(p).exists())
    assert not missing, f"docs/architecture.md names what is not there: {missing}"


def test_every_dotted_name_the_architecture_names_resolves():
    names = set(re.findall(r"`(lltk(?:\.\w+)+)", DOC.read_text()))
    assert names, "no dotted names found"
    unresolved = sorted(n for n in names if not _resolves(n))
    assert not unresolved, f"docs/architecture.md names what is not there: {unresolved}"


def test_the_check_fails_on_a_name_that_is_not_there():
    assert not _resolves("lltk.topology.no_such_function")
    assert not _resolves("lltk.no_such_module")
    assert _resolves("lltk.topology.join_tree")
    assert not _on_disk("lltk/no_such.py").exists()


def test_the_render_modules_stay_short():
    """Issue 29: style, the views' recipes and the states' plumbing in modules of their own,
    each under 400 lines."""
    long = {
        p.name: n
        for p in (REPO / "lltk" / "render").glob("*.py")
        if (n := len(p.read_text().splitlines())) >= 400
    }
    assert not long, f"lltk/render modules of 400 lines or more: {long}"
