"""The periodic 1-D PDE systems of the authors' PINN code (Krishnapriyan et al., NeurIPS
2021; Vis4SciML/loss-lens ``pbc_examples``): what each residual holds and the solution it
is measured against.

On ``x in [0, 2 pi)``, ``t in [0, 1]``, periodic in x, ``u(x, 0) = u0(x)``:

- ``convection``: ``u_t + beta u_x = 0``
- ``diffusion``: ``u_t - nu u_xx = 0``
- ``reaction``: ``u_t - rho u (1 - u) = 0``
- ``rd`` (reaction-diffusion): ``u_t - nu u_xx - rho u (1 - u) = 0``

The authors' ``net_f`` uses only the coefficients of its system's terms (``main_pbc.py``
zeroes the others before it saves a model): :meth:`PdeSystem.terms` gives them.
:func:`reference_solution` computes the solution as their ``systems_pbc.py`` does:
convection and diffusion exactly in Fourier space, reaction by the logistic closed form,
reaction-diffusion by Lie operator splitting (a reaction step, then an exact diffusion
step) between the grid's times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The systems of the authors' PINN code, by the name their files record.
SYSTEMS = ("convection", "diffusion", "reaction", "rd")
#: The coefficient the authors vary across each system's saved networks.
SWEPT_COEFFICIENT = {"convection": "beta", "diffusion": "nu", "reaction": "rho", "rd": "nu"}


@dataclass(frozen=True)
class PdeSystem:
    """A system and its coefficients as a PINN file records them."""

    name: str = "convection"
    beta: float = 0.0
    nu: float = 0.0
    rho: float = 0.0

    def __post_init__(self) -> None:
        if self.name not in SYSTEMS:
            raise ValueError(f"unknown PDE system {self.name!r}; lltk knows {', '.join(SYSTEMS)}")
        for key in ("beta", "nu", "rho"):
            if not np.isfinite(getattr(self, key)):
                raise ValueError(f"{key} of the {self.name} system is {getattr(self, key)}")

    def terms(self) -> tuple[float, float, float]:
        """(beta, nu, rho) as the system's residual uses them: 0 for a term it has not
        (the authors' convection and diffusion residual is ``u_t - nu u_xx + beta u_x``,
        reaction-diffusion's ``u_t - nu u_xx - rho u + rho u^2``, reaction's
        ``u_t - rho u + rho u^2``)."""
        if self.name in ("convection", "diffusion"):
            return self.beta, self.nu, 0.0
        if self.name == "rd":
            return 0.0, self.nu, self.rho
        return 0.0, 0.0, self.rho

    def metadata(self) -> dict[str, float | str]:
        """FieldData: ``System``, ``Beta``, ``Nu``, ``Rho``."""
        return {"System": self.name, "Beta": self.beta, "Nu": self.nu, "Rho": self.rho}


def _logistic(u: np.ndarray, rho: float, dt: np.ndarray | float) -> np.ndarray:
    """``u' = rho u (1 - u)`` advanced by ``dt`` in closed form (the authors' ``reaction``);
    NaN where it blows up within ``dt`` (``u < 0`` and ``1 + u (e^(rho dt) - 1) <= 0``:
    the authors' formula passes through infinity there and goes on with values that
    solve nothing)."""
    grown = u * np.exp(rho * dt)
    denominator = 1.0 - u + grown
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, grown / denominator, np.nan)


def reference_solution(system: PdeSystem, u0: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The solution at the times ``t`` (ascending, ``t[0] = 0``) on the uniform periodic
    grid where ``u0`` is sampled (``len(u0)`` points in ``[0, 2 pi)``), shape
    ``(len(t), len(u0))``, float64; NaN where no solution exists.

    Convection and diffusion: ``ifft(fft(u0) exp(-nu k^2 t - i beta k t))``. Reaction:
    the logistic closed form at each point, NaN from the time a point blows up (with
    ``u0 = sin x`` every point where ``sin x < -1 / (e^rho - 1)`` blows up before t = 1,
    the first at t = ln 2 / rho). Reaction-diffusion: from each grid time to the next,
    the closed-form reaction step and then the exact diffusion step, NaN for every time
    from the step where a point blows up (the authors step by ``1 / len(t)`` while their
    grid is spaced ``1 / (len(t) - 1)``; this steps by the grid's own spacing).
    """
    u0 = np.asarray(u0, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    beta, nu, rho = system.terms()
    k = np.fft.fftfreq(len(u0), 1.0 / len(u0))
    if system.name == "reaction":
        return _logistic(u0[None, :], rho, t[:, None])
    if system.name in ("convection", "diffusion"):
        factor = np.exp(np.outer(t, -nu * k**2 - 1j * beta * k))
        return np.real(np.fft.ifft(np.fft.fft(u0)[None, :] * factor, axis=1))
    rows = np.full((len(t), len(u0)), np.nan)
    rows[0] = u0
    for i, dt in enumerate(np.diff(t)):
        u = _logistic(rows[i], rho, dt)
        if not np.isfinite(u).all():
            break
        rows[i + 1] = np.real(np.fft.ifft(np.fft.fft(u) * np.exp(-nu * k**2 * dt)))
    return rows
