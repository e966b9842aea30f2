"""ParaView Python state (File > Load State in the GUI): lltk's merge_tree view of
the selected landscape, fitted to it, in place of what the session showed. Written by
lltk/render/scene.py with merge_tree.pvsm, which it loads."""

from lltk.render import scene

scene.report_errors("lltk state merge_tree", scene.load_state_on_active, "merge_tree")
