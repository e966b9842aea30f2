"""The plumbing of lltk's ParaView states (runs in pvpython, never in the venv): which
views each state builds (:func:`build`), loading a state onto a landscape
(:func:`load_state`, :func:`load_state_on_active`, :func:`study_layout`, the macro's
entry), laying views out, and writing the committed states. The views are
:mod:`lltk.render.scene`'s, :mod:`lltk.render.plots`' and
:mod:`lltk.render.connect_scene`'s; their style :mod:`lltk.render.style`'s; fitting them
to a landscape :mod:`lltk.render.fitting`'s.

Regenerate the committed states with::

    xvfb-run -a pvpython lltk/render/states.py pvstates
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from paraview import servermanager
from paraview import simple as pv
from vtkmodules.vtkCommonCore import vtkOutputWindow

from lltk.render import connect_scene, loading
from lltk.render.connect_scene import connect_views
from lltk.render.fitting import fit_views, landscape_kind, registered_name, upstream
from lltk.render.plots import merge_tree_view, persistence_diagram_view, profile_view
from lltk.render.scene import (
    FILES,
    NEEDS,
    has_filter,
    hessian_density_view,
    landscape_points_view,
    landscape_trajectory_views,
    landscape_view,
    landscape_volume_view,
    open_landscape,
    solution_views,
)
from lltk.render.style import rescale_by_itself, set_critical_names


def build(state: str, data_dir: Path) -> list[object]:
    """Create the pipeline and views of one state; returns its views."""
    if state == "hessian_density":
        return [hessian_density_view(data_dir / FILES["hessian_density"])]
    if state == "solution":
        return solution_views(data_dir)
    reader = open_landscape(data_dir)
    if state == "landscape":
        return [landscape_view(reader)]
    if state == "landscape_trajectory":
        return landscape_trajectory_views(reader, data_dir)
    if state == "landscape_connect":
        return connect_views(reader, data_dir)
    if state == "landscape_volume":
        return [landscape_volume_view(reader)]
    if state == "landscape_points":
        return [landscape_points_view(reader)]
    if state == "merge_tree":
        return [merge_tree_view(reader)]
    if state == "persistence_diagram":
        return [persistence_diagram_view(reader)]
    if state == "profile":
        return [profile_view(reader)]
    if state == "layout":
        return list(study_views(reader, data_dir / FILES["hessian_density"]).values())
    raise ValueError(f"unknown state {state!r}; known: {', '.join(STATES)}")


VIEW_BUILDERS = {
    "merge_tree": merge_tree_view,
    "persistence_diagram": persistence_diagram_view,
    "profile": profile_view,
}
#: Every state, in the order of the figure's rows.
STATES = (
    "landscape",
    "landscape_trajectory",
    "landscape_connect",
    "landscape_volume",
    "landscape_points",
    "merge_tree",
    "persistence_diagram",
    "profile",
    "hessian_density",
    "solution",
    "layout",
)


LANDSCAPE_BUILDERS = {
    "surface": landscape_view,
    "volume": landscape_volume_view,
    "points": landscape_points_view,
}
#: The surface title of an n-D grid landscape (:func:`centre_slice`).
SLICE_TITLE = "Loss landscape: centre slice, directions 1 and 2"


def study_views(landscape: object, hessian_csv: Path | None = None) -> dict[str, object]:
    """The study's views of ``landscape`` by name: the landscape as its kind is drawn (an
    n-D grid's surface: its centre slice, :func:`centre_slice`), the merge tree,
    persistence diagram and profile (those whose filter is loaded) and, when
    ``hessian_csv`` exists, the Hessian eigenvalue density."""
    kind = landscape_kind(landscape)
    if kind == "ndgrid":
        surface = landscape_view(centre_slice(landscape), SLICE_TITLE)
    else:
        surface = LANDSCAPE_BUILDERS[kind](landscape)
    views = {"landscape": surface}
    for name, builder in VIEW_BUILDERS.items():
        if has_filter(NEEDS[name]):
            views[name] = builder(landscape)
    if hessian_csv is not None and hessian_csv.is_file():
        views["hessian_density"] = hessian_density_view(hessian_csv)
    return views


def centre_slice(landscape: object) -> object:
    """A reader of the 2-D slice through the centre of the n-D grid landscape that
    ``landscape`` reads (:func:`lltk.render.staging.stage_slice`, staged into a temporary
    folder): what lltk render draws as its surface."""
    from lltk.render.staging import stage_slice

    path = landscape_file(landscape)
    if path is None or path.suffix != ".vtu":
        raise ValueError("the selected n-D grid landscape is not read from a .vtu file")
    data_dir, _ = stage_slice(path, tempfile.mkdtemp(prefix="lltk-slice-"))
    return open_landscape(data_dir)


def _chain(source: object) -> list[object]:
    """``source`` and its first inputs up to a source without input (a reader)."""
    chain = []
    source = getattr(source, "Proxy", source)  # the pipeline object of an OutputPort
    while source is not None:
        chain.append(source)
        inputs = upstream(source)
        source = inputs[0] if inputs else None
    return chain


def find_landscape(source: object) -> object:
    """``source`` if it carries a point array ``Loss``, else the nearest upstream source
    that does (so the macro works with a filter of the landscape selected)."""
    for current in _chain(source):
        if current.PointData.GetArray("Loss") is not None:
            return current
    name = registered_name(source) if source is not None else "nothing"
    raise ValueError(
        f"{name} is not a loss landscape and has none upstream (no point array 'Loss'): "
        "select a landscape the sampler wrote (.vti or .vtu) in the Pipeline Browser"
    )


def landscape_file(source: object) -> Path | None:
    """The file ``source`` (or the reader upstream of it) reads, if any."""
    for current in _chain(source):
        name = getattr(current, "FileName", None)
        if name:
            return Path(name if isinstance(name, str) else name[0])
    return None


def landscape_label(source: object) -> str:
    """The one-line label of the landscape ``source`` reads (model, beta, ...; see
    :func:`lltk.render.describe`), or "" when it reads no sampled landscape file."""
    from lltk.render import describe

    path = landscape_file(source)
    return describe(path) if path is not None and path.suffix in (".vti", ".vtu") else ""


def clear_pipeline() -> None:
    """Delete every view, layout and pipeline source (consumers before their inputs), so
    that a state replaces what the session shows instead of piling onto it."""
    for view in pv.GetViews():
        pv.Delete(view)
    pxm = servermanager.ProxyManager()
    # colour maps too: a state registers its own under the same names, and the old ones
    # would be the ones GetColorTransferFunction (and so the fitting) finds
    for group in ("layouts", "lookup_tables", "piecewise_functions"):
        for (name, _), proxy in pxm.GetProxiesInGroup(group).items():
            pxm.UnRegisterProxy(group, name, proxy)
    sources = list(pv.GetSources().values())
    while sources:
        inputs = {up.GetGlobalID() for s in sources for up in upstream(s)}
        for source in [s for s in sources if s.GetGlobalID() not in inputs]:
            pv.Delete(source)
        sources = [s for s in sources if s.GetGlobalID() in inputs]


def missing_files(state: Path, data_dir: Path) -> list[str]:
    """The staged files (:data:`FILES`) that the ``state`` (.pvsm) reads and ``data_dir``
    lacks."""
    text = state.read_text()
    return [name for name in FILES.values() if name in text and not (data_dir / name).exists()]


def load_state(
    state: Path, data_dir: Path, label: str = "", width_share: float | None = None
) -> dict[str, object]:
    """Replace the session's scene by lltk's ``state`` (.pvsm) read from the staged
    ``data_dir`` (:func:`lltk.render.stage`), its titles, colours (log when the loss spans
    decades) and cameras fitted to that landscape (``width_share``: see
    :func:`lltk.render.fitting.fit_views`); returns the views by name."""
    clear_pipeline()
    if missing_files(state, data_dir):
        # LoadState would put a red reader error per missing file (a landscape sampled
        # without its Hessian density) on screen: build the views there is data for
        lay_out(build(state.stem, data_dir), state.stem)
    else:
        with loading.loading_itself():
            pv.LoadState(str(state), data_directory=str(data_dir), restrict_to_data_directory=True)
    return loading.fit_loaded_scene(label, width_share)


def report_errors(title: str, action: object, *args: object) -> object:
    """Run ``action(*args)`` for a GUI menu entry: a ValueError (a bad selection) becomes
    one line in ParaView's Output Messages instead of a Python traceback."""
    try:
        return action(*args)
    except ValueError as exc:
        vtkOutputWindow.GetInstance().DisplayErrorText(f"{title}: {exc}\n")
        return None


def load_state_on_active(state: str) -> dict[str, object]:
    """What lltk's Python states (``pvstates/<state>.py``, *File › Load State* in the GUI)
    run: the selected landscape (or the one upstream of the selected filter) staged into
    a temporary folder, shown by ``pvstates/<state>.pvsm`` in place of the session's scene."""
    from lltk.render import STATES_DIR, stage

    landscape = find_landscape(pv.GetActiveSource())
    path = landscape_file(landscape)
    if path is None or path.suffix not in (".vti", ".vtu"):
        raise ValueError("the selected landscape is not read from a .vti or .vtu file")
    label = landscape_label(landscape)
    data_dir = stage(path, tempfile.mkdtemp(prefix="lltk-state-"))
    return load_state(STATES_DIR / f"{state}.pvsm", data_dir, label)


def study_layout(source: object, label: str = "") -> object:
    """The study's views of the landscape at or upstream of ``source`` in a new layout
    (tab) of their own, side by side, cameras and colour ranges fitted; returns the
    layout. What the GUI's *Loss Landscape Views* macro runs."""
    landscape = find_landscape(source)
    path = landscape_file(landscape)
    csv = path.with_name(path.stem + "_hessian_density.csv") if path else None
    views = study_views(landscape, csv)
    layout = lay_out(list(views.values()), f"Loss landscape: {label or registered_name(landscape)}")
    fit_views(views, landscape, label, shared_screen=True)
    return layout


def available_states() -> list[str]:
    """The states whose filters are loaded in this session."""
    return [s for s in STATES if s not in NEEDS or has_filter(NEEDS[s])]


def lay_out(views: list[object], name: str) -> object:
    """One layout with ``views`` side by side (two rows when there are more than three)."""
    layout = pv.CreateLayout(name)
    for view in views:  # the GUI puts a new view into the active layout
        old = pv.GetLayout(view)
        if old is not None:
            old.RemoveView(view)
    for view, cell in zip(views, _grid_cells(layout, len(views)), strict=False):
        pv.AssignViewToLayout(view, layout, cell)
    return layout


def _grid_cells(layout: object, n: int) -> list[int]:
    """Split ``layout`` into ``n`` leaf cells (rows of up to three) and return them."""
    rows = 1 if n <= 3 else 2
    per_row = [n // rows + (1 if r < n % rows else 0) for r in range(rows)]
    row_cells = [0] if rows == 1 else list(_split(layout, 0, rows, vertical=True))
    cells = []
    for cell, count in zip(row_cells, per_row, strict=False):
        cells.extend(_split(layout, cell, count, vertical=False))
    return cells


def _split(layout: object, cell: int, count: int, vertical: bool) -> list[int]:
    leaves = []
    for k in range(count - 1):
        first = (
            layout.SplitVertical(cell, 1.0 / (count - k))
            if vertical
            else (layout.SplitHorizontal(cell, 1.0 / (count - k)))
        )
        leaves.append(first)
        cell = first + 1
    leaves.append(cell)
    return leaves


PYTHON_STATE = '''"""ParaView Python state (File > Load State in the GUI): lltk's {state} view of
the selected landscape, fitted to it, in place of what the session showed. Written by
lltk/render/states.py with {state}.pvsm, which it loads."""

from lltk.render import states

STATE = "{state}"
states.report_errors(f"lltk state {{STATE}}", states.load_state_on_active, STATE)
'''


def save_states(out_dir: Path, data_dirs: dict[str, Path]) -> list[Path]:
    """Write every available state as ``<state>.pvsm`` into ``out_dir``, each built on the
    staged landscape of its kind (``data_dirs``: "surface", "volume", "points"), and
    beside it ``<state>.py``, the Python state that shows the GUI's selected landscape
    through it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for state in available_states():
        pv.ResetSession()
        kind = state.removeprefix("landscape_") if state.startswith("landscape_") else "surface"
        views = build(state, data_dirs[kind])
        lay_out(views, state)
        # a .pvsm loaded from File > Load State keeps the names it was saved with: those
        # of its own kind of landscape (a 2-D one has one kind of saddle)
        set_critical_names("surface" if kind not in ("volume", "points") else kind)
        # should nothing fit a loaded state, its colours rescale to the data by themselves
        pxm = servermanager.ProxyManager()
        for lut in pxm.GetProxiesInGroup("lookup_tables").values():
            lut = servermanager._getPyProxy(lut)
            if not lut.InterpretValuesAsCategories:
                rescale_by_itself(lut, True)
        landscape = pv.FindSource(FILES["landscape"])
        if landscape is not None:  # lltk's plugins fit it to the landscape it loads
            loading.mark_for_fitting(landscape)
        path = out_dir / f"{state}.pvsm"
        pv.SaveState(str(path))
        path.with_suffix(".py").write_text(PYTHON_STATE.format(state=state))
        written += [path, path.with_suffix(".py")]
    return written


def main(argv: list[str]) -> int:
    """``pvpython states.py OUT_DIR``: build the states on synthetic landscapes (a 2-D PINN
    one with side files, a 3-D grid, a 4-D graph)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from lltk.resources import share_dir

    load_plugins(share_dir("plugins"))
    from lltk.render import stage
    from lltk.render.synthetic import (
        write_graph,
        write_landscape,
        write_trajectory,
        write_volume,
    )

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        examples = {
            "surface": write_landscape(src, stem="pinn_example"),
            "volume": write_volume(src),
            "points": write_graph(src),
            "trajectory": write_trajectory(
                write_landscape(src, stem="pinn_path", side_files=False)
            ),
            "connect": connect_scene.write_example(src / "connect"),
        }
        data = {kind: stage(path, Path(tmp) / kind) for kind, path in examples.items()}
        for p in save_states(Path(argv[0]), data):
            print(p)
    return 0


def load_plugins(folder: Path) -> list[str]:
    """Load every lltk plugin module in ``folder``; returns the loaded files.

    A plugin that fails to load is reported on stderr and skipped: the views that need
    it are then left out (:func:`available_states`).
    """
    loaded = []
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        try:
            pv.LoadPlugin(str(path))
        except RuntimeError as exc:
            print(f"lltk render: skipping plugin {path.name}: {exc}", file=sys.stderr)
            continue
        loaded.append(str(path))
    return loaded


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
