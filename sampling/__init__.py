"""lltk's sampler: train models, pick directions, sample loss landscapes, export VTK.

What ``lltk sample`` does is one call on a checked config (``lltk train``:
``train(TrainConfig(...))``)::

    from lltk import sampling
    sampling.run(sampling.SampleConfig(model="pinn", resolution=21, out="out/pinn.vti"))

Step by step, a notebook needs four calls::

    from lltk.sampling import pinn, directions, landscape, export
    trained = pinn.train_pinn(beta=1.0, seed=0)
    dirs = directions.random_directions(trained.model, 2, seed=0)
    result = landscape.sample_landscape(trained.loss_fn, trained.params, dirs, 41, 1.0)
    export.write_landscape("out/pinn.vti", result, trained.metadata)

Any model works through a loss closure ``loss_fn(params) -> scalar tensor`` that
evaluates the loss with :func:`torch.func.functional_call`;
:func:`lltk.sampling.closure.model_loss_closure` builds one from (model, batches, criterion).
A trained network from a file (lltk's checkpoint, a ``state_dict``, the study authors'
PINN or ResNet) comes from :func:`lltk.sampling.checkpoint.load_trained`, read through the
audited unpickler (:mod:`lltk.sampling.safeload`). The Hessian figures come from
:func:`lltk.sampling.hessian.hessian_figures`: PyHessian's algorithms on batched
Hessian-vector products (:mod:`lltk.sampling.hvp`), or PyHessian itself
(``engine="pyhessian"``, the reference). ``lltk bench sampling|hessian`` time them
(:mod:`lltk.sampling.benchmark`).

:class:`SampleConfig`, :class:`TrainConfig` and :class:`ConnectConfig`
(:mod:`lltk.sampling.config`) import no torch; ``run``, ``train`` and ``connect_networks``
(:mod:`lltk.sampling.pipeline`) are imported when first used.
"""

from lltk.sampling.config import ConnectConfig, ModelConfig, SampleConfig, TrainConfig

__all__ = [
    "ConnectConfig",
    "ModelConfig",
    "SampleConfig",
    "TrainConfig",
    "authors",
    "benchmark",
    "cache",
    "checkpoint",
    "closure",
    "config",
    "connect_networks",
    "data",
    "directions",
    "export",
    "graphs",
    "hessian",
    "hvp",
    "landscape",
    "losslens",
    "models",
    "pde",
    "pinn",
    "pipeline",
    "protocols",
    "resnet",
    "run",
    "train",
]


def __getattr__(name: str) -> object:
    """``run``, ``train`` and ``connect_networks`` of :mod:`lltk.sampling.pipeline`,
    imported on first use (they
    import torch; the configs and the command line's start-up do not)."""
    if name in ("run", "train", "connect_networks"):
        from lltk.sampling import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'lltk.sampling' has no attribute {name!r}")
