"""Rendering landscapes: stage each, choose its states, run ``pvrender.py`` once in
pvpython for all of them, collect the PNGs."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lltk.atomic import writable_folder
from lltk.render.runner import PLUGINS_DIR, run_pvrender
from lltk.render.staging import describe, inspect_landscape, stage, stage_slice
from lltk.render.views import FIGURE_ROWS, PANEL_SIZE, STATES_DIR, available_views, states_for


@dataclass
class Rendered:
    """What :func:`render` drew: per landscape its PNGs by view, and the sweep figure."""

    views: dict[Path, dict[str, Path]] = field(default_factory=dict)
    records: list[dict] = field(default_factory=list)
    figure: Path | None = None


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
    return _render(paths, [out / p.stem for p in paths], views, fig, timeout, out)


def _render(
    paths: list[Path],
    outs: list[Path],
    views: tuple[str, ...] | list[str],
    figure: Path | None,
    timeout: float,
    root: Path,
) -> Rendered:
    """Stage and check every landscape, then create ``root`` and render into it."""
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
            job = {
                "landscape": str(path),
                "data_dir": str(data),
                "out_dir": str(out),
                "label": describe(path),
                "states": states,
            }
            if kind == "ndgrid" and "landscape" in states:
                # the surface state draws the 2-D slice through the centre
                sliced, what = stage_slice(path, Path(tmp) / f"{path.stem} slice")
                job["state_dirs"] = {"landscape": str(sliced)}
                job["state_labels"] = {"landscape": f"{job['label']}; {what}"}
            jobs.append(job)
        job = {
            "states_dir": str(STATES_DIR),
            "plugins_dir": str(PLUGINS_DIR),
            "size": list(PANEL_SIZE),
            "landscapes": jobs,
        }
        if figure is not None:
            job["figure"] = {"path": str(figure), "rows": list(FIGURE_ROWS)}
        writable_folder(root, f"the images to {root}")
        job_file = Path(tmp) / "job.json"
        job_file.write_text(json.dumps(job))
        result = run_pvrender(job_file, timeout)
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


def render_views(
    landscape_path: str | os.PathLike,
    out_dir: str | os.PathLike,
    views: tuple[str, ...] = ("landscape", "merge_tree", "persistence_diagram"),
) -> list[Path]:
    """Render ``views`` of one landscape as ``out_dir/<view>.png`` (one pvpython process,
    plus ``out_dir/render.json``); returns the PNG paths in the order of ``views``."""
    path = Path(landscape_path).absolute()
    out = Path(out_dir).resolve()
    rendered = _render([path], [out], views, None, 300.0, out)
    pngs = rendered.views[path]
    return [pngs[v] for v in views if v in pngs]
