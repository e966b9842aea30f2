"""Render landscapes through lltk's ParaView states (``pvstates/``) in one pvpython process.

:func:`render_views` renders chosen views of one landscape (the demo's entry point);
:func:`render` renders several and tiles them into one figure, a column per landscape and
a row per view. Both stage each landscape under the fixed names the states read
(:func:`stage`), run ``lltk/render/pvrender.py`` in pvpython (under ``xvfb-run`` when
there is no display) and return the PNG paths.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lltk.atomic import atomic_write, writable_folder
from lltk.resources import share_dir

STATES_DIR = share_dir("pvstates")
PLUGINS_DIR = share_dir("plugins")
#: The GUI macros (``PV_MACRO_PATH``) that ``lltk paraview`` offers.
MACROS_DIR = PLUGINS_DIR / "macros"
#: Side files (suffix after the stem) that the states read, by staged name.
SIDE_FILES = {
    "landscape_hessian_density.csv": "_hessian_density.csv",
    "landscape_solution.vti": "_solution.vti",
    "landscape_trajectory.vtp": "_trajectory.vtp",
}
#: Which state draws each view.
VIEW_STATES = {
    "landscape": "landscape",
    "merge_tree": "merge_tree",
    "persistence_diagram": "persistence_diagram",
    "profile": "profile",
    "hessian_density": "hessian_density",
    "solution_pred": "solution",
    "solution_exact": "solution",
    "layout": "layout",
}
#: The rows of the sweep figure, top to bottom (those that exist are kept).
FIGURE_ROWS = (
    "landscape",
    "merge_tree",
    "persistence_diagram",
    "profile",
    "hessian_density",
    "solution_pred",
    "solution_exact",
)
PANEL_SIZE = (900, 700)


def _pvd(suffix: str) -> str:
    """The ``landscape.pvd`` that :func:`stage` writes for a landscape ending in ``suffix``."""
    return (
        '<?xml version="1.0"?>\n<VTKFile type="Collection" version="0.1">\n  <Collection>\n'
        f'    <DataSet timestep="0" part="0" file="landscape{suffix}"/>\n'
        "  </Collection>\n</VTKFile>\n"
    )


class RenderError(RuntimeError):
    """pvpython failed; the message carries the end of its output."""


@dataclass
class Rendered:
    """What :func:`render` drew: per landscape its PNGs by view, and the sweep figure."""

    views: dict[Path, dict[str, Path]] = field(default_factory=dict)
    records: list[dict] = field(default_factory=list)
    figure: Path | None = None


def stage(landscape: str | os.PathLike, data_dir: str | os.PathLike) -> Path:
    """Link ``landscape`` (.vti or .vtu) and its side files into ``data_dir`` under the names
    the states read, and write ``landscape.pvd`` (the collection the states open, which
    points at ``landscape.vti`` or ``landscape.vtu``); returns ``data_dir``. Point ParaView's
    "Search files under specified directory" there.
    """
    src = Path(landscape).absolute()
    if not src.is_file():
        raise FileNotFoundError(f"no landscape at {src}")
    if src.suffix not in (".vti", ".vtu"):
        got = src.suffix or "no suffix"
        raise ValueError(f"{src.name}: lltk renders sampled landscapes (.vti, .vtu); got {got}")
    out = Path(data_dir)
    out.mkdir(parents=True, exist_ok=True)
    links = {f"landscape{src.suffix}": src}
    links.update({name: src.with_name(src.stem + suffix) for name, suffix in SIDE_FILES.items()})
    staged = [*links, "landscape.vti", "landscape.vtu"]
    if src.parent.resolve() == out.resolve() and src.name in staged:
        raise ValueError(
            f"cannot stage {src} into its own folder (it would replace itself): "
            "stage it into another folder"
        )
    pvd = out / "landscape.pvd"
    ours = [p for p in {out / name for name in staged} if p.is_symlink()]
    if pvd.is_file() and not pvd.is_symlink():
        if pvd.read_bytes() in (_pvd(".vti").encode(), _pvd(".vtu").encode()):
            ours.append(pvd)
    elif pvd.is_symlink():
        ours.append(pvd)
    theirs = [n for n in {*staged, pvd.name} if (out / n).exists() and out / n not in ours]
    if theirs:
        raise ValueError(
            f"cannot stage into {out}: {', '.join(sorted(theirs))} there is not a staging link; "
            "stage into an empty folder"
        )
    for old in ours:
        old.unlink()
    for name, target in links.items():
        if target.is_file():
            (out / name).symlink_to(target)
    with atomic_write(pvd, "w") as f:
        f.write(_pvd(src.suffix))
    return out


def inspect_landscape(landscape: str | os.PathLike) -> tuple[str, int]:
    """Which landscape state draws it — ``"surface"`` (2-D grid), ``"volume"`` (3-D grid)
    or ``"points"`` (a .vtu graph) — and how many losses are NaN or infinite (samples the
    sampler marked ``Valid`` = 0). The states draw ``Loss``: it is read by
    :func:`lltk.landscape.read_landscape`, whose :class:`~lltk.errors.UserError` names
    an unusable file; a grid of other than 2 or 3 axes is a ``ValueError``."""
    from lltk.landscape import read_landscape

    path = Path(landscape)
    field = read_landscape(path, "Loss")
    if not field.domain.is_grid:
        return "points", field.invalid_count
    axes = len(field.domain.dims)
    if axes not in (2, 3):
        raise ValueError(f"{path}: a grid landscape needs 2 or 3 axes, got {field.domain.dims}")
    return ("surface" if axes == 2 else "volume"), field.invalid_count


def describe(landscape: str | os.PathLike) -> str:
    """A one-line label of a landscape from its FieldData (model, beta, skips, distance)."""
    from lltk import vtkxml

    path = Path(landscape)
    fd = vtkxml.read(path).field_data

    def first(key: str) -> object:
        value = fd.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        return value.ravel()[0] if hasattr(value, "ravel") and value.size else value

    model = first("Model")
    if model is None:
        return path.stem
    parts = [str(model)]
    beta = first("Beta")
    if model == "pinn" and beta is not None and math.isfinite(float(beta)):
        parts.append(f"beta = {float(beta):g}")
    residual = first("Residual")
    if residual is not None and model != "pinn":
        parts.append("with skips" if float(residual) else "no skips")
    for key, fmt in (
        ("Directions", "{} directions"),
        ("Distance", "d = {:g}"),
        ("Seed", "seed {:g}"),
    ):
        value = first(key)
        if value is not None:
            parts.append(fmt.format(value if isinstance(value, str) else float(value)))
    return ", ".join(parts)


def pvpython_command() -> list[str]:
    """How to start pvpython here: under ``xvfb-run -a`` when ``$DISPLAY`` is unset."""
    exe = shutil.which("pvpython")
    if exe is None:
        raise FileNotFoundError("pvpython not found: install Debian's paraview (scripts/setup.sh)")
    if os.environ.get("DISPLAY"):
        return [exe]
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        raise FileNotFoundError("no $DISPLAY and no xvfb-run: install Debian's xvfb")
    return [xvfb, "-a", exe]


def available_views() -> list[str]:
    """The views whose states exist in ``pvstates/``."""
    return [v for v, s in VIEW_STATES.items() if (STATES_DIR / f"{s}.pvsm").is_file()]


def pvpython_env() -> dict[str, str]:
    """The environment for pvpython: ``plugins/startup`` on ``PYTHONPATH`` so ParaView's
    loader can import lltk's Python plugins (it restores ``inspect.getargspec``), TTK's
    plugin, module and libraries where ``make ttk`` installed them (:mod:`lltk.ttk`), and
    unbuffered output, which pvpython otherwise loses when its stdout is a pipe."""
    from lltk import ttk

    env = dict(os.environ, PYTHONUNBUFFERED="1")
    ttk.add_to_env(env)
    paths = [str(PLUGINS_DIR / "startup"), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    return env


def states_for(
    views: tuple[str, ...] | list[str], landscape: Path, kind: str = "surface"
) -> list[str]:
    """The states that draw ``views`` for a ``kind`` of landscape (see :func:`inspect_landscape`);
    views whose side file is missing, and the layout of a non-surface landscape, dropped."""
    unknown = [v for v in views if v not in VIEW_STATES]
    if unknown:
        raise ValueError(f"unknown view(s) {', '.join(unknown)}; known: {', '.join(VIEW_STATES)}")
    states = []
    for view in views:
        state = VIEW_STATES[view]
        if state == "landscape" and kind != "surface":
            state = f"landscape_{kind}"
        elif state == "landscape" and _side(landscape, "_trajectory.vtp").is_file():
            state = "landscape_trajectory"  # the training path drawn on the surface
        if state == "layout" and kind != "surface":
            continue
        if (
            state in ("hessian_density", "layout")
            and not _side(landscape, "_hessian_density.csv").is_file()
        ):
            continue
        if state == "solution" and not _side(landscape, "_solution.vti").is_file():
            continue
        if not (STATES_DIR / f"{state}.pvsm").is_file():
            raise FileNotFoundError(
                f"no state {STATES_DIR / state}.pvsm for view {view!r} "
                "(its ParaView plugin may be missing; regenerate with lltk/render/scene.py)"
            )
        if state not in states:
            states.append(state)
    return states


def _side(landscape: Path, suffix: str) -> Path:
    return landscape.with_name(landscape.stem + suffix)


def render(
    landscapes: list[str | os.PathLike],
    out_dir: str | os.PathLike,
    views: tuple[str, ...] | list[str] | None = None,
    figure: bool | None = None,
    timeout: float = 600.0,
) -> Rendered:
    """Render ``views`` (default: every view whose state is in ``pvstates/``) of every
    landscape into ``out_dir/<stem>/<view>.png`` with one pvpython process; with several
    landscapes (or ``figure=True``) also tile them into ``out_dir/figure.png``."""
    if views is None:
        views = available_views()
    out = Path(out_dir).resolve()
    paths = [Path(p).absolute() for p in landscapes]
    if not paths:
        raise ValueError("no landscape given")
    stems = [p.stem for p in paths]
    if len(set(stems)) != len(stems):
        raise ValueError("two landscapes share a file name; render them into separate folders")
    fig = out / "figure.png" if figure or (figure is None and len(paths) > 1) else None
    writable_folder(out, f"the images to {out}")
    return _render(paths, [out / p.stem for p in paths], views, fig, timeout)


def _render(
    paths: list[Path],
    outs: list[Path],
    views: tuple[str, ...] | list[str],
    figure: Path | None,
    timeout: float,
) -> Rendered:
    with tempfile.TemporaryDirectory(prefix="lltk-render-") as tmp:
        jobs = []
        for path, out in zip(paths, outs, strict=False):
            if not path.is_file():
                raise FileNotFoundError(f"no landscape at {path}")
            data = stage(path, Path(tmp) / path.stem)
            kind, invalid = inspect_landscape(path)
            if invalid:
                print(
                    f"lltk render: {path.name}: {invalid} losses are NaN or infinite (Valid = "
                    "0): holes in the landscape view, a plateau above every finite loss in "
                    "the topology views",
                    file=sys.stderr,
                )
            states = states_for(views, path, kind)
            jobs.append(
                {
                    "landscape": str(path),
                    "data_dir": str(data),
                    "out_dir": str(out),
                    "label": describe(path),
                    "states": states,
                }
            )
        job = {
            "states_dir": str(STATES_DIR),
            "plugins_dir": str(PLUGINS_DIR),
            "size": list(PANEL_SIZE),
            "landscapes": jobs,
        }
        if figure is not None:
            job["figure"] = {"path": str(figure), "rows": list(FIGURE_ROWS)}
        job_file = Path(tmp) / "job.json"
        job_file.write_text(json.dumps(job))
        result = _run_pvpython(job_file, timeout)
    rendered = Rendered(records=result["landscapes"])
    for path, record in zip(paths, result["landscapes"], strict=False):
        rendered.views[path] = {
            v: Path(p)
            for v, p in record["views"].items()
            if v in views or v == "layout" or (v == "trajectory" and "landscape" in views)
        }
    if "figure" in result:
        rendered.figure = Path(result["figure"])
    return rendered


def _run_pvpython(job_file: Path, timeout: float, attempts: int = 2) -> dict:
    """Run the renderer; retry once when Xvfb gave it no GL window (``xvfb-run -a`` can
    race with another Xvfb starting at the same moment)."""
    cmd = [*pvpython_command(), str(Path(__file__).with_name("pvrender.py")), str(job_file)]
    for attempt in range(attempts):
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=timeout, env=pvpython_env()
            )
        except subprocess.TimeoutExpired as exc:
            raise RenderError(f"pvpython took longer than {timeout:g} s") from exc
        marker = [ln for ln in proc.stdout.splitlines() if ln.startswith("LLTK-RENDER ")]
        if proc.returncode == 0 and marker:
            return json.loads(marker[-1][len("LLTK-RENDER ") :])
        if "CreateAWindow" not in proc.stderr or attempt == attempts - 1:
            break
    tail = (proc.stdout + proc.stderr).strip().splitlines()[-15:]
    raise RenderError("pvpython failed:\n" + "\n".join(tail))


def render_views(
    landscape_path: str | os.PathLike,
    out_dir: str | os.PathLike,
    views: tuple[str, ...] = ("landscape", "merge_tree", "persistence_diagram"),
) -> list[Path]:
    """Render ``views`` of one landscape as ``out_dir/<view>.png`` (one pvpython process,
    plus ``out_dir/render.json``); returns the PNG paths in the order of ``views``."""
    path = Path(landscape_path).absolute()
    rendered = _render([path], [Path(out_dir).resolve()], views, None, timeout=300.0)
    pngs = rendered.views[path]
    return [pngs[v] for v in views if v in pngs]
