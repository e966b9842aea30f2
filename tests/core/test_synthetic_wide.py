"""The synthetic wide-range landscapes the GUI check and test use: the loss spans the
decades asked for, with the same critical points as the ordinary ones."""

from __future__ import annotations

import numpy as np

from lltk import vtkxml
from lltk.landscape import read_landscape
from lltk.render.synthetic import write_landscape, write_volume
from lltk.topology import critical_points


def test_wide_landscapes_span_the_decades_and_keep_their_critical_points(tmp_path):
    for write, kwargs in ((write_landscape, {"side_files": False}), (write_volume, {})):
        plain = write(tmp_path / "plain", **kwargs)
        wide = write(tmp_path / "wide", decades=7.0, **kwargs)
        loss = vtkxml.read(wide).point_data["Loss"]
        np.testing.assert_allclose([loss.min(), loss.max()], [30.0, 3e8], rtol=1e-9)
        fields = [read_landscape(p) for p in (plain, wide)]
        (v0, t0), (v1, t1) = (critical_points(f.values, f.domain) for f in fields)
        np.testing.assert_array_equal(v0, v1)
        np.testing.assert_array_equal(t0, t1)
