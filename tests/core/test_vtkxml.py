"""The numpy VTK XML reader/writer against files TTK and ParaView wrote."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from lltk import vtkxml


def test_reads_ttk_reference_image(ttk_reference):
    ds = vtkxml.read(ttk_reference / "vit_corrupted_seed0_d3.0.vti")
    assert ds.kind == "ImageData"
    assert ds.dimensions == (40, 40, 1)
    loss = ds.point_data["Loss"]
    assert loss.dtype == np.float64 and loss.shape == (1600,)
    # The merge tree CSV says vertex 1560 is the root with scalar 7.2640166.
    assert loss[1560] == pytest.approx(7.2640166, abs=1e-6)


def test_round_trip_image_with_field_data(tmp_path):
    values = np.random.default_rng(0).normal(size=(3 * 4 * 5))
    ds = vtkxml.image_data(
        {"Loss": values, "Valid": np.ones(60, np.uint8)},
        dims=(3, 4, 5),
        origin=(-1.0, -2.0, -3.0),
        spacing=(0.5, 0.25, 0.125),
        field_data={
            "model": "pinn",
            "beta": np.array([7.0]),
            "names": np.array(["a", "bc"], dtype=object),
        },
    )
    out = vtkxml.write(tmp_path / "g.vti", ds)
    back = vtkxml.read(out)
    assert back.dimensions == (3, 4, 5)
    assert back.origin == (-1.0, -2.0, -3.0) and back.spacing == (0.5, 0.25, 0.125)
    np.testing.assert_array_equal(back.point_data["Loss"], values)
    assert back.field_data["model"] == "pinn"
    assert list(back.field_data["names"]) == ["a", "bc"]
    assert back.field_data["beta"][0] == 7.0
    coords = back.point_coordinates()
    assert coords[1].tolist() == [-0.5, -2.0, -3.0]


def test_unstructured_edges_and_truncation(tmp_path):
    ug = vtkxml.Dataset(
        kind="UnstructuredGrid",
        points=np.random.default_rng(1).random((5, 3)),
        connectivity=np.array([0, 1, 2, 1, 3, 4, 3]),
        offsets=np.array([3, 5, 7]),
        cell_types=np.array([vtkxml.VTK_TRIANGLE, vtkxml.VTK_LINE, vtkxml.VTK_LINE], np.uint8),
        point_data={"Loss": np.arange(5.0)},
    )
    path = vtkxml.write(tmp_path / "g.vtu", ug)
    edges = vtkxml.cell_edges(vtkxml.read(path))
    assert edges.tolist() == [[0, 1], [0, 2], [1, 2], [1, 3], [3, 4]]
    data = path.read_bytes()
    (tmp_path / "cut.vtu").write_bytes(data[: len(data) // 2])
    with pytest.raises(vtkxml.VTKFileError):
        vtkxml.read(tmp_path / "cut.vtu")
    with pytest.raises(FileNotFoundError):
        vtkxml.read(tmp_path / "missing.vtu")


@pytest.mark.paraview
def test_paraview_reads_what_we_write(tmp_path, pvpython):
    ds = vtkxml.image_data(
        {"Loss": np.arange(12.0)},
        dims=(4, 3),
        field_data={"model": "pinn", "eig": np.array([41.5, 7.25])},
    )
    path = vtkxml.write(tmp_path / "a.vti", ds)
    script = (
        "from paraview.simple import XMLImageDataReader\n"
        "from paraview import servermanager as sm\n"
        f"r = XMLImageDataReader(FileName=[{str(path)!r}])\n"
        "d = sm.Fetch(r)\n"
        "print(d.GetDimensions(), d.GetPointData().GetArray('Loss').GetValue(11),"
        " d.GetFieldData().GetAbstractArray('model').GetValue(0),"
        " d.GetFieldData().GetArray('eig').GetValue(1))\n"
    )
    out = subprocess.run([*pvpython, "-c", script], capture_output=True, text=True, timeout=120)
    assert "(4, 3, 1) 11.0 pinn 7.25" in out.stdout, out.stdout + out.stderr
