"""pvpython driver of tests/paraview/test_plugins.py: applies the configured filters to each
case and stores every output port's arrays (``pvpython plugin_driver.py CFG.json``)."""

import json
import sys
from pathlib import Path

import numpy as np
from paraview import servermanager as sm
from paraview import simple
from vtkmodules.util.numpy_support import vtk_to_numpy

cfg = json.loads(Path(sys.argv[1]).read_text())
summary = {}


def dump(prefix, obj, store):
    if obj.IsA("vtkTable"):
        for i in range(obj.GetNumberOfColumns()):
            col = obj.GetColumn(i)
            if col.IsA("vtkStringArray"):
                summary[prefix + "|table|" + col.GetName()] = col.GetValue(0)
            else:
                store[prefix + "|table|" + col.GetName()] = vtk_to_numpy(col)
    else:
        if obj.GetNumberOfPoints():
            store[prefix + "|points"] = (
                vtk_to_numpy(obj.GetPoints().GetData())
                if not obj.IsA("vtkImageData")
                else np.zeros((0, 3))
            )
        for kind, attrs in (("point", obj.GetPointData()), ("cell", obj.GetCellData())):
            for i in range(attrs.GetNumberOfArrays()):
                arr = attrs.GetArray(i)
                if arr is not None:
                    store[prefix + "|" + kind + "|" + arr.GetName()] = vtk_to_numpy(arr)
        cells = []
        for i in range(obj.GetNumberOfCells()):
            ids = obj.GetCell(i).GetPointIds()
            cells.append([ids.GetId(k) for k in range(ids.GetNumberOfIds())])
        sizes = {len(c) for c in cells}
        if len(sizes) == 1:
            store[prefix + "|cells"] = np.array(cells, dtype=np.int64)
        tag = obj.GetFieldData().GetAbstractArray("lltkBackend")
        summary[prefix + "|lltkBackend"] = tag.GetValue(0) if tag is not None else None
        for name in ("LossScale", "Homology"):
            note = obj.GetFieldData().GetAbstractArray(name)
            if note is not None:
                summary[prefix + "|" + name] = note.GetValue(0)


for case in cfg["cases"]:
    print("CASE", case["name"], flush=True)
    reader = simple.OpenDataFile(case["path"])
    if case.get("polydata"):
        reader = simple.ExtractSurface(reader)
    store = {}
    made = {}
    for label, fname, props, source in case["filters"]:
        f = getattr(simple, fname)(made[source] if source else reader)
        for key, value in props.items():
            setattr(f, key, value)
        f.UpdatePipeline()
        f.UpdatePropertyInformation()
        made[label] = f
        used = f.GetProperty("BackendUsed")
        summary[case["name"] + "/" + label + "|BackendUsed"] = str(used) if used else None
        for port in range(f.SMProxy.GetNumberOfOutputPorts()):
            dump(case["name"] + "/" + label + "|" + str(port), sm.Fetch(f, idx=port), store)
    np.savez(case["out"], **store)
    for f in reversed(list(made.values())):
        simple.Delete(f)
    simple.Delete(reader)
Path(cfg["summary"]).write_text(json.dumps(summary))
print("DONE", flush=True)
