"""Display defaults that ParaView 5.11's proxy XML cannot declare.

A filter's hints choose each output port's representation type (``RepresentationType``),
not its properties: Point Gaussian's radius then defaults to 0.5 % of the points' own
extent (its ``BoundsDomain``), and critical points showed as specks. :func:`size_spheres`
watches a session's representations and gives every new Point Gaussian display of an
lltk port that asks for one the radius of the *Loss Landscape Views* macro's glyphs,
from the landscape's width. It runs in the GUI and in pvpython alike (``Show``).
"""

from __future__ import annotations

from paraview.modules.vtkRemotingServerManager import vtkSMProxyIterator, vtkSMProxyManager

#: Sphere radius as a fraction of the landscape's x extent: half the macro's glyph
#: diameter (``lltk.render.scene.GLYPH_SIZE``).
SPHERE_RADIUS = 0.015
_POINT_GAUSSIAN = "Point Gaussian"
#: Global ids of the representations already seen, by session proxy manager.
_seen: dict[str, set[str]] = {}


def sphere_ports(producer) -> set[int]:
    """The output ports whose hints ask for Point Gaussian in a render view."""
    hints = producer.GetHints()
    if hints is None:
        return set()
    ports = set()
    for i in range(hints.GetNumberOfNestedElements()):
        hint = hints.GetNestedElement(i)
        if hint.GetName() == "RepresentationType" and hint.GetAttribute("type") == _POINT_GAUSSIAN:
            ports.add(int(hint.GetAttribute("port") or 0))
    return ports


def landscape_width(producer) -> float:
    """The x extent of the producer's input (the landscape), 0 when unknown."""
    source = producer.GetProperty("Input")
    if source is None or source.GetNumberOfProxies() == 0:
        return 0.0
    port = source.GetOutputPortForConnection(0)
    bounds = source.GetProxy(0).GetDataInformation(port).GetBounds()
    return max(bounds[1] - bounds[0], 0.0)


def _size_new(pxm, _event: str) -> None:
    seen = _seen.setdefault(pxm.__this__, set())
    reps = vtkSMProxyIterator()
    reps.SetSessionProxyManager(pxm)
    reps.SetModeToOneGroup()
    reps.Begin("representations")
    while not reps.IsAtEnd():
        rep = reps.GetProxy()
        reps.Next()
        if rep.GetGlobalIDAsString() in seen:
            continue
        seen.add(rep.GetGlobalIDAsString())
        source = rep.GetProperty("Input")
        radius = rep.GetProperty("GaussianRadius")
        if radius is None or source is None or source.GetNumberOfProxies() == 0:
            continue
        producer = source.GetProxy(0)
        if source.GetOutputPortForConnection(0) not in sphere_ports(producer):
            continue
        width = landscape_width(producer)
        if width > 0:
            radius.SetElement(0, SPHERE_RADIUS * width)
            rep.UpdateVTKObjects()


def size_spheres() -> None:
    """Watch the active session (once) so that new Point Gaussian displays of lltk's
    ports get spheres sized to the landscape."""
    pxm = vtkSMProxyManager.GetProxyManager().GetActiveSessionProxyManager()
    if pxm is None or pxm.__this__ in _seen:
        return
    _seen[pxm.__this__] = set()
    pxm.AddObserver("RegisterEvent", _size_new)
