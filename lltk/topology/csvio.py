"""CSV export in the column layout of ParaView's SaveData on TTK's outputs."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from lltk.atomic import atomic_write
from lltk.topology.diagram import PersistenceDiagram
from lltk.topology.tree import MergeTree


def _fmt(x: float) -> str:
    """A number as ParaView writes it with Precision=8 (8 significant digits)."""
    return f"{float(x):.8g}"


def _write(path: str | os.PathLike, header: list[str], rows: list[list[str]]) -> Path:
    path = Path(path)
    text = ",".join(f'"{h}"' for h in header) + "\n" + "".join(",".join(r) + "\n" for r in rows)
    with atomic_write(path) as fh:  # a unique temporary: concurrent runs never mix
        fh.write(text.encode("ascii"))
    return path


def _coords(coords: np.ndarray) -> np.ndarray:
    c = np.asarray(coords, dtype=np.float64)
    out = np.zeros((c.shape[0], 3))
    out[:, : min(3, c.shape[1])] = c[:, :3]
    return out


def write_merge_tree_csv(path: str | os.PathLike, tree: MergeTree, coords: np.ndarray) -> Path:
    """Write ``tree``'s nodes like TTK's ``*_MergeTree.csv`` (``coords``: per vertex;
    ``RegionSpan`` truncated to an integer, as TTK stores it on nodes)."""
    c = _coords(coords)
    header = ["NodeId", "Scalar", "VertexId", "CriticalType", "RegionSize", "RegionSpan"]
    header += ["Points:0", "Points:1", "Points:2"]
    rows = []
    for i in range(tree.n_nodes):
        vert = int(tree.node_vertex[i])
        rows.append(
            [str(i), _fmt(tree.node_scalar[i]), str(vert), str(int(tree.node_type[i]))]
            + [str(int(tree.region_size[i])), str(int(tree.region_span[i]))]
            + [_fmt(x) for x in c[vert]]
        )
    return _write(path, header, rows)


def write_persistence_csv(
    path: str | os.PathLike,
    diagram: PersistenceDiagram,
    coords: np.ndarray,
    dimension: bool = False,
) -> Path:
    """Write ``diagram`` like TTK's ``*_PersistenceDiagram.csv``: birth row, death row;
    with ``dimension``, a last column ``Dimension`` gives each pair's homology
    dimension on both of its rows (n-D grids, graphs)."""
    c = _coords(coords)
    header = ["ttkVertexScalarField", "CriticalType"]
    header += ["Coordinates:0", "Coordinates:1", "Coordinates:2", "Points:0", "Points:1"]
    header += ["Points:2"] + (["Dimension"] if dimension else [])
    rows = []
    for i in range(len(diagram)):
        b, d = int(diagram.birth_vertex[i]), int(diagram.death_vertex[i])
        bv, dv = _fmt(diagram.birth[i]), _fmt(diagram.death[i])
        extra = [str(int(diagram.dimension[i]))] if dimension else []
        rows.append(
            [str(b), str(int(diagram.birth_type[i]))]
            + [_fmt(x) for x in c[b]]
            + [bv, bv, "0"]
            + extra
        )
        rows.append(
            [str(d), str(int(diagram.death_type[i]))]
            + [_fmt(x) for x in c[d]]
            + [bv, dv, "0"]
            + extra
        )
    return _write(path, header, rows)
