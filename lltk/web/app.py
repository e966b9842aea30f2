"""The page of ``lltk serve``: a trame application over one :class:`~lltk.web.catalog.Catalog`.

The surface is drawn in the browser by vtk.js (trame-vtk's declarative ``vtk-view``: the
server sends flat point and cell arrays, no VTK runs on the server); the 2-D views are SVG
strings (:mod:`lltk.web.svg`) whose marks carry the landscape or pair they stand for.
Linked selection: a table row or an MDS point selects a landscape and every view
follows; a diagram point or a barcode bar selects a pair, marked on the surface, the
merge tree and both charts; the threshold slider simplifies with the core
(:func:`lltk.web.selection.analyse`). A study run with ``--connect`` adds the loss
barriers between the seeds of the selected landscape's beta or variant, as a heat map.

``GET /files/<name>`` downloads a listed landscape, and nothing else: the name must be
one of the catalog's (so ``..``, absolute paths and links leading out of the folder are
refused with 404). Requests from another origin (another site's page driving the
WebSocket) are refused with 403.
"""

from __future__ import annotations

import math
from functools import lru_cache
from html import escape

import numpy as np

from lltk.study.tables import fmt
from lltk.web import selection, svg
from lltk.web.catalog import COLUMNS, Catalog, Entry, inside
from lltk.web.scale import auto_log

#: Surface marks: state name -> RGB.
MARK_COLOURS = {
    "marks_minima": (0.12, 0.47, 0.71),
    "marks_saddles": (0.17, 0.63, 0.17),
    "marks_maxima": (0.84, 0.15, 0.16),
    "marks_pair": (1.0, 0.75, 0.0),
}
#: The 3-D view's first camera: looking at the warped surface from the front and above.
CAMERA = {"position": [0.0, -3.0, 2.4], "focalPoint": [0.0, 0.0, 0.3], "viewUp": [0, 0, 1]}
#: A table cell: on one line (a column is as wide as its longest value; the table
#: scrolls sideways where the card is narrower), apart from its neighbours.
CELL = "white-space: nowrap; padding: 2px 10px 2px 4px; text-align: left"
#: The simplification slider's range (fraction of the loss range) and step.
THRESHOLD_MAX, THRESHOLD_STEP = 0.5, 0.005


def table_rows(catalog: Catalog) -> list[dict]:
    """One row per landscape: its name, formatted cells, raw sort keys and its error."""
    rows = []
    for e in catalog.entries:
        cells = [fmt(e.numbers.get(key)) for key, _ in COLUMNS]
        rows.append({"name": e.name, "cells": cells, "error": e.error or ""})
    return rows


def sort_key(entry: Entry, key: str) -> tuple:
    """Missing values last, numbers by value, text by text; β groups by β."""
    value = entry.numbers.get("beta") if key == "group" else entry.numbers.get(key)
    if key == "group" and value is None:
        value = entry.numbers.get("variant")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return (2, 0.0, "")
    if isinstance(value, str):
        return (1, 0.0, value)
    return (0, float(value), "")


def ordered(catalog: Catalog, key: str, descending: bool) -> list[Entry]:
    """The catalog's entries sorted by a column (ties by group, seed and name)."""
    base = sorted(
        catalog.entries,
        key=lambda e: (sort_key(e, "group"), sort_key(e, "seed"), e.name),
    )
    present = [e for e in base if sort_key(e, key)[0] < 2]
    missing = [e for e in base if sort_key(e, key)[0] == 2]
    return sorted(present, key=lambda e: sort_key(e, key), reverse=descending) + missing


def mds_svg(catalog: Catalog, selected: str | None) -> str:
    """The global view, groups in β (or variant) order."""
    entries = [e for e in ordered(catalog, "group", False) if e.name in catalog.mds]
    xy = np.array([catalog.mds[e.name] for e in entries]).reshape(-1, 2)
    return svg.scatter(
        xy, [e.name for e in entries], [str(e.numbers["group"]) for e in entries], selected
    )


def barrier_views(catalog: Catalog, entry: Entry | None) -> dict[str, object]:
    """The barrier panel for ``entry``'s beta or variant: its heat map and what it says
    (how many pairs are linearly connected, by the study's rule); a damaged barriers
    file or a group it lacks is said in the panel."""
    from lltk.study.connectivity import CONNECTED_RULE

    barriers = catalog.barriers
    if barriers is None:
        return {"has_barriers": False, "barriers_svg": "", "barriers_text": ""}
    views = {"has_barriers": True, "barriers_text": ", ".join(barriers.files)}
    if barriers.error:
        return {
            **views,
            "barriers_svg": svg.message("unreadable barriers file", "barriers"),
            "barriers_text": f"cannot show the barriers: {barriers.error}",
        }
    if entry is None:
        return {**views, "barriers_svg": svg.message("pick a landscape", "barriers")}
    try:
        group, seeds, matrix, connected = catalog.barrier_matrix(entry)
    except KeyError:
        text = f"no barriers for {entry.numbers.get('group')}"
        return {**views, "barriers_svg": svg.message(text, "barriers")}
    pairs = len(seeds) * (len(seeds) - 1) // 2
    linked = int(np.triu(connected, 1).sum())
    every = [r["barrier"] for r in barriers.rows]
    name = f"β = {group:g}" if isinstance(group, float) else str(group)
    return {
        **views,
        "barriers_svg": svg.heatmap(seeds, matrix, connected, every),
        "barriers_text": f"{name}: {linked} of {pairs} pairs {CONNECTED_RULE}",
    }


def empty_views(text: str) -> dict[str, object]:
    """The views with nothing drawn and ``text`` in each chart."""
    nothing = {"points": [], "polys": []}
    views: dict[str, object] = {
        **{f"surface_{k}": [] for k in ("points", "polys", "lines", "verts")},
        "surface_scalars": [],
        "surface_range": [0.0, 1.0],
        **{name: nothing for name in MARK_COLOURS},
        "pair": -1,
        "pair_text": "",
        "counts": "",
        "scale_text": "",
    }
    for name in ("diagram", "barcode", "tree", "profile", "density"):
        views[f"{name}_svg"] = svg.message(text, name)
    return views


def build_server(catalog: Catalog, name: str = "lltk-serve"):
    """The trame server of the page over ``catalog`` (not started)."""
    from trame.app import get_server
    from trame.ui.vuetify3 import SinglePageLayout
    from trame.widgets import html, vtk
    from trame.widgets import vuetify3 as v3

    server = get_server(name, client_type="vue3")
    state, ctrl = server.state, server.controller

    @lru_cache(maxsize=64)
    def analysis(name: str, threshold: float) -> selection.Analysis:
        return selection.analyse(catalog.entry(name).landscape, threshold)

    @lru_cache(maxsize=64)
    def density(name: str):
        return selection.read_density(catalog.entry(name).path)

    def show(pair: int | None = None) -> None:
        entry = catalog.entry(state.selected)
        state.update(barrier_views(catalog, entry))
        if entry is None:
            state.update({"error": "", **empty_views("pick a landscape")})
            return
        if entry.error:
            state.update({"error": f"{entry.name}: {entry.error}", **empty_views("unreadable")})
            return
        threshold = float(np.clip(float(state.threshold or 0.0), 0.0, 1.0))
        views = selection.landscape_views(
            entry.landscape,
            analysis(entry.name, threshold),
            bool(state.log_scale),
            pair,
            density(entry.name),
        )
        state.update({"error": "", **views})

    def select(name=None) -> None:
        """A landscape picked in the table or the MDS (a name the catalog lists); the log
        switch takes the landscape's default (:func:`log_default`)."""
        entry = catalog.entry(name)
        if entry is None or name == state.selected:
            return
        state.selected = entry.name
        state.mds_svg = mds_svg(catalog, entry.name)
        if bool(state.log_scale) != log_default(entry):
            state.log_scale = log_default(entry)  # its change listener redraws
        else:
            show()

    def pick(pair=None) -> None:
        """A pair picked in the diagram or the barcode."""
        try:
            show(int(pair))
        except (TypeError, ValueError):
            return

    def sort(key=None) -> None:
        """A column header clicked: sort by it, a second click reverses."""
        if key not in dict(COLUMNS):
            return
        state.sort_desc = bool(key == state.sort_key and not state.sort_desc)
        state.sort_key = key
        by_name = {r["name"]: r for r in table_rows(catalog)}
        state.rows = [by_name[e.name] for e in ordered(catalog, key, state.sort_desc)]

    @state.change("threshold", "log_scale")
    def _redraw(**_):
        show(None)

    readable = [e for e in ordered(catalog, "group", False) if e.error is None]
    state.update(
        {
            "root": str(catalog.root),
            "headers": [{"key": k, "text": t} for k, t in COLUMNS],
            "rows": [],
            "sort_key": "",
            "sort_desc": False,
            "selected": readable[0].name if readable else "",
            "threshold": 0.0,
            "log_scale": bool(readable) and log_default(readable[0]),
            "notice": notice(catalog),
            "mds_svg": mds_svg(catalog, readable[0].name if readable else None),
        }
    )
    sort("group")
    show()

    with SinglePageLayout(server) as layout:
        layout.footer.hide()
        layout.title.set_text(f"lltk serve · {escape(catalog.root.name or str(catalog.root))}")
        with layout.toolbar:
            v3.VSpacer()
            v3.VSlider(
                v_model=("threshold", 0.0),
                min=0.0,
                max=THRESHOLD_MAX,
                step=THRESHOLD_STEP,
                label="persistence threshold",
                thumb_label=True,
                hide_details=True,
                density="compact",
                style="max-width: 360px",
                id="threshold",
            )
            v3.VSwitch(
                v_model=("log_scale",),
                label="log scale",
                hide_details=True,
                density="compact",
                classes="mx-4",
                id="log-scale",
            )
        with layout.content, html.Div(classes="pa-2"):
            v3.VAlert("{{ notice }}", v_if="notice", type="warning", id="notice")
            _top_row(html, v3, select, sort)
            view = _bottom_row(html, v3, vtk, pick)
    ctrl.on_server_bind.add(lambda ws: _file_route(ws, catalog))

    def camera(**_) -> None:
        view.set_camera(CAMERA)
        view.reset_camera()

    ctrl.on_client_connected.add(camera)
    return server


def log_default(entry: Entry) -> bool:
    """The log switch for a landscape until the user flips it: on where its losses span
    over three decades (:func:`lltk.web.scale.auto_log`)."""
    return entry.error is None and auto_log(entry.landscape.values)


def notice(catalog: Catalog) -> str:
    """What the page says above everything: an empty folder, unreadable files."""
    if not catalog.entries:
        return f"no .vti or .vtu landscape under {catalog.root}"
    bad = [e for e in catalog.entries if e.error]
    if bad:
        return f"{len(bad)} of {len(catalog.entries)} files cannot be shown (see their rows)"
    return ""


def _top_row(h, v3, select, sort) -> None:
    """The table and the global view."""
    with h.Div(classes="d-flex flex-wrap ga-2"):
        with v3.VCard(classes="pa-2", style="flex: 1 1 640px; min-width: 0"):
            v3.VCardTitle("Landscapes", classes="text-subtitle-1 pa-1")
            with (
                h.Div(style="max-height: 300px; overflow: auto"),
                h.Table(
                    id="landscape-table",
                    classes="lltk-table",
                    style="border-collapse: collapse; font-size: 13px",
                ),
            ):
                with h.Thead(), h.Tr():
                    h.Th(
                        "{{ h.text }}{{ sort_key === h.key ? (sort_desc ? ' ▼' : ' ▲') : '' }}",
                        v_for="h in headers",
                        key="h.key",
                        click=(sort, "[h.key]"),
                        style=f"{CELL}; cursor: pointer; position: sticky; top: 0; "
                        "background: #fff; vertical-align: bottom",
                    )
                with (
                    h.Tbody(),
                    h.Tr(
                        v_for="row in rows",
                        key="row.name",
                        click=(select, "[row.name]"),
                        raw_attrs=[':data-name="row.name"'],
                        style=(
                            "{cursor: 'pointer', background: row.name === selected ? "
                            "'#ffe9a8' : (row.error ? '#fde0dd' : '')}",
                        ),
                    ),
                ):
                    h.Td("{{ cell }}", v_for="(cell, i) in row.cells", key="i", style=CELL)
                    h.Td("{{ row.error }}", style="color: #b00020; font-size: 11px")
        with v3.VCard(classes="pa-2", style="flex: 0 0 auto"):
            v3.VCardTitle(
                "Global view: MDS of the diagram distances", classes="text-subtitle-1 pa-1"
            )
            h.Div(
                v_html=("mds_svg",),
                id="mds",
                click=(select, "[$event.target.getAttribute('data-name')]"),
            )
        with v3.VCard(classes="pa-2", style="flex: 0 0 auto", v_if="has_barriers"):
            v3.VCardTitle(
                "Loss barriers between seeds (linear path)", classes="text-subtitle-1 pa-1"
            )
            h.Div(v_html=("barriers_svg",), id="barriers-view")
            h.Div(
                "{{ barriers_text }}",
                id="barriers-info",
                style="font-size: 12px; max-width: 330px; color: #555",
            )


def _bottom_row(html, v3, vtk, pick):
    """The selected landscape: surface, merge tree, diagram, barcode, profile, density;
    returns the 3-D view."""
    with html.Div(classes="d-flex flex-wrap ga-2 mt-2"):
        with v3.VCard(classes="pa-2", style="flex: 0 0 auto"):
            v3.VCardTitle("{{ selected }}", classes="text-subtitle-1 pa-1", id="selected")
            v3.VAlert("{{ error }}", v_if="error", type="error", density="compact", id="error")
            html.Div("{{ counts }}", id="counts", style="font-size: 12px")
            html.Div(
                "{{ scale_text }}",
                id="scale-info",
                style="font-size: 12px; max-width: 560px; color: #555",
            )
            html.Div("{{ pair_text }}", id="pair-info", style="font-size: 12px; min-height: 18px")
            with (
                html.Div(id="surface", style="width: 560px; height: 420px"),
                vtk.VtkView(ref="view", background=("[1, 1, 1]",)) as view,
            ):
                with (
                    vtk.VtkGeometryRepresentation(
                        color_map_preset="Viridis (matplotlib)",
                        color_data_range=("surface_range", [0.0, 1.0]),
                        property=("{pointSize: 5}",),  # a 3-D grid's or a graph's vertices
                    ),
                    vtk.VtkPolyData(
                        "surface",
                        points=("surface_points",),
                        polys=("surface_polys",),
                        lines=("surface_lines",),
                        verts=("surface_verts",),
                    ),
                    vtk.VtkPointData(),
                ):
                    vtk.VtkDataArray(
                        registration="setScalars",
                        name="Loss",
                        values=("surface_scalars",),
                    )
                for mark, (r, g, b) in MARK_COLOURS.items():
                    with vtk.VtkGeometryRepresentation(property=(f"{{color: [{r}, {g}, {b}]}}",)):
                        vtk.VtkPolyData(mark, points=(f"{mark}.points",), polys=(f"{mark}.polys",))
            html.A(
                "download this landscape",
                v_if="selected",
                href=("'files/' + selected.split('/').map(encodeURIComponent).join('/')",),
                id="download",
                style="font-size: 12px",
            )
        pair = "[$event.target.getAttribute('data-pair')]"
        for name, title in (
            ("tree", "Merge tree (planar, by branches)"),
            ("diagram", "Persistence diagram"),
            ("barcode", "Barcode"),
            ("profile", "Topological landscape profile"),
            ("density", "Hessian spectral density"),
        ):
            with v3.VCard(classes="pa-2", style="flex: 0 0 auto"):
                v3.VCardTitle(title, classes="text-subtitle-1 pa-1")
                html.Div(v_html=(f"{name}_svg",), id=f"{name}-view", click=(pick, pair))
    return view


def _file_route(ws_server, catalog: Catalog) -> None:
    """``GET /files/<name>``: a listed landscape's bytes; anything else 404. And no
    cross-origin request at all: a page from another site open in the same browser must
    not drive the WebSocket (it would read the study), so a request whose ``Origin`` is
    not this server's own is refused with 403."""
    from urllib.parse import urlsplit

    from aiohttp import web

    async def serve_file(request):
        name = request.match_info["name"]
        entry = catalog.entry(name)
        if entry is None or not inside(catalog.root, entry.path) or not entry.path.is_file():
            raise web.HTTPNotFound(text="no such landscape\n")
        return web.FileResponse(entry.path)

    @web.middleware
    async def same_origin(request, handler):
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != request.host:
            raise web.HTTPForbidden(text="cross-origin request refused\n")
        return await handler(request)

    ws_server.app.middlewares.append(same_origin)
    ws_server.app.router.add_get("/files/{name:.+}", serve_file)
