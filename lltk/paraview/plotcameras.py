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

from vtkmodules.vtkCommonCore import vtkCommand, vtkOutputWindow

from lltk.paraview.plotviews import PLANAR_VIEWS

#: Pixels kept free around the data (left, right, bottom, top): the loss axis's labels and
#: title in three lines, the legend, the x axis's labels and title; each at most
#: :data:`MARGIN_SHARES` of the view's width or height.
MARGINS = (125, 110, 70, 30)
MARGIN_SHARES = (0.36, 0.3, 0.2, 0.08)

#: The global ids of the views whose resets are watched already.
_watched: set[int] = set()
#: The parallel scale each view (by global id) was last framed with, and the view's size
#: then. Ids, not the views: a reference would keep a closed view alive.
_framed: dict[int, tuple[float, tuple[int, int]]] = {}
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


def _frame(view: object, size: tuple[int, int], view_id: int) -> None:
    """Frame a plot's view (a vtkPVRenderView, proxy id ``view_id``) of ``size`` pixels
    when it looks at the plot's plane (along z)."""
    camera = view.GetActiveCamera()
    if abs(camera.GetDirectionOfProjection()[2]) < 0.999:
        return  # turned out of its plane: ParaView's reset stands
    frame = plot_frame(view.GetRenderer().ComputeVisiblePropBounds()[:4], size)
    if frame is None:
        return
    (x, y), scale = frame
    fx, fy, fz = camera.GetFocalPoint()
    px, py, pz = camera.GetPosition()
    camera.SetFocalPoint(x, y, fz)
    camera.SetPosition(x + px - fx, y + py - fy, pz)
    camera.SetParallelScale(scale)
    _framed[view_id] = (scale, tuple(size))


def _follow_size(view_id: int) -> None:
    """As the view ``view_id`` starts rendering: frame it again when its size changed since
    it was framed and the user has not zoomed since. (Framed at the resize itself, it was
    undone: ParaView then pushes the proxy's camera. The zoom alone tells: in the GUI, a
    resize also moved the focal point back to the data's centre.)"""
    from paraview.modules.vtkRemotingServerManager import vtkSMProxyManager

    session = vtkSMProxyManager.GetProxyManager().GetActiveSession()
    proxy = session.GetRemoteObject(view_id) if session is not None else None
    view = proxy.GetClientSideObject() if proxy is not None else None
    if view is None or view_id not in _framed:
        return
    scale, size = _framed[view_id]
    zoomed = abs(view.GetActiveCamera().GetParallelScale() - scale) > 1e-9 * scale
    if not zoomed and tuple(view.GetSize()) != size:
        _frame(view, view.GetSize(), view_id)


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
                        lambda view, _event, i=view_id: _frame(view, view.GetSize(), i),
                    )
                    view.GetRenderer().AddObserver(
                        vtkCommand.StartEvent, lambda _renderer, _event, i=view_id: _follow_size(i)
                    )
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
