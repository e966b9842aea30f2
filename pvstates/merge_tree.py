"""ParaView Python state (File > Load State in the GUI): lltk's merge_tree view of
the selected landscape, fitted to it, in place of what the session showed. Written by
lltk/render/states.py with merge_tree.pvsm, which it loads."""

from lltk.render import states

STATE = "merge_tree"
states.report_errors(f"lltk state {STATE}", states.load_state_on_active, STATE)
