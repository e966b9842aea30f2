"""The topology core: TTK's merge trees, persistence diagrams, critical points and
simplification, in numpy + numba, on implicitly triangulated grids and on graphs.

Ties are broken like TTK (simulation of simplicity): vertices are ordered by
(value, vertex id). NaN values are treated as +inf (with a warning); where a finite
stand-in is needed (coordinates to draw), :func:`plateau_height` orders them the same way.
How a dataset becomes a field (which array, which values are valid):
:mod:`lltk.topology.field`.
"""

from lltk.topology.critical import critical_points
from lltk.topology.csvio import write_merge_tree_csv, write_persistence_csv
from lltk.topology.diagram import PersistenceDiagram, join_tree_and_diagram, persistence_pairs
from lltk.topology.domain import Domain, graph_domain, grid_domain, vertex_order
from lltk.topology.simplify import simplify, simplify_with_order
from lltk.topology.tree import MergeTree, join_level, join_tree, plateau_height, split_tree

__all__ = [
    "Domain",
    "MergeTree",
    "PersistenceDiagram",
    "critical_points",
    "graph_domain",
    "grid_domain",
    "join_level",
    "join_tree",
    "join_tree_and_diagram",
    "persistence_pairs",
    "plateau_height",
    "simplify",
    "simplify_with_order",
    "split_tree",
    "vertex_order",
    "write_merge_tree_csv",
    "write_persistence_csv",
]
