"""Landscape Distances: distances between the inputs' persistence diagrams.

The adapter between the plugin proxy and the core: VTK input -> numpy -> VTK outputs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lltk.paraview.vtkdata import FilterResult, InputError, scalar_input, set_field_data, table
from lltk.topology import distance


def _file_name(algorithm) -> str | None:
    """The file an upstream reader reads (ParaView's file-series wrapper or a plain VTK
    reader), or None."""
    for getter in ("GetCurrentFileName", "GetFileName"):
        try:
            name = getattr(algorithm, getter)()
        except (AttributeError, TypeError):
            continue
        if name:
            return str(name)
    return None


def source_name(connection) -> str | None:
    """The stem of the file read at the top of the pipeline feeding ``connection`` (an
    input connection, i.e. a ``vtkAlgorithmOutput``), following each filter's first input
    upwards; None where no reader is found."""
    algorithm = connection.GetProducer() if connection is not None else None
    while algorithm is not None:
        name = _file_name(algorithm)
        if name:
            return Path(name).stem
        if algorithm.GetNumberOfInputPorts() == 0 or algorithm.GetNumberOfInputConnections(0) == 0:
            return None
        algorithm = algorithm.GetInputConnection(0, 0).GetProducer()
    return None


def landscape_labels(names: list[str | None]) -> list[str]:
    """One unique label per input: its name, ``input N`` where none is known, and the
    connection index appended where two inputs share a name."""
    labels = [name or f"input {i}" for i, name in enumerate(names)]
    return [
        f"{label} ({i})" if labels.count(label) > 1 else label for i, label in enumerate(labels)
    ]


def column_labels(labels: list[str]) -> list[str]:
    """Short headers for the matrix's columns: the labels without the ``_``-separated
    words that all of them begin or end with, so that a matrix of long file names fits the
    spreadsheet (the ``Landscape`` column keeps the whole names). Labels stay whole where
    cutting would leave one empty or make two equal.

    >>> column_labels(["pinn_convection_beta50.0_seed0", "pinn_convection_beta50.0_seed123"])
    ['seed0', 'seed123']
    >>> column_labels(["pinn_beta1.0_seed0", "pinn_beta50.0_seed0", "l0"])
    ['pinn_beta1.0_seed0', 'pinn_beta50.0_seed0', 'l0']
    """
    words = [label.split("_") for label in labels]
    shortest = min(len(w) for w in words)
    head = 0
    while head < shortest - 1 and len({w[head] for w in words}) == 1:
        head += 1
    tail = 0
    while tail < shortest - 1 - head and len({w[-1 - tail] for w in words}) == 1:
        tail += 1
    short = ["_".join(w[head : len(w) - tail]) for w in words]
    return short if len(set(short)) == len(short) and all(short) else list(labels)


def compute(
    datasets: list,
    array: str | None,
    pair_set: str,
    metric: str,
    normalize: bool,
    names: list[str | None] | None = None,
) -> FilterResult:
    """The distance matrix between the inputs' persistence diagrams as a table: a
    ``Landscape`` column (each input's ``names`` entry, e.g. its file's stem, else
    ``input N``; see :func:`landscape_labels`), one column per input (headed by the
    part of its label that differs: :func:`column_labels`), and the 2-D
    classical MDS coordinates ``MDS1``, ``MDS2``; the pair set, metric and loss scaling
    in the field data (``Pairs``, ``Metric``, ``Losses``)."""
    if len(datasets) < 2:
        raise InputError("connect at least two landscapes (select them all, then apply)")
    points, first = [], None
    for i, dataset in enumerate(datasets):
        try:
            field = scalar_input(dataset, array)
        except InputError as exc:
            raise InputError(f"input {i}: {exc}") from None
        kind = (field.name, distance.domain_kind(field.domain))
        if first is None:
            first = kind
        elif kind != first:
            raise InputError(
                f"input {i} is a {kind[1]} with array {kind[0]!r}, input 0 a {first[1]} with "
                f"{first[0]!r}: compare landscapes of one dimension and one array"
            )
        diagram, span = distance.landscape_diagram(field.original, field.domain, normalize)
        points.append(distance.diagram_points(diagram, distance.PAIR_SETS[pair_set], span))
    matrix = distance.distance_matrix(points, distance.METRICS[metric])
    labels = landscape_labels(names or [None] * len(datasets))
    xy = distance.classical_mds(matrix)
    columns: dict[str, np.ndarray | list[str]] = {"Landscape": labels}
    columns.update({label: matrix[:, j] for j, label in enumerate(column_labels(labels))})
    columns.update(MDS1=xy[:, 0], MDS2=xy[:, 1])
    out = table(columns)
    set_field_data(
        out,
        {
            "Pairs": pair_set,
            "Metric": metric,
            "Losses": "normalized" if normalize else "raw",
            "lltkBackend": "lltk",
        },
    )
    return FilterResult([out], "lltk")
