"""lltk's sampler: train models, pick directions, sample loss landscapes, export VTK.

A notebook needs four calls::

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
"""

__all__ = [
    "authors",
    "benchmark",
    "cache",
    "checkpoint",
    "closure",
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
    "protocols",
    "resnet",
]
