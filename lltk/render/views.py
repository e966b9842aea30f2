"""The views lltk renders and the ParaView states (``pvstates/``) that draw them."""

from __future__ import annotations

from pathlib import Path

from lltk.resources import share_dir

STATES_DIR = share_dir("pvstates")
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
    "connect": "landscape_connect",
    "path_loss": "landscape_connect",
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


def available_views() -> list[str]:
    """The views whose states exist in ``pvstates/``."""
    return [v for v, s in VIEW_STATES.items() if (STATES_DIR / f"{s}.pvsm").is_file()]


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
        if state == "landscape" and kind not in ("surface", "ndgrid"):
            state = f"landscape_{kind}"  # an n-D grid's is its 2-D slice's surface
        elif state == "landscape" and side_file(landscape, "_trajectory.vtp").is_file():
            state = "landscape_trajectory"  # the training path drawn on the surface
        if state == "layout" and kind != "surface":
            continue
        if (
            state in ("hessian_density", "layout")
            and not side_file(landscape, "_hessian_density.csv").is_file()
        ):
            continue
        if state == "solution" and not side_file(landscape, "_solution.vti").is_file():
            continue
        if state == "landscape_connect" and not side_file(landscape, "_paths.vtp").is_file():
            continue
        if not (STATES_DIR / f"{state}.pvsm").is_file():
            raise FileNotFoundError(
                f"no state {STATES_DIR / state}.pvsm for view {view!r} "
                "(its ParaView plugin may be missing; regenerate with lltk/render/states.py)"
            )
        if state not in states:
            states.append(state)
    return states


def side_file(landscape: Path, suffix: str) -> Path:
    return landscape.with_name(landscape.stem + suffix)
