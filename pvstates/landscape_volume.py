"""ParaView Python state (File > Load State in the GUI): lltk's landscape_volume view of
the selected landscape, fitted to it, in place of what the session showed. Written by
lltk/render/scene.py with landscape_volume.pvsm, which it loads."""

from lltk.render import scene

STATE = "landscape_volume"
scene.report_errors(f"lltk state {STATE}", scene.load_state_on_active, STATE)
