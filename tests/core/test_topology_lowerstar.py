"""The lower-star kernels behind the persistence diagram of grids.

Their offset tables must rebuild TTK's implicit triangulation exactly (the one
:mod:`lltk.topology.domain` lists, checked against TTK's outputs); their diagrams must
be gudhi's on fields large enough for long gradient paths and chains of reductions,
and TTK's own where ``make ttk`` installed it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from conftest import skip_without_ttk

from lltk import ttk
from lltk.topology import grid_domain, persistence_pairs, vertex_order
from lltk.topology._lowerstar import kuhn_tables, lower_star_pairs
from lltk.topology._sweep import outside_split_pairs


def _star_simplices(dims: tuple[int, ...]) -> tuple[set, set]:
    """Top cells and facets of the grid rebuilt from the tables, as vertex sets."""
    d = len(dims)
    t = kuhn_tables(d)
    shape = np.array([*dims, 1][:3])
    strides = np.array([1, shape[0], shape[0] * shape[1]])
    tops, facets = set(), set()
    for v in range(int(np.prod(dims))):
        xyz = np.array([v % shape[0], (v // shape[0]) % shape[1], v // (shape[0] * shape[1])])
        for kind in range(len(t["top_type"])):
            corner = xyz + t["top_corner"][kind]
            cell = corner + t["chain"][t["top_type"][kind]]
            if ((cell >= 0) & (cell < shape)).all():
                tops.add(frozenset((cell @ strides).tolist()))
        for f in range(len(t["fac_nb"])):
            pts = np.vstack([xyz, xyz + t["nb"][t["fac_nb"][f]]])
            if ((pts >= 0) & (pts < shape)).all():
                facets.add(frozenset((pts @ strides).tolist()))
    return tops, facets


@pytest.mark.parametrize("dims", [(4, 3), (3, 5), (4, 3, 3), (3, 4, 5)])
def test_tables_rebuild_the_implicit_triangulation(dims: tuple[int, ...]) -> None:
    domain = grid_domain(dims)
    d = len(dims)
    tops, facets = _star_simplices(dims)
    assert tops == {frozenset(s) for s in domain.simplices(d).tolist()}
    assert facets == {frozenset(s) for s in domain.simplices(d - 1).tolist()}


def _rows(values: np.ndarray, dims: tuple[int, ...]) -> np.ndarray:
    dgm = persistence_pairs(values, grid_domain(dims))
    return np.column_stack([dgm.birth_vertex, dgm.death_vertex, dgm.birth_type, dgm.death_type])


def _field(rng: np.random.Generator, dims: tuple[int, ...]) -> np.ndarray:
    """Few levels (many ties, broken by vertex id) or smooth plus noise."""
    n = int(np.prod(dims))
    if rng.random() < 0.5:
        return rng.integers(0, int(rng.integers(2, 6)), size=n).astype(float)
    axes = np.meshgrid(*[np.linspace(-1, 1, k) for k in dims[::-1]], indexing="ij")
    return (sum(a**2 for a in axes).ravel() + 0.2 * rng.standard_normal(n)).round(2)


@pytest.mark.parametrize("ndim", [2, 3])
def test_medium_grids_match_gudhi(ndim: int) -> None:
    gudhi = pytest.importorskip("gudhi")
    rng = np.random.default_rng(11)
    for _ in range(6):
        dims = tuple(int(k) for k in rng.integers(6, {2: 40, 3: 11}[ndim], size=ndim))
        values = _field(rng, dims)
        domain = grid_domain(dims)
        rank = vertex_order(values)
        order = np.argsort(rank)
        st = gudhi.SimplexTree()
        for k in range(ndim + 1):
            block = domain.simplices(k)
            st.insert_batch(block.T.astype(np.int64), rank[block].max(axis=1).astype(float))
        ref = Counter()
        for dim, (b, dd) in st.persistence(homology_coeff_field=2, min_persistence=-1):
            bv, dv = int(order[int(b)]), -1 if np.isinf(dd) else int(order[int(dd)])
            if bv != dv:
                ref[(dim, bv, dv)] += 1
        rows = _rows(values, dims)

        def dimension(bt: int, dt: int) -> int:  # a saddle-maximum pair is of H_(d-1)
            return 0 if bt == 0 else ndim - 1 if dt == 3 else 1

        ours = Counter(
            (dimension(bt, dt), int(b), -1 if (bt == 0 and dt == 3) else int(dv))
            for b, dv, bt, dt in rows.tolist()
        )
        assert ours == ref, dims


_TTK_CHILD = """
import sys
import numpy as np
import topologytoolkit as ttk
from vtkmodules.util import numpy_support as ns
from vtkmodules.vtkCommonDataModel import vtkImageData

cases = np.load(sys.argv[1])
out = {}
for k in range(int(cases["count"])):
    dims = [int(n) for n in cases[f"dims{k}"]]
    image = vtkImageData()
    image.SetDimensions(*dims, *([1] * (3 - len(dims))))
    array = ns.numpy_to_vtk(cases[f"values{k}"], deep=1)
    array.SetName("f")
    image.GetPointData().AddArray(array)
    flt = ttk.ttkPersistenceDiagram()
    flt.SetInputDataObject(image)
    flt.SetInputArrayToProcess(0, 0, 0, 0, "f")
    flt.Update()
    dgm = flt.GetOutput()
    vertex = ns.vtk_to_numpy(dgm.GetPointData().GetArray("ttkVertexScalarField"))
    ctype = ns.vtk_to_numpy(dgm.GetPointData().GetArray("CriticalType"))
    ident = ns.vtk_to_numpy(dgm.GetCellData().GetArray("PairIdentifier"))
    cells = ns.vtk_to_numpy(dgm.GetCells().GetConnectivityArray()).reshape(-1, 2)[ident >= 0]
    b, d = cells[:, 0], cells[:, 1]
    out[f"rows{k}"] = np.column_stack([vertex[b], vertex[d], ctype[b], ctype[d]])
np.savez(sys.argv[2], **out)
"""


@pytest.mark.parametrize("ndim", [2, 3])
def test_random_fields_with_ties_match_ttk(ndim: int, tmp_path: Path) -> None:
    """Every pair, type and vertex as TTK 1.2.0 itself gives them, rows in TTK's order
    of birth vertices. Pairs sharing a birth vertex (a degenerate saddle) can come in
    another order than TTK's: TTK sorts by birth alone with std::sort, which leaves
    such ties in an order of its own (neither rising nor falling death in general)."""
    env = dict(os.environ)
    if ttk.add_to_env(env) is None:
        skip_without_ttk("TTK 1.2.0 not installed (make ttk; or set LLTK_TTK_PREFIX)")
    rng = np.random.default_rng(100 + ndim)
    cases = {}
    for k in range(40):
        dims = tuple(int(n) for n in rng.integers(3, {2: 25, 3: 10}[ndim], size=ndim))
        cases[f"dims{k}"] = np.array(dims)
        cases[f"values{k}"] = _field(rng, dims)
    np.savez(tmp_path / "cases.npz", count=40, **cases)
    cmd = [sys.executable, "-c", _TTK_CHILD, str(tmp_path / "cases.npz"), str(tmp_path / "o.npz")]
    subprocess.run(cmd, check=True, env=env, timeout=600)
    with np.load(tmp_path / "o.npz") as ttk_rows:
        for k in range(40):
            dims = tuple(int(n) for n in cases[f"dims{k}"])
            ours, ref = _rows(cases[f"values{k}"], dims), ttk_rows[f"rows{k}"]
            assert sorted(map(tuple, ours.tolist())) == sorted(map(tuple, ref.tolist())), dims
            np.testing.assert_array_equal(ours[:, 0], ref[:, 0])


@pytest.mark.parametrize("ndim", [2, 3])
def test_vertex_sweep_with_the_outside_gives_the_dual_sweeps_pairs(ndim: int) -> None:
    """Alexander duality: the saddle-maximum pairs of the descending vertex sweep with
    the outside node (used on 2-D grids) are those of the lower stars' dual sweep (used
    on 3-D grids, checked against gudhi and TTK above), on fields with many ties."""
    rng = np.random.default_rng(7 + ndim)
    for _ in range(30):
        dims = tuple(int(k) for k in rng.integers(3, {2: 30, 3: 10}[ndim], size=ndim))
        domain = grid_domain(dims)
        rank = vertex_order(_field(rng, dims))
        shape = np.array([*dims, 1][:3], np.int64)
        by_vertices = outside_split_pairs(rank, domain.indptr, domain.indices, shape)
        by_cells = lower_star_pairs(rank, shape)[:2]
        assert sorted(zip(*by_vertices, strict=True)) == sorted(zip(*by_cells, strict=True))
