"""Landscape Metrics: the study's topological numbers as one table row.

The adapter between the plugin proxy and the core: VTK input -> numpy -> VTK outputs.
"""

from __future__ import annotations

import numpy as np
from vtkmodules.vtkCommonDataModel import vtkDataSet

from lltk.paraview.vtkdata import FilterResult, field_data, scalar_input, table, tag_backend
from lltk.topology.diagram import persistence_pairs
from lltk.topology.metrics import landscape_metrics


def compute(dataset: vtkDataSet, array: str | None) -> FilterResult:
    """One row: the study's topological numbers (diverged samples counted as +inf, as
    the engine does), then every number and string the sampler stored in FieldData
    (arrays of several values as ``Name_0``, ``Name_1``...)."""
    field = scalar_input(dataset, array)
    # As the engine and `lltk topology` count them: diverged samples at +inf.
    values = np.where(field.invalid, np.inf, field.values)
    numbers = landscape_metrics(persistence_pairs(values, field.domain))
    finite = field.original[~field.invalid]
    columns: dict[str, np.ndarray | list[str]] = {
        "ScalarField": [field.name],
        "Vertices": np.array([field.values.size], np.int64),
        "InvalidVertices": np.array([np.count_nonzero(field.invalid)], np.int64),
        "MinLoss": np.array([finite.min()]),
        "MaxLoss": np.array([finite.max()]),
    }
    columns.update({k: np.array([v]) for k, v in numbers.items()})
    for name, value in field_data(dataset).items():
        if isinstance(value, str):
            columns[name] = [value]
        elif value.size == 1:
            columns[name] = value
        else:
            columns.update({f"{name}_{i}": value[i : i + 1] for i in range(value.size)})
    out = table(columns)
    tag_backend(out, "lltk")
    return FilterResult([out], "lltk")
