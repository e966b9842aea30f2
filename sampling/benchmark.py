"""What ``lltk bench sampling`` and ``lltk bench hessian`` measure, one record per model.

Sampling: (a) the roofline, a plain loss evaluation at the trained weights in eval mode
(``criterion(model(x), y)`` over the loss's batches through the module itself; for a loss
that is not a model on batches, the PINN's, the closure called once per point), against
(b) lltk's sampler on a grid of the same number of points, the two taking turns so that a
busy moment hits both; medians of wall-clock evaluations/s, and evaluations per CPU-second
(the process's CPU time, steadier on a shared machine).

Hessian: the same figures (PyHessian's algorithms, the same seed and probe vectors) by
lltk's batched engine and by PyHessian 0.1, a few iterations each; seconds per
Hessian-vector product ("iteration") of each stage, the top eigenvalue of each, and the
authors' budget (``top_k`` x 100 power iterations, 100 Hutchinson probes, 100 Lanczos
steps) extrapolated from the per-iteration times (an upper bound: the power iteration and
Hutchinson's estimator stop early once they settle).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

import torch

from lltk.sampling.closure import ModelLoss, Trained

#: The built-in models the benchmarks know (a user's ``python:MODULE:FUNCTION`` too).
BENCH_MODELS = ("resnet20", "resnet20-noskip", "pinn")
#: The authors' Hessian budget: iterations of each stage.
BUDGET_ITERATIONS = 100


def load_model(name: str, loss_samples: int = 64, hessian_samples: int | None = None) -> Trained:
    """The trained model (from the cache when there): ResNet-20 on ``loss_samples`` digits
    (``hessian_samples`` for ``extras["hessian_loss_fn"]``), the beta = 1 PINN, or a user's
    ``python:MODULE:FUNCTION``."""
    if name.startswith("python:"):
        from lltk.sampling.usermodel import load_user_model

        return load_user_model(name)
    if name == "pinn":
        from lltk.sampling.pinn import train_pinn

        return train_pinn(beta=1.0, seed=0, progress=False)
    if name in ("resnet20", "resnet20-noskip"):
        from lltk.sampling.resnet import train_resnet

        return train_resnet(
            residual=name == "resnet20",
            seed=0,
            loss_samples=loss_samples,
            hessian_samples=hessian_samples,
            progress=False,
        )
    raise ValueError(f"unknown model {name!r}; choose one of {', '.join(BENCH_MODELS)}")


def plain_loss(trained: Trained) -> Callable[[], torch.Tensor]:
    """One roofline evaluation: the loss through the module itself at the trained weights."""
    loss_fn = trained.loss_fn
    if isinstance(loss_fn, ModelLoss):

        def evaluate() -> torch.Tensor:
            total = 0.0
            for x, y in loss_fn.batches:
                total = total + loss_fn.criterion(loss_fn.model(x), y)
            return total / len(loss_fn.batches)

        return evaluate
    params = trained.params
    return lambda: loss_fn(params)


def _rates(run: Callable[[], object], count: int) -> tuple[float, float]:
    """(evaluations per wall second, per CPU second) of ``run``, which does ``count``."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return count / (time.perf_counter() - wall), count / max(time.process_time() - cpu, 1e-9)


def sampling_record(
    trained: Trained,
    name: str,
    threads: int,
    resolution: int = 4,
    repeats: int = 3,
    chunk_size: int = 32,
) -> dict:
    """(a) and (b) on ``threads`` threads, ``resolution``² evaluations each, in turns."""
    from lltk.sampling import directions, landscape

    torch.set_num_threads(threads)
    model = trained.model.eval()
    dirs = directions.random_directions(model, 2, seed=0)
    points = resolution**2
    plain = plain_loss(trained)

    def roofline() -> None:
        with torch.no_grad():
            for _ in range(points):
                plain()

    def sampler() -> None:
        landscape.sample_landscape(
            trained.loss_fn,
            trained.params,
            dirs,
            resolution,
            0.1,
            chunk_size=chunk_size,
            vectorized=trained.vectorized,
            progress=False,
        )

    roofline()
    sampler()
    load = os.getloadavg()[0]
    measured: dict[str, list[tuple[float, float]]] = {"roofline": [], "lltk": []}
    for _ in range(max(1, repeats)):
        measured["roofline"].append(_rates(roofline, points))
        measured["lltk"].append(_rates(sampler, points))
    batched, per_point = landscape.point_evaluation(
        trained.loss_fn, trained.params, trained.vectorized
    )
    way = "vmap" if batched is not None else "loop"
    if per_point is not trained.loss_fn:
        way += ", channels_last"
    med = {k: [statistics.median(r[i] for r in v) for i in (0, 1)] for k, v in measured.items()}
    return {
        "model": name,
        "threads": threads,
        "points": points,
        "roofline_evals_per_s": round(med["roofline"][0], 2),
        "lltk_evals_per_s": round(med["lltk"][0], 2),
        "lltk_over_roofline": round(med["lltk"][0] / med["roofline"][0], 3),
        "roofline_evals_per_cpu_s": round(med["roofline"][1], 2),
        "lltk_evals_per_cpu_s": round(med["lltk"][1], 2),
        "lltk_over_roofline_cpu": round(med["lltk"][1] / med["roofline"][1], 3),
        "evaluation": way,
        "chunk_size": chunk_size,
        "repeats": max(1, repeats),
        "load_average": [round(load, 2), round(os.getloadavg()[0], 2)],
    }


def significant(seconds: float) -> float:
    """``seconds`` to 4 significant digits (a small model's products take well under a
    millisecond: rounding to 3 decimals made them 0).

    >>> significant(0.00041234), significant(12.3456)
    (0.0004123, 12.35)
    """
    return float(f"{seconds:.4g}")


def hessian_record(
    trained: Trained,
    name: str,
    threads: int,
    iterations: int = 3,
    top_k: int = 2,
    chunk_size: int | None = None,
    engines: tuple[str, ...] = ("batched", "pyhessian"),
) -> dict:
    """Seconds per Hessian-vector product of both engines on the Hessian's loss
    (``extras["hessian_loss_fn"]`` where the model has one), ``iterations`` of each stage."""
    from lltk.sampling.hessian import hessian_figures

    torch.set_num_threads(threads)
    loss_fn = trained.extras.get("hessian_loss_fn", trained.loss_fn)
    images = sum(len(x) for x, _ in loss_fn.batches) if isinstance(loss_fn, ModelLoss) else None
    record: dict = {"model": name, "images": images, "threads": threads}
    record.update({"iterations": iterations, "top_k": top_k})
    load = os.getloadavg()[0]
    prefix = {"batched": "lltk", "pyhessian": "pyhessian"}
    for engine in engines:
        timings: dict[str, float] = {}
        figures = hessian_figures(
            trained.model,
            loss_fn,
            top_k=top_k,
            max_iter=iterations,
            tol=0.0,
            trace_iter=iterations,
            lanczos_steps=iterations,
            engine=engine,
            chunk_size=chunk_size,
            timings=timings,
        )
        counts = {
            "eigenvalues": top_k * iterations,
            "trace": len(figures.trace_samples),
            "density": figures.ritz_values.size,
        }
        per = {stage: timings[stage] / n for stage, n in counts.items()}
        key = prefix[engine]
        record[f"{key}_s_per_iter"] = significant(
            sum(timings[s] for s in counts) / sum(counts.values())
        )
        for stage, seconds in per.items():
            record[f"{key}_{stage}_s_per_iter"] = significant(seconds)
        record[f"{key}_setup_s"] = significant(timings["setup"])
        record[f"{key}_top_eigenvalue"] = float(figures.eigenvalues[0])
        budget = timings["setup"] + BUDGET_ITERATIONS * (
            top_k * per["eigenvalues"] + per["trace"] + per["density"]
        )
        record[f"{key}_budget_s_extrapolated"] = round(budget, 1)
    record["load_average"] = [round(load, 2), round(os.getloadavg()[0], 2)]
    return record
