"""Property-based bad input (issue 15): hypothesis mutates landscapes, files and arguments
of ``lltk topology`` and ``lltk sample`` and every run must end with status 0 or 2; on 2
exactly one line on stderr and no output file; never a traceback; nothing outside
``--out`` touched; and a run that succeeds on a damaged file gives the undamaged file's
topology (anything else is a silent wrong result).

Derandomized with bounded examples, so CI sees the same cases every time. With
``LLTK_BAD_INPUT_REPORT=FILE`` the outcome counts are written to FILE (docs/bad-input.md
quotes them).
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import io
import json
import lzma
import os
import struct
import tempfile
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

hypothesis = pytest.importorskip(
    "hypothesis", reason="hypothesis not installed (make test installs python3-hypothesis)"
)
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from lltk import vtkxml  # noqa: E402
from lltk.cli import main  # noqa: E402

SETTINGS = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
OUTCOMES: Counter = Counter()
#: The columns of TTK's CSVs that carry the topology (not the coordinates).
TOPOLOGY_COLUMNS = ("NodeId", "Scalar", "VertexId", "CriticalType", "RegionSize")
DIMS = (9, 7)


def _loss() -> np.ndarray:
    x, y = np.meshgrid(np.linspace(-1, 1, DIMS[0]), np.linspace(-1, 1, DIMS[1]))
    return (x**2 + y**2 + 0.3 * np.sin(5 * x) * np.cos(4 * y)).ravel()


def _block(payload: bytes, compressor: str | None, block: int = 200) -> bytes:
    """VTK's binary block layout (UInt64 header), optionally compressed in blocks."""
    if compressor is None:
        return struct.pack("<Q", len(payload)) + payload
    pack = zlib.compress if compressor == "zlib" else lzma.compress
    parts = [pack(payload[i : i + block]) for i in range(0, len(payload), block)]
    last = len(payload) % block
    head = [len(parts), block, last] + [len(p) for p in parts]
    return struct.pack(f"<{len(head)}Q", *head) + b"".join(parts)


def landscape_bytes(values: np.ndarray, layout: str) -> bytes:
    """A 9x7 landscape as lltk writes it (``lltk``) or as VTK would: inline base64 or
    appended raw data, uncompressed, zlib or LZMA."""
    if layout == "lltk":
        with tempfile.TemporaryDirectory() as tmp:
            path = vtkxml.write(Path(tmp) / "l.vti", vtkxml.image_data({"Loss": values}, DIMS))
            return path.read_bytes()
    fmt, comp = layout.split("-")
    compressor = None if comp == "none" else comp
    block = _block(values.astype("<f8").tobytes(), compressor)
    attr = {"zlib": "vtkZLibDataCompressor", "lzma": "vtkLZMADataCompressor"}.get(comp)
    head = (
        '<?xml version="1.0"?>\n<VTKFile type="ImageData" version="1.0" '
        'byte_order="LittleEndian" header_type="UInt64"'
        + (f' compressor="{attr}"' if attr else "")
        + '>\n  <ImageData WholeExtent="0 8 0 6 0 0" Origin="0 0 0" Spacing="1 1 1">\n'
        '    <Piece Extent="0 8 0 6 0 0">\n      <PointData Scalars="Loss">\n'
        '        <DataArray type="Float64" Name="Loss" NumberOfComponents="1" '
    )
    if fmt == "inline":
        text = base64.b64encode(block).decode()
        body = f'format="binary">{text}</DataArray>\n'
        tail = "      </PointData>\n    </Piece>\n  </ImageData>\n</VTKFile>\n"
        return (head + body + tail).encode()
    body = 'format="appended" offset="0"/>\n'
    tail = '      </PointData>\n    </Piece>\n  </ImageData>\n  <AppendedData encoding="raw">\n   _'
    return (head + body + tail).encode() + block + b"\n  </AppendedData>\n</VTKFile>\n"


def payload_span(data: bytes) -> tuple[int, int]:
    """Where the Loss array's encoded bytes lie in a file from :func:`landscape_bytes`."""
    if b'format="binary">' in data:
        start = data.index(b'format="binary">') + len(b'format="binary">')
        return start, data.index(b"</DataArray>", start)
    start = data.index(b"_", data.index(b"<AppendedData")) + 1
    return start, data.rindex(b"\n  </AppendedData>")


LAYOUTS = ("lltk", "inline-none", "inline-zlib", "inline-lzma", "appended-none", "appended-zlib")


def snapshot(root: Path, skip: tuple[Path, ...]) -> dict[str, str]:
    """Every file under ``root`` (outside ``skip``) with a hash of its bytes."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not any(p == s or s in p.parents for s in skip):
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """``lltk argv`` in this process: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(argv)
    return rc, out.getvalue(), err.getvalue()


def check_contract(rc: int, err: str, command: str, out_files: list[Path]) -> str:
    """The rules every run keeps; returns the outcome's name."""
    assert rc in (0, 2), (rc, err)
    assert "Traceback" not in err, err
    if rc == 2:
        lines = err.strip().splitlines()
        # argparse's: "lltk: error:" and, for a nested command, "lltk study reference: error:"
        prefixes = (f"lltk {command}: error: ", "lltk: error: ", f"lltk {command} ")
        assert len(lines) == 1 and lines[0].startswith(prefixes), err
        assert ": error: " in lines[0], err
        assert not [p for p in out_files if p.exists()], "partial output after an error"
        return "clear error"
    return "completed"


def topology_rows(folder: Path, stem: str) -> list[tuple[str, ...]]:
    """The merge tree's topology columns and the diagram's rows, as text."""
    with open(folder / f"{stem}_MergeTree.csv") as fh:
        tree = [tuple(r[c] for c in TOPOLOGY_COLUMNS) for r in csv.DictReader(fh)]
    with open(folder / f"{stem}_PersistenceDiagram.csv") as fh:
        pairs = [tuple(r[c] for c in ("ttkVertexScalarField", "CriticalType", "Points:1"))
                 for r in csv.DictReader(fh)]  # fmt: skip
    return tree + pairs


def topology_case(data: bytes, argv: list[str], expected: dict | None, family: str) -> str:
    """Run ``lltk topology`` on ``data``; check the contract; classify the outcome.
    ``expected``: the topology a correct run gives (None: any)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        src = root / "in" / "l.vti"
        src.parent.mkdir()
        src.write_bytes(data)
        (root / "in" / "landscape_beta5.vti").write_text("the user's own file")
        out = root / "out"
        argv = [a.replace("{out}", str(out)).replace("{root}", str(root)) for a in argv]
        before = snapshot(root, (out,))
        with contextlib.chdir(root):  # a run writing into the working folder is seen
            rc, _, err = run_cli(["topology", str(src), *argv])
        files = [out / "l_MergeTree.csv", out / "l_PersistenceDiagram.csv"]
        outcome = check_contract(rc, err, "topology", files)
        assert snapshot(root, (out,)) == before, "a file outside --out changed"
        if rc == 0:
            rows = topology_rows(out, "l")
            if expected is not None:
                same = rows == expected["rows"]
                outcome = "read intact, same topology" if same else "silent wrong result"
        if rc == 0 and expected is None and family == "damaged file":
            outcome = "read, bytes of uncompressed data changed (undetectable)"
        OUTCOMES[(family, outcome)] += 1
        assert outcome != "silent wrong result"
        return outcome


_REFERENCE: dict = {}


def reference(values: np.ndarray, key: str) -> dict:
    """The topology of an undamaged landscape (computed once per key)."""
    if key not in _REFERENCE:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "l.vti"
            vtkxml.write(src, vtkxml.image_data({"Loss": values}, DIMS))
            rc, _, err = run_cli(["topology", str(src), "--out", tmp])
            assert rc == 0, err
            _REFERENCE[key] = {"rows": topology_rows(Path(tmp), "l")}
    return _REFERENCE[key]


# ------------------------------------------------------------------ files

ATTRIBUTES = (
    "WholeExtent", "header_type", "compressor", "type", "NumberOfComponents", "offset",
    "format", "byte_order", "encoding", "Name", "Extent",
)  # fmt: skip
JUNK = st.one_of(
    st.sampled_from(["", "-1", "0", "1e300", "nan", "UInt16", "Float32", "String", "binary",
                     "appended", "ascii", "BigEndian", "0 8 0 6 0 0 0", "0 -8 0 6 0 0",
                     "0 99999999 0 99999999 0 9", "vtkLZ4DataCompressor", "18446744073709551615"]),
    st.text(max_size=12),
)  # fmt: skip


@st.composite
def damaged_files(draw):
    """A landscape in some layout, damaged one way or another."""
    layout = draw(st.sampled_from(LAYOUTS))
    data = landscape_bytes(_loss(), layout)
    start, end = payload_span(data)
    how = draw(st.sampled_from(["truncate", "flip", "splice", "attribute", "junk"]))
    hit = how in ("flip", "splice")
    if how == "truncate":
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif how == "flip":
        i = draw(st.integers(0, len(data) - 1))
        data = data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1 :]
        hit = start <= i < end
    elif how == "splice":
        i = draw(st.integers(0, len(data)))
        data = data[:i] + draw(st.binary(min_size=1, max_size=40)) + data[i:]
        hit = start <= i <= end
    elif how == "attribute":
        name = draw(st.sampled_from(ATTRIBUTES))
        value = draw(JUNK).replace('"', "").replace("&", "").replace("<", "")
        key = f' {name}="'.encode()
        if key in data:
            a = data.index(key) + len(key)
            data = data[:a] + value.encode() + data[data.index(b'"', a) :]
    else:
        data = draw(st.binary(max_size=300))
    return layout, how, data, hit


@settings(SETTINGS, max_examples=140)
@given(damaged_files())
def test_damaged_files(case):
    """A damaged file is refused in one line, or read to the undamaged topology; bytes
    changed inside uncompressed data (no checksum: undetectable by any reader, VTK's
    included) change the losses and are let be; compressed blocks carry checksums."""
    layout, _, data, hit = case
    intact = layout.endswith(("zlib", "lzma")) or not hit
    expected = reference(_loss(), "loss") if intact else None
    topology_case(data, ["--out", "{out}"], expected, "damaged file")


@st.composite
def odd_values(draw):
    """Valid files whose losses hold NaN, +-inf, ties, huge or tiny numbers."""
    values = _loss()
    n = draw(st.integers(1, 12))
    idx = draw(st.lists(st.integers(0, values.size - 1), min_size=n, max_size=n))
    fill = draw(st.sampled_from([np.nan, np.inf, -np.inf, 0.0, 1e308, -1e308, 5e-324, values[0]]))
    values[idx] = fill
    if draw(st.booleans()):
        values[:] = fill  # every sample the same (or every one diverged)
    return values, draw(st.sampled_from(LAYOUTS))


@settings(SETTINGS, max_examples=40)
@given(odd_values())
def test_odd_values(case):
    values, layout = case
    argv = ["--out", "{out}"]
    outcome = topology_case(landscape_bytes(values, layout), argv, None, "odd losses")
    if np.isfinite(values).any():
        assert outcome == "completed"


# ------------------------------------------------------------------ arguments

NUMBERS = st.sampled_from(["0", "0.01", "-1", "nan", "inf", "-inf", "1e400", "abc", ""])


@st.composite
def topology_arguments(draw):
    argv = []
    if draw(st.booleans()):
        argv += [f"--array={draw(st.sampled_from(['Loss', 'Nope', '', 'Valid']))}"]
    if draw(st.booleans()):
        argv += [f"--tree={draw(st.sampled_from(['join', 'split', 'both']))}"]
    if draw(st.booleans()):
        argv += [f"--simplify={draw(NUMBERS)}"]
    if draw(st.booleans()):
        argv += ["--absolute"]
    out = draw(
        st.sampled_from(
            ["{out}", "{root}/in/l.vti", "{root}/in/l.vti/sub", "/proc/lltk-out", "", None]
        )
    )
    if out is not None:
        argv += [f"--out={out}"]
    if draw(st.booleans()):
        argv += [draw(st.sampled_from(["--bogus", "extra.vti", "-x"]))]
    return argv


@settings(SETTINGS, max_examples=60)
@given(topology_arguments())
def test_topology_arguments(argv):
    topology_case(landscape_bytes(_loss(), "lltk"), argv, None, "topology arguments")


@st.composite
def sample_arguments(draw):
    if draw(st.booleans()):  # a valid run now and then: nothing over-refused
        dim, resolution = draw(st.integers(1, 2)), draw(st.integers(2, 4))
        suffix = draw(st.sampled_from([".vti", ".vtu"]))
        graph = draw(st.sampled_from(["grid", "knn"])) if suffix == ".vtu" else "grid"
        argv = [f"--dim={dim}", f"--resolution={resolution}", f"--graph={graph}"]
        return argv + (["--k=1"] if graph == "knn" else []), suffix
    dim, resolution = draw(
        st.one_of(
            st.tuples(st.integers(-1, 3), st.integers(-1, 4)),
            st.sampled_from([(2, 46000), (31, 2), (3, 10**4), (2, 2**40)]),
        )
    )
    argv = [f"--dim={dim}", f"--resolution={resolution}"]
    for flag, values in (
        ("--distance", ["1", "0", "-1", "nan", "inf", "1e-300"]),
        ("--beta", ["1", "nan", "inf", "-inf", "0"]),
        ("--graph", ["grid", "knn", "delaunay", "gabriel", "mesh"]),
        ("--k", ["0", "1", "3", "1000", "-2"]),
        ("--chunk-size", ["0", "1", "7", "-5"]),
        ("--top-k", ["0", "2"]),
        ("--hessian-iter", ["0", "3"]),
        ("--device", ["cpu", "cuda", "tpu:9"]),
    ):
        if draw(st.integers(0, 3)) == 0:
            argv += [f"{flag}={draw(st.sampled_from(values))}"]
    suffix = draw(st.sampled_from([".vti", ".vtu", ".vtk", ""]))
    return argv, suffix


@settings(SETTINGS, max_examples=16)
@given(sample_arguments())
def test_sample_arguments(case):
    """``lltk sample`` with mutated options (a 0-iteration PINN, so a run that is
    accepted takes about a second): status 0 or 2, one line, nothing left on error."""
    pytest.importorskip("torch")
    argv, suffix = case
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "keep.txt").write_text("keep")
        out = root / "out" / f"l{suffix}"
        before = snapshot(root, (out.parent, root / "cache"))
        cache = os.environ.get("LLTK_CACHE")
        os.environ["LLTK_CACHE"] = str(root / "cache")
        fast = ["--n-f=30", "--max-iter=0", "--quiet"]
        try:
            with contextlib.chdir(root):
                rc, _, err = run_cli(["sample", "pinn", *fast, *argv, f"--out={out}"])
        finally:
            if cache is None:
                os.environ.pop("LLTK_CACHE")
            else:
                os.environ["LLTK_CACHE"] = cache
        side = [out, out.with_name("l_solution.vti"), out.with_name(f".{out.name}.lltk-state.npz")]
        outcome = check_contract(rc, err, "sample", side)
        assert snapshot(root, (out.parent, root / "cache")) == before
        if rc == 0:
            ds = vtkxml.read(out)
            assert ds.point_data["Loss"].size == len(ds.point_coordinates())
        OUTCOMES[("sample arguments", outcome)] += 1


# ------------------------------------------------------------------ issue 25: hostile headers

VTK_INTS = {
    name: getattr(np, name.lower())
    for name in ("Int8", "UInt8", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64")
}
HUGE = st.one_of(st.integers(0, 300), st.sampled_from([2**31, 2**32 - 1, 2**40, 2**63, 2**64 - 1]))


@st.composite
def hostile_files(draw):
    """Hand-written .vti files whose headers lie: extents far beyond the data, compressed
    blocks declaring sizes and counts they do not hold, ascii numbers beyond their type,
    repeated names, junk geometry. The payload is at most a few hundred real bytes, so
    anything allocated beyond that was allocated before a check."""
    nx, ny = draw(st.sampled_from([(4, 3), (9, 7), (46340, 46340), (2**20, 2**20), (1, 1)]))
    loss = np.random.default_rng(draw(st.integers(0, 9))).random(12)
    how = draw(st.sampled_from(["compressed", "ascii", "repeated", "geometry"]))
    comp, arrays, attrs = "", "", {}
    if how == "compressed":
        payload = loss.astype("<f8").tobytes()
        packed = zlib.compress(payload)
        nblocks, block, last = draw(HUGE), draw(HUGE), draw(HUGE)
        sizes = [draw(HUGE) for _ in range(min(nblocks, 3))]
        head = [min(v, 2**64 - 1) for v in (nblocks, block, last, *sizes)]
        if draw(st.booleans()):  # sometimes the truth, to be read
            head = [1, len(payload), len(payload), len(packed)]
        raw = struct.pack(f"<{len(head)}Q", *head) + packed
        text = base64.b64encode(raw).decode()
        comp = ' compressor="vtkZLibDataCompressor"'
        arrays = f'<DataArray type="Float64" Name="Loss" format="binary">{text}</DataArray>'
    elif how == "ascii":
        vtype = draw(st.sampled_from([*VTK_INTS, "Float32", "Float64"]))
        tokens = draw(
            st.lists(
                st.one_of(
                    st.integers(-(2**70), 2**70).map(str),
                    st.integers(-200, 400).map(str),
                    st.floats(allow_nan=True, allow_infinity=True).map(repr),
                    st.sampled_from(["1.7", "1e300", "-0", "0x10", "NaN", "", "1,5"]),
                ),
                min_size=12,
                max_size=12,
            )
        )
        body = " ".join(tokens)
        arrays = f'<DataArray type="{vtype}" Name="Loss" format="ascii">{body}</DataArray>'
    elif how == "repeated":
        one = " ".join(map(repr, loss.tolist()))
        arrays = "".join(
            f'<DataArray type="Float64" Name="{name}" format="ascii">{one}</DataArray>'
            for name in draw(st.sampled_from([["Loss", "Loss"], ["Loss", "Valid", "Valid"]]))
        )
    else:
        one = " ".join(map(repr, loss.tolist()))
        arrays = f'<DataArray type="Float64" Name="Loss" format="ascii">{one}</DataArray>'
        key = draw(st.sampled_from(["Origin", "Spacing", "Direction"]))
        attrs[key] = draw(
            st.sampled_from(["nan 0 0", "0 0", "inf 1 1", "1e309 0 0", "", "a b c", "1 0 0 0"])
        )
    ext = f"0 {nx - 1} 0 {ny - 1} 0 0"
    extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
    xml = (
        '<?xml version="1.0"?><VTKFile type="ImageData" version="1.0" '
        f'byte_order="LittleEndian" header_type="UInt64"{comp}><ImageData WholeExtent="{ext}"'
        f'{extra}><Piece Extent="{ext}"><PointData>{arrays}</PointData></Piece></ImageData>'
        "</VTKFile>"
    )
    return how, xml.encode()


@settings(SETTINGS, max_examples=80)
@given(hostile_files())
def test_hostile_headers(case):
    """Declared sizes are checked before anything is allocated (a lie is one line, never a
    memory error or a kill); numbers are read exactly or refused; a repeated name chosen as
    the loss is refused."""
    how, data = case
    outcome = topology_case(data, ["--out", "{out}"], None, f"hostile headers: {how}")
    if how == "repeated" and b'Name="Loss" format="ascii">' in data.split(b"</DataArray>")[1]:
        assert outcome == "clear error"


@settings(SETTINGS, max_examples=60)
@given(
    st.sampled_from([*VTK_INTS, "Float32"]),
    st.lists(st.integers(-(2**65), 2**65), min_size=12, max_size=12),
)
def test_ascii_numbers_are_exact_or_refused(vtype, numbers):
    """An ascii array's numbers are never wrapped, truncated or rounded into another
    order: either every value reads back as written or the file is refused."""
    body = " ".join(map(str, numbers))
    xml = (
        '<?xml version="1.0"?><VTKFile type="ImageData" version="1.0"><ImageData '
        'WholeExtent="0 3 0 2 0 0"><Piece Extent="0 3 0 2 0 0"><PointData>'
        f'<DataArray type="{vtype}" Name="Loss" format="ascii">{body}</DataArray>'
        "</PointData></Piece></ImageData></VTKFile>"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "l.vti"
        path.write_text(xml)
        try:
            values = vtkxml.read(path).point_data["Loss"]
        except vtkxml.VTKFileError:
            outcome = "clear error"
            if vtype in VTK_INTS:
                info = np.iinfo(VTK_INTS[vtype])
                assert not all(info.min <= v <= info.max for v in numbers)
        else:
            outcome = "completed"
            if vtype in VTK_INTS:
                assert [int(v) for v in values] == numbers
            else:
                assert np.isfinite(values).all()
    OUTCOMES[("ascii numbers", outcome)] += 1


@st.composite
def output_paths(draw):
    """A command that writes files, given an output path that is empty, blank, an existing
    file, a path under a file, /proc, or a good folder."""
    out = draw(st.sampled_from(["", " ", "{root}/keep.txt", "{root}/keep.txt/sub",
                                "/proc/lltk-out", "{root}/out"]))  # fmt: skip
    command = draw(st.sampled_from(["topology", "compare", "reference", "trajectory"]))
    return command, out


@settings(SETTINGS, max_examples=30)
@given(output_paths())
def test_output_paths_of_every_command(case):
    """One output-path check for every command: nothing outside --out changes (the
    working folder's ``distances.csv`` or ``step-*.pt`` included), whatever the path."""
    command, out = case
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = root / "in"
        data.mkdir()
        values = _loss()
        for name in ("resnet20_residual_seed0_d1.0", "resnet20_noresidual_seed0_d1.0"):
            vtkxml.write(data / f"{name}.vti", vtkxml.image_data({"Loss": values}, DIMS))
        a = str(data / "resnet20_residual_seed0_d1.0.vti")
        for name in ("keep.txt", "distances.csv", "reference_results.md", "step-00000000.pt"):
            (root / name).write_text("keep")
        target = out.replace("{root}", str(root))
        argv = {
            "topology": ["topology", a, "--out", target],
            "compare": ["compare", a, str(data / "resnet20_noresidual_seed0_d1.0.vti"),
                        "--out", target],
            "reference": ["study", "reference", str(data), "--out", target],
            "trajectory": ["train", "pinn", "--max-iter=0", "--n-f=10", "--beta=nan",
                           "--save-every=1", "--trajectory", target],
        }[command]  # fmt: skip
        before = snapshot(root, (root / "out",))
        with contextlib.chdir(root):
            rc, _, err = run_cli(argv)
        name = "study" if command == "reference" else argv[0]
        outcome = check_contract(rc, err, name, [])
        assert snapshot(root, (root / "out",)) == before, "a file outside --out changed"
        if out != "{root}/out" or command == "trajectory":
            assert outcome == "clear error"
        OUTCOMES[(f"output paths: {command}", outcome)] += 1


# ------------------------------------------------------------------ checkpoints

#: Globals a planted pickle might name; none is in any of lltk's tables.
PLANTED = (("builtins", "exec"), ("os", "system"), ("posix", "system"), ("subprocess", "Popen"),
           ("torch", "load"), ("net_pbc", "Trainer"), ("builtins", "getattr"))  # fmt: skip


def _pickle_calling(module: str, name: str, marker: Path) -> bytes:
    """A protocol-2 pickle whose first act is ``module.name(<code writing marker>)``."""
    code = f"open({str(marker)!r}, 'w').write('executed')"
    arg = code.encode()
    return (
        b"\x80\x02c" + f"{module}\n{name}\n".encode()
        + b"X" + len(arg).to_bytes(4, "little") + arg + b"\x85R."
    )  # fmt: skip


def _archive(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as z:
        for name, raw in entries.items():
            z.writestr(name, raw)
    return buf.getvalue()


def _pinn_checkpoint(how: str) -> bytes:
    """A small PINN state dict: as it is, with a NaN weight, or with 3 inputs (misfit)."""
    import torch

    from lltk.sampling.pinn import ConvectionPINN

    state = ConvectionPINN((4, 4)).state_dict()
    if how == "nan":
        state["net.2.weight"][0, 0] = float("nan")
    if how == "misfit":
        state["net.0.weight"] = torch.zeros(4, 3)
    buf = io.BytesIO()
    torch.save(state, buf)
    return buf.getvalue()


def _authors_pinn(draw, how: str) -> bytes:
    """An authors' PINN file (their pickled ``PhysicsInformedNN_pbc``) of a drawn system:
    as it is, with a system name lltk does not know, or with tensors that do not fit."""
    import torch
    from conftest import write_authors_pinn

    from lltk.sampling.pde import SYSTEMS

    system = draw(st.sampled_from(SYSTEMS))
    coefficients = {k: draw(st.floats(0, 8)) for k in ("beta", "nu", "rho")}
    state = {}
    if how == "authors-system":
        state["system"] = draw(st.text(min_size=1, max_size=12).filter(lambda s: s not in SYSTEMS))
    elif how == "authors-misfit":
        state.update(draw(st.sampled_from([
            {"x_f": torch.zeros(7, 1)}, {"u": torch.zeros(255, 1)}, {"t_bc_ub": torch.zeros(3, 2)},
            {"G": torch.ones(20, 1)}, {"nu": "2"}, {"x_u": torch.zeros(0, 1)},
        ])))  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.pt"
        write_authors_pinn(path, coefficients=coefficients, **{"system": system, **state})
        return path.read_bytes()


@st.composite
def checkpoint_files(draw, marker: Path):
    """A checkpoint file: planted globals, not a torch file, damaged, misfit or NaN; an
    authors' PINN of any system, of an unknown one, or with tensors that do not fit."""
    how = draw(st.sampled_from(["planted", "planted-bare", "bytes", "truncated", "flip",
                                "misfit", "nan", "valid", "authors-valid", "authors-system",
                                "authors-misfit"]))  # fmt: skip
    if how.startswith("authors"):
        return how, _authors_pinn(draw, how)
    if how.startswith("planted"):
        payload = _pickle_calling(*draw(st.sampled_from(PLANTED)), marker)
        return how, payload if how == "planted-bare" else _archive({"a/data.pkl": payload})
    if how == "bytes":
        return how, draw(st.binary(max_size=200))
    data = _pinn_checkpoint(how)
    if how == "truncated":
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif how == "flip":
        i = draw(st.integers(0, len(data) - 1))
        data = data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1 :]
    return how, data


@settings(SETTINGS, max_examples=40)
@given(st.data())
def test_checkpoint_files(data):
    """``lltk sample MODEL --checkpoint FILE`` on planted, foreign, damaged, misfit and NaN
    files: status 0 or 2 with one line, the planted code never runs, a NaN network's
    landscape is written and marked invalid."""
    pytest.importorskip("torch")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        marker = root / "marker.txt"
        how, raw = data.draw(checkpoint_files(marker))
        model = data.draw(st.sampled_from(["pinn", "resnet20", "resnet20-noskip"]))
        path = root / "c.pt"
        path.write_bytes(raw)
        out = root / "out" / "l.vti"
        out.parent.mkdir()
        argv = ["sample", model, "--checkpoint", str(path), "--dim", "1", "--resolution", "3"]
        rc, _, err = run_cli([*argv, "--quiet", f"--out={out}"])
        side = [out, out.with_name("l_solution.vti")]
        outcome = check_contract(rc, err, "sample", side)
        assert not marker.exists(), "a planted pickle ran"
        if how.startswith("planted") or how in ("bytes", "misfit", "authors-system",
                                                "authors-misfit") or model != "pinn":
            assert rc == 2, (how, model)
        if how in ("authors-system", "authors-misfit") and model == "pinn":
            assert rc == 2 and "not an authors' PINN checkpoint" in err, (how, err)
        if how == "authors-valid" and model == "pinn":
            assert rc == 0, err
        if rc == 0:
            valid = vtkxml.read(out).point_data["Valid"]
            assert (how == "nan") == (not valid.any()), how
        OUTCOMES[(f"checkpoint {how}", outcome)] += 1


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    path = os.environ.get("LLTK_BAD_INPUT_REPORT")
    if path:
        counts = {f"{cmd}: {outcome}": n for (cmd, outcome), n in sorted(OUTCOMES.items())}
        Path(path).write_text(json.dumps(counts, indent=1) + "\n")
