"""A stand-in for TTK's Python module: its four classes give TTK-shaped outputs (other
arc and pair numbering, diagonal cell, IsFinite) computed by the lltk engine."""

import numpy as np
from vtkmodules.util.vtkAlgorithm import VTKPythonAlgorithmBase
from vtkmodules.vtkCommonDataModel import VTK_LINE, VTK_VERTEX, vtkDataObject

from lltk import topology
from lltk.paraview import vtkdata


class _Fake(VTKPythonAlgorithmBase):
    def __init__(self, nout=1, out="vtkUnstructuredGrid"):
        super().__init__(nInputPorts=1, inputType="vtkDataSet", nOutputPorts=nout, outputType=out)

    def GetOutput(self, port=0):
        return self.GetOutputDataObject(port)

    def field(self, inInfo):
        ds = self.GetInputData(inInfo, 0, 0)
        name = self.GetInputArrayInformation(0).Get(vtkDataObject.FIELD_NAME())
        return vtkdata.scalar_input(ds, name)

    def order(self, inInfo):  # TTK orders the vertices by <name>_Order where present
        ds = self.GetInputData(inInfo, 0, 0)
        name = self.GetInputArrayInformation(0).Get(vtkDataObject.FIELD_NAME())
        return vtkdata.point_array(ds, name + "_Order")


class ttkFTMTree(_Fake):
    def __init__(self):
        super().__init__(3)
        self.tree_type = 0

    def SetTreeType(self, t):
        self.tree_type = t

    def RequestData(self, request, inInfo, outInfo):
        f = self.field(inInfo)
        build = topology.join_tree if self.tree_type == 0 else topology.split_tree
        t = build(f.values, f.domain, self.order(inInfo))
        m = t.arc_down.size
        new = m - 1 - np.arange(m)  # TTK numbers arcs its own way
        inv = np.argsort(new)
        pts = f.points[t.node_vertex]
        nodes = vtkdata.unstructured_grid(
            pts,
            np.arange(t.n_nodes)[:, None],
            VTK_VERTEX,
            {
                "NodeId": np.arange(t.n_nodes),
                "Scalar": t.node_scalar,
                "VertexId": t.node_vertex,
                "CriticalType": t.node_type,
                "RegionSize": t.region_size,
                "RegionSpan": t.region_span,
            },
        )
        arcs = vtkdata.unstructured_grid(
            pts,
            np.column_stack([t.arc_down[inv], t.arc_up[inv]]),
            VTK_LINE,
            cell_data={
                "SegmentationId": np.arange(m),
                "downNodeId": t.arc_down[inv],
                "upNodeId": t.arc_up[inv],
            },
        )
        seg = vtkdata.unstructured_grid(
            f.points, np.zeros((0, 1)), VTK_VERTEX, {"SegmentationId": new[t.segmentation]}
        )
        for port, obj in enumerate((nodes, arcs, seg)):
            self.GetOutputData(outInfo, port).ShallowCopy(obj)
        return 1


class ttkPersistenceDiagram(_Fake):
    def RequestData(self, request, inInfo, outInfo):
        f = self.field(inInfo)
        d = topology.persistence_pairs(f.values, f.domain, self.order(inInfo))
        k = len(d)
        rows = np.arange(k)[::-1]  # TTK lists pairs in another order
        pts = np.zeros((2 * k + 2, 3))
        pts[0 : 2 * k : 2, :2] = np.column_stack([d.birth[rows], d.birth[rows]])
        pts[1 : 2 * k : 2, :2] = np.column_stack([d.birth[rows], d.death[rows]])
        pts[2 * k :, :2] = [[d.birth.min()] * 2, [d.death.max()] * 2]
        vert = np.zeros(2 * k + 2, np.int64)
        vert[0 : 2 * k : 2], vert[1 : 2 * k : 2] = d.birth_vertex[rows], d.death_vertex[rows]
        ctype = np.zeros(2 * k + 2, np.int64)
        ctype[0 : 2 * k : 2], ctype[1 : 2 * k : 2] = d.birth_type[rows], d.death_type[rows]
        cells = np.column_stack([np.arange(0, 2 * k + 2, 2), np.arange(1, 2 * k + 2, 2)])
        # TTK's PairType is the pair's dimension (a 2-D saddle-maximum pair is 1)
        pt = np.append(np.where(d.pair_type[rows] == -1, 0, d.dimension[rows]), -1)
        out = vtkdata.unstructured_grid(
            pts,
            cells,
            VTK_LINE,
            {"ttkVertexScalarField": vert, "CriticalType": ctype},
            {
                "PairIdentifier": np.append(np.arange(k) + 10, -1),
                "PairType": pt,
                "IsFinite": np.append(d.pair_type[rows] != -1, 1).astype(np.int8),
            },
        )
        self.GetOutputData(outInfo, 0).ShallowCopy(out)
        return 1


class ttkScalarFieldCriticalPoints(_Fake):
    def __init__(self):
        super().__init__(1, "vtkPolyData")

    def SetVertexIds(self, on):
        self.ids = on

    def RequestData(self, request, inInfo, outInfo):
        f = self.field(inInfo)
        ids, types = topology.critical_points(f.values, f.domain, self.order(inInfo))
        ids, types = ids[::-1], types[::-1]
        out = vtkdata.polydata(
            f.points[ids],
            verts=np.arange(ids.size),
            point_data={"CriticalType": types, "ttkVertexScalarField": ids},
        )
        self.GetOutputData(outInfo, 0).ShallowCopy(out)
        return 1


class ttkTopologicalSimplificationByPersistence(_Fake):
    def __init__(self):
        super().__init__(1, "vtkImageData")
        self.settings = {}

    def __getattr__(self, name):
        if name.startswith("Set"):
            return lambda v: self.settings.__setitem__(name[3:], v)
        raise AttributeError(name)

    def RequestDataObject(self, request, inInfo, outInfo):
        src = self.GetInputData(inInfo, 0, 0)
        outInfo.GetInformationObject(0).Set(vtkDataObject.DATA_OBJECT(), src.NewInstance())
        return 1

    def RequestData(self, request, inInfo, outInfo):
        f = self.field(inInfo)
        assert self.settings["PairType"] == 1  # minimum-saddle
        v, o = topology.simplify_with_order(
            f.values,
            f.domain,
            self.settings["PersistenceThreshold"],
            bool(self.settings["ThresholdIsAbsolute"]),
            self.order(inInfo),
        )
        out = self.GetOutputData(outInfo, 0)
        out.ShallowCopy(self.GetInputData(inInfo, 0, 0))
        out.GetPointData().RemoveArray(f.name)
        vtkdata.add_arrays(out.GetPointData(), {f.name: v, f.name + "_Order": o})
        return 1
