"""The plots' cameras: a camera reset leaves room for the axes' labels and titles.

ParaView resets a view's camera when it first shows data (on *Apply*) and on *Reset
Camera*, fitting a sphere around the data. The plots' axes labels, titles and legend lie
outside the data: in a view a quarter of a 1600 x 1000 screen the profile's and the
diagram's loss-axis titles were cut off at the left, and the colour legend covered the
data at the right. In the plots' views (:data:`lltk.paraview.plotviews.PLANAR_VIEWS`),
every reset is followed by :func:`plot_frame`: the data inside the view less margins for
the labels (left, bottom) and the legend (right). The GUI resets a new view before its
layout has given it its size, and a view split for the next plot gets narrower: until the
user zooms, the frame follows the view's size.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable

from vtkmodules.vtkCommonCore import vtkCommand, vtkOutputWindow

from lltk.paraview.plotviews import PLANAR_VIEWS

#: Pixels kept free around the data (left, right, bottom, top): the loss axis's labels and
#: title in three lines, the legend, the x axis's labels and title; each at most
#: :data:`MARGIN_SHARES` of the view's width or height.
MARGINS = (125, 110, 70, 30)
MARGIN_SHARES = (0.36, 0.3, 0.2, 0.08)

#: Pixels left of a study view's data for its loss axis's labels and title ("log10 loss"),
#: and right of it for its legends (:func:`study_frame`).
LABEL_PIXELS = 125
LEGEND_PIXELS = 140

#: A view's camera for a size: ((focal x, focal y), parallel scale), or None to leave it.
Frame = Callable[[object, tuple[int, int]], "tuple[tuple[float, float], float] | None"]

#: The global ids of the views whose resets are watched already.
_watched: set[int] = set()
#: For each view (by global id): how it is framed for a size (``frame(view, size)``), the
#: parallel scale it was last framed with and its size then. Ids, not the views: a
#: reference would keep a closed view alive.
_framed: dict[int, tuple[Frame, float, tuple[int, int]]] = {}
#: The views whose size is followed already.
_followed: set[int] = set()
#: Whether this process watches for new views already.
_watching = [False]


def plot_frame(
    bounds: tuple[float, float, float, float], size: tuple[int, int]
) -> tuple[tuple[float, float], float] | None:
    """The focal point (x, y) and parallel scale that show ``bounds`` (xmin, xmax, ymin,
    ymax) whole in a view of ``size`` (width, height) pixels, less its margins
    (:data:`MARGINS`); None for an empty view or empty bounds.

    >>> (x, y), scale = plot_frame((0.0, 1.0, 0.0, 1.0), (1000, 1000))  # 765 pixels wide
    >>> round(x, 3), round(y, 3), round(scale, 3)  # the data right of centre and above it
    (0.49, 0.474, 0.654)
    """
    width, height = size
    x0, x1, y0, y1 = bounds
    if width <= 0 or height <= 0 or not (x1 >= x0 and y1 >= y0) or (x1 == x0 and y1 == y0):
        return None
    left, right, bottom, top = (
        min(pixels, share * extent)
        for pixels, share, extent in zip(
            MARGINS, MARGIN_SHARES, (width, width, height, height), strict=True
        )
    )
    per_pixel = max((x1 - x0) / (width - left - right), (y1 - y0) / (height - bottom - top))
    focal = (
        0.5 * (x0 + x1) + 0.5 * (right - left) * per_pixel,
        0.5 * (y0 + y1) + 0.5 * (top - bottom) * per_pixel,
    )
    return focal, 0.5 * height * per_pixel


def study_frame(
    bounds: tuple[float, float, float, float], size: tuple[int, int], width_share: float
) -> tuple[tuple[float, float], float]:
    """The focal point (x, y) and parallel scale of a study's 2-D view of ``size`` pixels
    (:func:`lltk.render.style.fit_planar`): ``bounds`` (xmin, xmax, ymin, ymax) take
    ``width_share`` of the width, from 26 % of it at the default share, axis labels and
    title on their left, legends (names left of their colours) on their right. In a view
    under about 400 pixels wide (three side by side on a 1600-pixel screen: "og10 loss")
    those need :data:`LABEL_PIXELS` and :data:`LEGEND_PIXELS`, and the data gets less.

    >>> (x, y), scale = study_frame((0.0, 1.3, 0.0, 1.0), (900, 600), 0.38)
    >>> round(x, 3), round(y, 3), round(scale, 3)
    (0.821, 0.523, 1.14)
    """
    x0, x1, y0, y1 = bounds
    pixels = max(size[0], 1)
    aspect = pixels / max(size[1], 1)
    left = max(0.355 - 0.25 * width_share, LABEL_PIXELS / pixels)
    share = max(0.2, min(width_share, 1.0 - LEGEND_PIXELS / pixels - left))
    half = 0.5 * max((x1 - x0) / (share * aspect), (y1 - y0) / 0.66, 1e-12)
    cx = 0.5 * (x0 + x1) + (0.5 - left - 0.5 * share) * 2.0 * half * aspect
    return (cx, 0.5 * (y0 + y1) + 0.02 * half), half


def _data_frame(view: object, size: tuple[int, int]) -> tuple[tuple[float, float], float] | None:
    """:func:`plot_frame` of what the view shows."""
    return plot_frame(view.GetRenderer().ComputeVisiblePropBounds()[:4], size)


def _frame(view: object, view_id: int, frame: Frame, size: tuple[int, int]) -> None:
    """Frame a 2-D view (a vtkPVRenderView, proxy id ``view_id``) of ``size`` pixels as
    ``frame`` says, when it looks at the plot's plane (along z)."""
    camera = view.GetActiveCamera()
    if abs(camera.GetDirectionOfProjection()[2]) < 0.999:
        return  # turned out of its plane: ParaView's reset stands
    aim = frame(view, size)
    if aim is None:
        return
    (x, y), scale = aim
    fx, fy, fz = camera.GetFocalPoint()
    px, py, pz = camera.GetPosition()
    camera.SetFocalPoint(x, y, fz)
    camera.SetPosition(x + px - fx, y + py - fy, pz)
    camera.SetParallelScale(scale)
    _framed[view_id] = (frame, scale, tuple(size))


def _follow_size(view_id: int) -> None:
    """As the view ``view_id`` starts rendering: frame it again when its size changed since
    it was framed and the user has not zoomed since. (Framed at the resize itself, it was
    undone: ParaView then pushes the proxy's camera. The zoom alone tells: in the GUI, a
    resize also moved the focal point back to the data's centre.)"""
    from paraview.modules.vtkRemotingServerManager import vtkSMProxyManager

    if view_id not in _framed:  # every render comes here: nothing to look up yet
        return
    session = vtkSMProxyManager.GetProxyManager().GetActiveSession()
    proxy = session.GetRemoteObject(view_id) if session is not None else None
    view = proxy.GetClientSideObject() if proxy is not None else None
    if view is None:
        return
    frame, scale, size = _framed[view_id]
    zoomed = abs(view.GetActiveCamera().GetParallelScale() - scale) > 1e-9 * scale
    if not zoomed and tuple(view.GetSize()) != size:
        _frame(view, view_id, frame, view.GetSize())


def _follow(view: object, view_id: int) -> None:
    """Follow the size of ``view`` (once)."""
    if view_id not in _followed:
        view.GetRenderer().AddObserver(
            vtkCommand.StartEvent, lambda _renderer, _event, i=view_id: _follow_size(i)
        )
        _followed.add(view_id)


def keep_framed(
    view_proxy: object, bounds: tuple[float, float, float, float], width_share: float
) -> None:
    """Keep a study's 2-D view (its server-manager proxy) framed on ``bounds`` as
    :func:`study_frame` says, whenever its size changes, until the user zooms: the GUI
    sizes a state's views after lltk fitted them."""
    view = view_proxy.GetClientSideObject()
    view_id = view_proxy.GetGlobalID()
    _follow(view, view_id)
    _framed[view_id] = (
        lambda _view, size: study_frame(bounds, size, width_share),
        view.GetActiveCamera().GetParallelScale(),
        tuple(view.GetSize()),
    )


def _watch_new_views(_manager: object = None, _event: str = "") -> None:
    """Watch the resets of the plots' views that are not watched yet; a failure goes to
    ParaView's output window, never out of the event."""
    # the render views' class, so that an event's caller arrives as one, not as a vtkObject
    from paraview.modules import vtkRemotingViews  # noqa: F401
    from paraview.modules.vtkRemotingServerManager import vtkSMProxyIterator, vtkSMProxyManager

    session = vtkSMProxyManager.GetProxyManager().GetActiveSessionProxyManager()
    if session is None:
        return  # no session yet (start-up) or any more
    try:
        views = vtkSMProxyIterator()
        views.SetSessionProxyManager(session)
        views.SetModeToOneGroup()
        views.Begin("views")
        while not views.IsAtEnd():
            proxy = views.GetProxy()
            watched = proxy.GetGlobalID() in _watched
            if proxy.GetXMLName() in PLANAR_VIEWS.values() and not watched:
                view = proxy.GetClientSideObject()
                if view is not None:
                    view_id = proxy.GetGlobalID()
                    view.AddObserver(
                        vtkCommand.ResetCameraEvent,
                        lambda view, _event, i=view_id: _frame(
                            view, i, _data_frame, view.GetSize()
                        ),
                    )
                    _follow(view, view_id)
                    _watched.add(view_id)
            views.Next()
    except Exception as exc:  # an event handler must not raise into ParaView
        vtkOutputWindow.GetInstance().DisplayErrorText(
            f"lltk: could not watch the plots' cameras ({exc}):\n" + traceback.format_exc()
        )


def frame_plots_on_reset() -> bool:
    """Reframe the plots' views after every camera reset, in views that exist now or are
    created later (once per process); False outside ParaView."""
    if _watching[0]:
        return True
    try:
        from paraview.modules.vtkRemotingServerManager import vtkSMProxyManager
    except ImportError:  # a VTK pipeline outside ParaView
        return False
    vtkSMProxyManager.GetProxyManager().AddObserver(vtkCommand.RegisterEvent, _watch_new_views)
    _watch_new_views()
    _watching[0] = True
    return True
