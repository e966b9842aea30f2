"""``lltk demo``: the quickstart pipeline on the built-in default.

Train (or reuse) the convection PINN for beta = 1, sample its 2-D loss landscape along two
random filter-normalized directions, compute its join tree and persistence diagram, and
render three PNGs through ParaView and lltk's plugins. It is ``lltk sample``, ``lltk
topology`` and ``lltk render`` in a row, so every step is also a command of its own.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from lltk import sampling
from lltk.commands import path_argument
from lltk.errors import UserError
from lltk.sampling.config import SampleConfig
from lltk.topology_csv import TopologyConfig, write_topology_csv

VIEWS = ("landscape", "merge_tree", "persistence_diagram")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``lltk demo``."""
    p = subparsers.add_parser(
        "demo",
        help="train a PINN, sample its loss landscape, render landscape, merge tree, diagram",
        description="The quickstart: train (or reuse) the convection PINN (beta = 1), sample "
        "its 41x41 loss landscape along two random filter-normalized directions, compute "
        "the join tree and persistence diagram, and render three PNGs.",
    )
    p.add_argument(
        "--out", type=path_argument, default="out/demo", help="output folder (default out/demo)"
    )
    p.add_argument("--beta", type=float, default=1.0, help="PINN convection speed (default 1)")
    p.add_argument("--seed", type=int, default=0, help="seed of training and directions")
    p.add_argument("--resolution", type=int, default=41, help="points per axis (default 41)")
    p.add_argument("--distance", type=float, default=1.0, help="alpha in [-D, D] (default 1)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Sample, compute topology, render; print the three PNG paths."""
    from lltk.render import RenderError, render_views

    start = time.perf_counter()
    out = Path(args.out)
    landscape = out / f"pinn_beta{args.beta:g}_seed{args.seed}.vti"
    config = SampleConfig(
        model="pinn",
        beta=args.beta,
        seed=args.seed,
        dim=2,
        resolution=args.resolution,
        distance=args.distance,
        directions="random",
        out=landscape,
    )
    print(f"lltk demo: 1/3 training (or reusing) the PINN and sampling -> {landscape}")
    sampling.run(config)
    print("lltk demo: 2/3 join tree and persistence diagram -> CSV")
    write_topology_csv(TopologyConfig(input=landscape, out=out))
    print("lltk demo: 3/3 rendering through ParaView and lltk's plugins")
    try:
        pngs = render_views(landscape, out / "png", VIEWS)
    except RenderError as exc:
        raise UserError(f"rendering failed: {exc}") from None
    if len(pngs) != len(VIEWS):
        raise UserError(f"rendering produced {len(pngs)} of {len(VIEWS)} images in {out / 'png'}")
    print(f"lltk demo: done in {time.perf_counter() - start:.0f} s")
    for png in pngs:
        print(png)
    return 0
