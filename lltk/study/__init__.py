"""Reproduce Xie, Geniesse et al. (2024) end to end: ``lltk study pinn|resnet``.

:func:`lltk.study.pinn.run_pinn_study` and :func:`lltk.study.resnet.run_resnet_study`
train (through :mod:`sampling`'s cache), sample, compute topology and write tables,
claims and figures; every step is cached (:mod:`lltk.study.steps`) so a rerun only
recomputes what changed.
"""
