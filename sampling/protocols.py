"""Named protocols: one name sets every default of a landscape together.

- ``lltk``: lltk's own defaults (``lltk sample`` without ``--protocol``): N_f = 1000
  collocation points, a 41 x 41 grid, alpha in [-1, 1] along filter-normalised Gaussian
  directions (Li et al.; 1-D parameters fixed).
- ``authors``: the study authors' training protocol as their code states it (``lltk study``
  without ``--protocol``): N_f = 100 points drawn with seed 0, a 40 x 40 grid, distance 1;
  the ResNet along their own random directions (layer-normalised Gaussian, the second
  orthogonalised, alpha in [-d/2, d/2] times the weights' norm), the PINN along
  filter-normalised ones.
- ``loss-lens``: how the published PINN landscapes were made (:mod:`lltk.sampling.losslens`):
  uniform directions filter-normalised element by element and scaled to |theta| / 4,
  alpha = linspace(-10, 10, 40) in float32, and the published loss. PINN only.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The protocol of ``lltk sample`` / ``lltk train`` and of ``lltk study`` when none is named.
SAMPLE_DEFAULT = "lltk"
STUDY_DEFAULT = "authors"


@dataclass(frozen=True)
class Protocol:
    """The defaults one protocol sets. ``normalization``: how random directions are drawn
    and scaled (``filter``, ``authors`` or ``loss-lens``) for the PINN and the ResNet."""

    name: str
    n_f: int
    resolution: int
    distance: float
    pinn_normalization: str
    resnet_normalization: str | None

    def normalization(self, model: str) -> str:
        """The random directions' normalization for ``model`` (a PINN or a ResNet name);
        a ValueError when the protocol does not define one for it."""
        value = self.pinn_normalization if model == "pinn" else self.resnet_normalization
        if value is None:
            raise ValueError(f"the {self.name} protocol is defined for the PINN only, not {model}")
        return value


PROTOCOLS = {
    "lltk": Protocol("lltk", 1000, 41, 1.0, "filter", "filter"),
    "authors": Protocol("authors", 100, 40, 1.0, "filter", "authors"),
    "loss-lens": Protocol("loss-lens", 100, 40, 10.0, "loss-lens", None),
}


def get_protocol(name: str) -> Protocol:
    """The protocol called ``name``; a ValueError lists the known ones."""
    try:
        return PROTOCOLS[name]
    except KeyError:
        raise ValueError(
            f"unknown protocol {name!r}; choose one of {', '.join(PROTOCOLS)}"
        ) from None
