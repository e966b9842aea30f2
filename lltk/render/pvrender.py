"""Render lltk's ParaView states to PNGs (runs in pvpython; driven by :mod:`lltk.render`).

``pvpython pvrender.py JOB.json`` where the job lists, per landscape, the staged data
directory, the output folder, a label and the states to render (and, where a state draws
other data, its own folder and label: ``state_dirs``, ``state_labels``, e.g. an n-D
grid's surface of its slice). Every view of every state
becomes ``<out>/<view>.png``; ``<out>/render.json`` records what was drawn (views, data
ranges, the critical points shown as glyphs). An optional ``figure`` entry tiles the panels
into one PNG: a column per landscape, a row per view.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from paraview import servermanager
from paraview import simple as pv
from vtkmodules.util.numpy_support import numpy_to_vtk, vtk_to_numpy
from vtkmodules.vtkIOImage import vtkPNGReader, vtkPNGWriter

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from lltk.render import states, style  # noqa: E402


def _critical_points() -> dict[str, object] | None:
    """How many glyphs mark critical points (or merge-tree nodes), by ``CriticalType``."""
    source = pv.FindSource("critical point glyphs")
    if source is None:
        return None
    glyph_input = servermanager.Fetch(source.Input)
    if glyph_input.GetPointData().GetArray("CriticalType") is None:
        return None  # the filter refused the input (its message is on stderr)
    types = vtk_to_numpy(glyph_input.GetPointData().GetArray("CriticalType")).astype(int)
    return {
        "glyphs": int(glyph_input.GetNumberOfPoints()),
        "types": {
            str(t): int(c) for t, c in zip(*np.unique(types, return_counts=True), strict=False)
        },
    }


def render_job(job: dict, states_dir: Path, size: list[int]) -> dict:
    """Render the states of one landscape; returns its record."""
    out = Path(job["out_dir"])
    out.mkdir(parents=True, exist_ok=True)
    record = {
        "landscape": job.get("landscape"),
        "label": job["label"],
        "states": job["states"],
        "views": {},
    }
    for state in job["states"]:
        started = time.perf_counter()
        pv.ResetSession()
        views = states.load_state(
            states_dir / f"{state}.pvsm",
            Path(job.get("state_dirs", {}).get(state, job["data_dir"])),
            job.get("state_labels", {}).get(state, job["label"]),
            style.PNG_WIDTH_SHARE,  # one view to a PNG: room beside it for its legends only
        )
        if state.startswith("landscape"):
            record["critical_points"] = _critical_points()
            if record["critical_points"] is None:
                _hide_bar("CriticalType", views.values())
        if state == "layout":
            layout = pv.GetLayoutByName("layout")
            png = out / "layout.png"
            rows = 2 if len(views) > 3 else 1
            cols = -(-len(views) // rows)
            pv.SaveScreenshot(str(png), layout, ImageResolution=[size[0] * cols, size[1] * rows])
            record["views"]["layout"] = str(png)
            continue
        for name, view in views.items():
            png = out / f"{name}.png"
            pv.SaveScreenshot(str(png), view, ImageResolution=size)
            record["views"][name] = str(png)
        record.setdefault("seconds", {})[state] = round(time.perf_counter() - started, 2)
        record.setdefault("backends", {}).update(_backends())
    (out / "render.json").write_text(json.dumps(record, indent=2))
    return record


def _backends() -> dict[str, str]:
    """The engine (ttk or lltk) each of the state's lltk filters ran, by filter name."""
    used = {}
    for (name, _), source in pv.GetSources().items():
        if source.GetProperty("BackendUsed") is not None:
            source.UpdatePropertyInformation()
            used[name] = source.GetPropertyValue("BackendUsed")
    return used


def _hide_bar(array: str, views: object) -> None:
    """Hide the legend of ``array``'s colours (nothing is drawn with them)."""
    lut = pv.GetColorTransferFunction(array)
    for view in views:
        for bar in view.Representations:
            if bar.GetXMLName() == "ScalarBarWidgetRepresentation" and bar.LookupTable == lut:
                bar.Visibility = 0


def _read_png(path: str) -> np.ndarray:
    reader = vtkPNGReader()
    reader.SetFileName(path)
    reader.Update()
    img = reader.GetOutput()
    w, h, _ = img.GetDimensions()
    arr = vtk_to_numpy(img.GetPointData().GetScalars()).reshape(h, w, -1)
    return arr[::-1, :, :3]


def compose(records: list[dict], rows: list[str], path: Path, size: list[int]) -> Path:
    """Tile the panels: a column per landscape, a row per view; white where one is missing."""
    w, h = size
    canvas = np.full((h * len(rows), w * len(records), 3), 255, dtype=np.uint8)
    for c, record in enumerate(records):
        for r, view in enumerate(rows):
            png = record["views"].get(view)
            if png is None:
                continue
            panel = _read_png(png)[:h, :w]
            canvas[r * h : r * h + panel.shape[0], c * w : c * w + panel.shape[1]] = panel
    flat = np.ascontiguousarray(canvas[::-1]).reshape(-1, 3)
    from vtkmodules.vtkCommonDataModel import vtkImageData

    img = vtkImageData()
    img.SetDimensions(canvas.shape[1], canvas.shape[0], 1)
    scalars = numpy_to_vtk(flat, deep=True)
    scalars.SetName("rgb")
    img.GetPointData().SetScalars(scalars)
    writer = vtkPNGWriter()
    writer.SetFileName(str(path))
    writer.SetInputData(img)
    writer.Write()
    return path


def main(argv: list[str]) -> int:
    """Run the job file ``argv[0]``; prints the JSON of what was rendered."""
    job = json.loads(Path(argv[0]).read_text())
    pv._DisableFirstRenderCameraReset()  # the views are aimed by fit_views (lltk.render.fitting)
    states.load_plugins(Path(job["plugins_dir"]))
    size = job.get("size", [900, 700])
    records = [render_job(j, Path(job["states_dir"]), size) for j in job["landscapes"]]
    result = {"landscapes": records}
    figure = job.get("figure")
    if figure:
        rows = [r for r in figure["rows"] if any(r in rec["views"] for rec in records)]
        result["figure"] = str(compose(records, rows, Path(figure["path"]), size))
        result["figure_rows"] = rows
    print("LLTK-RENDER " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    status = main(sys.argv[1:])
    sys.stderr.flush()
    # pvpython under Xvfb can abort while tearing down the GL contexts of reset sessions
    # (GLXBadContext) after all files are written: leave without the teardown.
    os._exit(status)
