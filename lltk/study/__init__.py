"""Reproduce Xie, Geniesse et al. (2024) end to end: ``lltk study pinn|resnet|reference``.

One call runs a study from its checked config (:class:`PinnConfig`, :class:`ResnetConfig`,
:class:`ReferenceConfig`)::

    from lltk import study
    study.run(study.PinnConfig(betas=(1.0, 7.0), seeds=(0,), out="out/study/pinn"))

:func:`lltk.study.pinn.run_pinn_study` and :func:`lltk.study.resnet.run_resnet_study`
train (through :mod:`lltk.sampling`'s cache), sample, compute topology and write tables,
claims and figures; every step is cached (:mod:`lltk.study.steps`) so a rerun only
recomputes what changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from lltk.study.pinn import PinnConfig, each_protocol, run_pinn_study
from lltk.study.reference import ReferenceConfig, run_reference
from lltk.study.resnet import ResnetConfig, run_resnet_study
from lltk.study.steps import Study

__all__ = ["PinnConfig", "ReferenceConfig", "ResnetConfig", "StudyConfig", "report", "run"]

#: The config of one of the studies.
StudyConfig = PinnConfig | ResnetConfig | ReferenceConfig


def run(config: StudyConfig, log: Callable[[str], None] = print) -> list[Study]:
    """Run the study ``config`` describes and report each run through ``log`` (its claims,
    files and time): one run, or two for a PINN study of checkpoints without a protocol
    (:func:`lltk.study.pinn.each_protocol`)."""
    start = time.perf_counter()
    if isinstance(config, ReferenceConfig):
        return [report(run_reference(config, log), start, log)]
    if config.threads:
        import torch

        torch.set_num_threads(config.threads)
    if isinstance(config, ResnetConfig):
        return [report(run_resnet_study(config, log), start, log)]
    studies = []
    for heading, each in each_protocol(config):
        if heading:
            log(f"lltk study: {heading}")
        studies.append(report(run_pinn_study(each, log), start, log))
    return studies


def report(study: Study, start: float, log: Callable[[str], None] = print) -> Study:
    """Log the claims, the files and the time (since ``start``) of ``study``."""
    for claim in study.claims:
        verdict = "reproduced" if claim.reproduced else "NOT reproduced"
        other = f"; other definition: {claim.other}" if claim.other else ""
        log(f"lltk study: {claim.claim}: {verdict} ({claim.evidence}){other}")
    for name, path in study.files.items():
        log(f"{name}: {path}")
    steps = ", ".join(f"{k} {v:.0f} s" for k, v in study.timings.items())
    log(f"lltk study: done in {time.perf_counter() - start:.0f} s ({steps})")
    return study
