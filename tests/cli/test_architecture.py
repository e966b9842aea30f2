"""docs/architecture.md stays true to the code: every file, folder and dotted name it
mentions exists (issue 29). Names are resolved without importing (ast), so the check
needs neither torch nor ParaView."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "architecture.md"
#: Folders that install under lltk (pyproject's package-dir).
MAPPED = {"lltk/plugins": "plugins", "lltk/pvstates": "pvstates", "lltk/sampling": "sampling"}
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
