"""ParaView Python state (File > Load State in the GUI): lltk's landscape_volume view of
the selected landscape, fitted to it, in place of what the session showed. Written by
lltk/render/states.py with landscape_volume.pvsm, which it loads."""

from lltk.render import states

STATE = "landscape_volume"
states.report_errors(f"lltk state {STATE}", states.load_state_on_active, STATE)
