"""ParaView Python state (File > Load State in the GUI): lltk's persistence_diagram view of
the selected landscape, fitted to it, in place of what the session showed. Written by
lltk/render/states.py with persistence_diagram.pvsm, which it loads."""

from lltk.render import states

STATE = "persistence_diagram"
states.report_errors(f"lltk state {STATE}", states.load_state_on_active, STATE)
