"""lltk's states fitted to the landscape they load, when *File › Load State* reads a
``.pvsm`` in the GUI (or ``LoadState`` in pvpython) with lltk's plugins loaded.

ParaView restores a state as it was saved, cameras included, and runs no code of the
state's own: the merge tree of another landscape sat off-camera. Every lltk plugin imports
:mod:`lltk.paraview.algorithm`, which calls :func:`fit_states_when_loaded`; from then on
the server manager's ``LoadStateEvent`` (sent once a state's proxies exist) runs
:func:`lltk.render.loading.fit_loaded_state`, which fits lltk's own states only.
"""

from __future__ import annotations

import traceback

from vtkmodules.vtkCommonCore import vtkCommand, vtkOutputWindow

#: Whether this process watches for loaded states already.
_watching = [False]


def _state_loaded(_manager: object, _event: str) -> None:
    """Fit the state that has just loaded (lltk's only); a failure goes to ParaView's
    output window, never out of the event."""
    try:
        from lltk.render import loading

        loading.fit_loaded_state()
    except Exception as exc:  # an event handler must not raise into ParaView
        vtkOutputWindow.GetInstance().DisplayErrorText(
            f"lltk: could not fit the loaded state to its landscape ({exc}):\n"
            + traceback.format_exc()
        )


def fit_states_when_loaded() -> bool:
    """Watch for states loaded from now on (once per process); False outside ParaView."""
    if _watching[0]:
        return True
    try:
        from paraview.modules.vtkRemotingServerManager import vtkSMProxyManager
    except ImportError:  # a VTK pipeline outside ParaView
        return False
    vtkSMProxyManager.GetProxyManager().AddObserver(vtkCommand.LoadStateEvent, _state_loaded)
    _watching[0] = True
    return True
