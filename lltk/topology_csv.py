"""``lltk topology``: a landscape file's join or split tree and persistence diagram, as
TTK's CSV files (:func:`write_topology_csv` on a :class:`TopologyConfig`)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lltk.atomic import output_set, writable_folder
from lltk.landscape import read_landscape
from lltk.topology import (
    join_tree,
    persistence_pairs,
    simplify_with_order,
    split_tree,
    write_merge_tree_csv,
    write_persistence_csv,
)


@dataclass(kw_only=True)
class TopologyConfig:
    """The landscape file ``input`` (its point array ``array``; None: ``Loss``, else the
    only one-component array), its ``tree`` (``join`` or ``split``), first simplified by
    ``simplify`` (a fraction of the range, or a persistence with ``absolute``); the CSVs
    go to the folder ``out``."""

    input: Path
    array: str | None = None
    tree: str = "join"
    simplify: float | None = None
    absolute: bool = False
    out: Path

    def __post_init__(self) -> None:
        self.input, self.out = Path(self.input), Path(self.out)
        if self.tree not in ("join", "split"):
            raise ValueError(f"the tree is 'join' or 'split', not {self.tree!r}")


def write_topology_csv(
    config: TopologyConfig, log: Callable[[str], None] = print
) -> tuple[Path, Path]:
    """Read ``config.input``, compute its tree and diagram, write
    ``<out>/<stem>_MergeTree.csv`` and ``<out>/<stem>_PersistenceDiagram.csv`` (both or
    neither) and report them through ``log``; the two paths."""
    field = read_landscape(config.input, config.array)
    values, domain = field.values, field.domain
    writable_folder(config.out, f"to {config.out}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        order = None  # the simplified field's order: TTK's local order in flat basins
        if config.simplify is not None:
            values, order = simplify_with_order(
                values, domain, config.simplify, absolute=config.absolute
            )
        tree = (split_tree if config.tree == "split" else join_tree)(values, domain, order)
        diagram = persistence_pairs(values, domain, order)
    for w in {str(w.message) for w in caught}:
        log(f"lltk topology: warning: {w}")
    stem = config.input.stem
    nd = not domain.is_grid or len(domain.dims) > 3  # TTK's own layout up to 3-D
    t = config.out / f"{stem}_MergeTree.csv"
    d = config.out / f"{stem}_PersistenceDiagram.csv"
    with output_set([t, d]):  # both or neither
        write_merge_tree_csv(t, tree, field.points)
        write_persistence_csv(d, diagram, field.points, dimension=nd)
    log(f"{t} ({tree.n_nodes} nodes)")
    counts = np.bincount(diagram.dimension, minlength=1)
    per_dim = ", ".join(f"H{k}: {c}" for k, c in enumerate(counts))
    log(f"{d} ({len(diagram)} pairs; {per_dim})")
    if not domain.is_grid:
        log(
            f"lltk topology: {config.input.name} is a graph, not a grid (no GridShape): "
            "dimension 0 pairs only"
        )
    return t, d
