"""Check lltk against a checkout of Vis4SciML/loss-lens (not shipped here: clone it).

For every PINN ``.pt`` of ``server/calculate/training_scripts/pinn/pbc_examples/saved_models``:
read it with lltk's restricted reader and compare lltk's training loss at its weights
(with the file's system: convection, diffusion, reaction or reaction-diffusion) with the
final L-BFGS loss the file records. For every
published PINN landscape of ``server/calculate/script_util/temp_data/loss_landscapes_MT_PD``
whose checkpoint is there: run ``lltk sample pinn --checkpoint FILE --protocol loss-lens``
and print the maximum relative difference, whether the argmin agrees and the correlation.

    .venv/bin/python scripts/check_loss_lens.py /path/to/loss-lens [--out DIR]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

import numpy as np

from lltk import vtkxml
from lltk.cli import main as lltk
from lltk.sampling.authors import read_pinn
from lltk.sampling.checkpoint import load_trained

MODELS = "server/calculate/training_scripts/pinn/pbc_examples/saved_models"
PUBLISHED = "server/calculate/script_util/temp_data/loss_landscapes_MT_PD"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path)
    parser.add_argument("--out", type=Path, default=None, help="keep the landscapes here")
    args = parser.parse_args()
    models = sorted((args.checkout / MODELS).glob("*.pt"))
    print(f"{len(models)} PINN files")
    print("| file | system | beta | nu | rho | seed | final L-BFGS loss | lltk training loss |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for path in models:
        pinn = read_pinn(path)
        loss = f"{load_trained('pinn', path).metadata['TrainLoss']:.6g}"
        final = "n/a" if pinn.final_loss is None else f"{pinn.final_loss:.6g}"
        print(f"| {path.name[11:60]}… | {pinn.system} | {pinn.beta:g} | {pinn.nu:g} | "
              f"{pinn.rho:g} | {pinn.seed} | {final} | {loss} |")  # fmt: skip
    out = args.out or Path(tempfile.mkdtemp())
    print("\n| published landscape | max rel. difference | same argmin | correlation |")
    print("| --- | --- | --- | --- |")
    for published in sorted((args.checkout / PUBLISHED).glob("pretrained_*_random.vti")):
        stem = re.sub(r"_dim2_points1600_random$", "", published.stem)
        checkpoint = args.checkout / MODELS / f"{stem}.pt"
        if not checkpoint.is_file():
            continue
        mine = out / f"{stem}.vti"
        argv = ["sample", "pinn", "--checkpoint", str(checkpoint), "--protocol", "loss-lens"]
        if lltk([*argv, "--out", str(mine), "--quiet"]) != 0:
            return 1
        a = vtkxml.read(mine).point_data["Loss"]
        b = vtkxml.read(published).point_data["Loss"]
        rel = float(np.max(np.abs(a - b) / np.abs(b)))
        print(f"| {stem[22:]} | {rel:.3g} | {a.argmin() == b.argmin()} | "
              f"{np.corrcoef(a, b)[0, 1]:.9f} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
