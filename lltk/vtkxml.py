"""Read and write VTK XML files (.vti, .vtu, .vtp) with numpy alone.

The command line and the sampler must work where VTK is not importable, so this module
reads the subset of the VTK XML format that ParaView, TTK and our sampler write: ascii,
base64 ``binary`` and raw ``appended`` data arrays, UInt32 or UInt64 headers, optional
zlib compression, numeric and string arrays. It writes inline base64 ``binary`` arrays with
UInt64 headers, which every VTK reader since 6.0 understands.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import lzma
import os
import struct
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from lltk.atomic import atomic_write
from lltk.memory import check_allocation

_VTK_TYPES = {
    "Int8": np.int8,
    "UInt8": np.uint8,
    "Int16": np.int16,
    "UInt16": np.uint16,
    "Int32": np.int32,
    "UInt32": np.uint32,
    "Int64": np.int64,
    "UInt64": np.uint64,
    "Float32": np.float32,
    "Float64": np.float64,
}
_NP_TO_VTK = {np.dtype(v).newbyteorder("<"): k for k, v in _VTK_TYPES.items()}

#: VTK cell type codes used by the sampler's graphs and by meshes users bring.
VTK_VERTEX, VTK_LINE, VTK_POLY_LINE, VTK_TRIANGLE, VTK_TRIANGLE_STRIP = 1, 3, 4, 5, 6
VTK_POLYGON, VTK_QUAD, VTK_TETRA, VTK_HEXAHEDRON = 7, 9, 10, 12

FieldValue = np.ndarray | str


class VTKFileError(ValueError):
    """The file is missing, truncated or not a VTK XML file this reader understands."""


@dataclass
class Dataset:
    """A VTK dataset as numpy arrays.

    ``kind`` is ``ImageData``, ``UnstructuredGrid`` or ``PolyData``. ImageData uses
    ``extent``, ``origin``, ``spacing`` (and ``direction``, the rotation VTK 9 adds, which
    TTK 1.2 ignores: see :func:`lltk.topology.field.ignored_direction`); the others use
    ``points`` and the cells as ``connectivity``/``offsets``/``cell_types`` (VTK's own
    layout). Point arrays are
    flat in VTK's point order (x fastest for ImageData).
    """

    kind: str
    point_data: dict[str, np.ndarray] = field(default_factory=dict)
    cell_data: dict[str, np.ndarray] = field(default_factory=dict)
    field_data: dict[str, FieldValue] = field(default_factory=dict)
    extent: tuple[int, int, int, int, int, int] = (0, 0, 0, 0, 0, 0)
    origin: tuple[float, float, float] = (0.0, 0.0, 0.0)
    spacing: tuple[float, float, float] = (1.0, 1.0, 1.0)
    direction: tuple[float, ...] = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0)
    points: np.ndarray | None = None
    connectivity: np.ndarray | None = None
    offsets: np.ndarray | None = None
    cell_types: np.ndarray | None = None
    #: Names that two or more point, cell or field arrays share (the first one is kept).
    repeated: set[str] = field(default_factory=set)

    @property
    def dimensions(self) -> tuple[int, int, int]:
        """Number of points along x, y, z (ImageData only)."""
        e = self.extent
        return (e[1] - e[0] + 1, e[3] - e[2] + 1, e[5] - e[4] + 1)

    @property
    def number_of_points(self) -> int:
        """How many points the dataset has."""
        if self.kind == "ImageData":
            d = self.dimensions
            return d[0] * d[1] * d[2]
        return 0 if self.points is None else len(self.points)

    def point_coordinates(self) -> np.ndarray:
        """The (n, 3) coordinates of every point (ImageData points are computed)."""
        if self.kind != "ImageData":
            return np.asarray(self.points, dtype=np.float64)
        e, o, s = self.extent, self.origin, self.spacing
        check_allocation(48 * self.number_of_points, "the image's point coordinates")
        axes = [o[a] + s[a] * np.arange(e[2 * a], e[2 * a + 1] + 1) for a in range(3)]
        z, y, x = np.meshgrid(axes[2], axes[1], axes[0], indexing="ij")
        return np.column_stack([x.ravel(), y.ravel(), z.ravel()])


# ----------------------------------------------------------------------------- reading


#: The compressors VTK's XML writers use, by the name in the file's ``compressor`` attribute.
COMPRESSORS = ("vtkZLibDataCompressor", "vtkLZ4DataCompressor", "vtkLZMADataCompressor")


#: The most a block can grow when inflated (zlib's limit is 1032:1, LZ4's 255:1; LZMA
#: reaches about 7000:1 on zeros): a header declaring more is refused before inflating.
MAX_RATIO = {
    "vtkZLibDataCompressor": 1100,
    "vtkLZ4DataCompressor": 260,
    "vtkLZMADataCompressor": 8000,
}


def _inflate(block: bytes, size: int, compressor: str) -> bytes:
    """One compressed block inflated to at most ``size`` bytes (never more: a block that
    would grow beyond its declared size is corrupt); a :class:`VTKFileError` if corrupt."""
    try:
        if compressor == "vtkZLibDataCompressor":
            inflater = zlib.decompressobj()
            out = inflater.decompress(block, size)
            done = inflater.eof and not inflater.unconsumed_tail
        elif compressor == "vtkLZMADataCompressor":
            inflater = lzma.LZMADecompressor()
            out = inflater.decompress(block, max_length=size)
            done = inflater.eof
        else:
            try:
                import lz4.block
            except ImportError:
                raise VTKFileError(
                    "the file is LZ4-compressed: install Python's lz4 (Debian: python3-lz4)"
                ) from None
            out, done = lz4.block.decompress(block, uncompressed_size=size), True
    except Exception as exc:  # each library has its own error class
        if isinstance(exc, VTKFileError):
            raise
        raise VTKFileError(f"a compressed data block is corrupt ({exc})") from None
    if len(out) != size or not done:
        raise VTKFileError(
            f"a compressed data block is corrupt (it does not inflate to its declared {size} bytes)"
        )
    return out


def _block_sizes(
    read: Callable[[int, int], bytes],
    header: np.dtype,
    compressor: str | None,
    expected: int | None,
) -> tuple[int, int, np.ndarray | None]:
    """(header bytes, data bytes, compressed block sizes or None) of the block starting at
    0 of a stream that ``read(start, nbytes)`` gives bytes of. The declared size is checked
    before anything is inflated: against ``expected`` (the bytes the array must have, when
    known), the compressor's largest ratio and the memory available."""
    hs = header.itemsize
    first = int(np.frombuffer(read(0, hs), dtype=header)[0])
    if compressor is None:
        _check_declared(first, expected, None)
        return hs, first, None
    if first > 2**40:
        raise VTKFileError(f"a compressed array declares {first} blocks: the header is corrupt")
    head = np.frombuffer(read(0, hs * (3 + first)), dtype=header).astype(np.int64)
    nblocks, block, last = (int(v) for v in head[:3])
    inflated = nblocks * block - (block - last if nblocks and last else 0)
    packed = int(head[3:].sum())
    if block < 0 or last < 0 or last > block or inflated > MAX_RATIO[compressor] * packed + hs:
        raise VTKFileError(
            f"a compressed array declares {inflated} bytes from {packed}: the header is corrupt"
        )
    _check_declared(inflated, expected, packed)
    return hs * (3 + first), packed, head


def _check_declared(nbytes: int, expected: int | None, packed: int | None) -> None:
    """An array's declared size must be the one its element counts give, and fit memory."""
    if expected is not None and nbytes != expected:
        raise VTKFileError(
            f"an array declares {nbytes} bytes where its points and components need "
            f"{expected}: the file is corrupt"
        )
    if packed is not None:  # the inflated blocks, the array, its native-order copy
        _fits(3 * nbytes, f"inflating an array of {nbytes:,} bytes")


def _fits(nbytes: int, what: str) -> None:
    try:
        check_allocation(nbytes, what)
    except ValueError as exc:
        raise VTKFileError(str(exc)) from None


def _unpack(data: bytes, head: np.ndarray | None, compressor: str | None) -> bytes:
    """The array's bytes from its (possibly compressed) data section."""
    if head is None:
        return data
    nblocks, block, last = (int(v) for v in head[:3])
    sizes = [block] * nblocks
    if nblocks and last:
        sizes[-1] = last
    out, pos = [], 0
    for c, size in zip(head[3:], sizes, strict=True):
        out.append(_inflate(data[pos : pos + int(c)], size, compressor))
        pos += int(c)
    return b"".join(out)


def _raw_block(buf: bytes, offset: int, layout: _Layout, expected: int | None) -> bytes:
    """The bytes of one array stored raw in ``buf`` (the AppendedData section) at ``offset``."""

    def read(start: int, n: int) -> bytes:
        if offset + start + n > len(buf) or n < 0:
            raise VTKFileError("appended data is truncated")
        return buf[offset + start : offset + start + n]

    hbytes, dbytes, head = _block_sizes(read, layout.header, layout.compressor, expected)
    return _unpack(read(hbytes, dbytes), head, layout.compressor)


def _b64(text: bytes) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise VTKFileError(f"base64 data is corrupt ({exc})") from None


def _chars(nbytes: int) -> int:
    return 4 * -(-nbytes // 3)


def _base64_block(text: bytes, offset: int, layout: _Layout, expected: int | None) -> bytes:
    """The bytes of one base64-encoded array (inline ``binary`` text, or appended base64
    data at ``offset``). VTK encodes the header and the data either as one base64 stream
    or as two, each padded; a padded header tells them apart."""

    def read(start: int, n: int) -> bytes:
        chunk = text[offset : offset + _chars(start + n)]
        if len(chunk) < _chars(start + n) or n < 0:
            raise VTKFileError("base64 data is truncated")
        return _b64(chunk)[start : start + n]

    compressor = layout.compressor
    hbytes, dbytes, head = _block_sizes(read, layout.header, compressor, expected)
    hchars = _chars(hbytes)
    if b"=" in text[offset : offset + hchars]:  # two streams: the data starts afresh
        data = text[offset + hchars : offset + hchars + _chars(dbytes)]
        if len(data) < _chars(dbytes):
            raise VTKFileError("base64 data is truncated")
        return _unpack(_b64(data)[:dbytes], head, compressor)
    return _unpack(read(hbytes, dbytes), head, compressor)


def _split_appended(data: bytes) -> tuple[bytes, bytes, str]:
    """Split a file into its XML head and the raw bytes after ``<AppendedData ...>_``."""
    marker = data.find(b"<AppendedData")
    if marker < 0:
        return data, b"", "raw"
    start = data.index(b"_", data.index(b">", marker)) + 1
    tag = data[marker : data.index(b">", marker) + 1].decode("latin-1")
    encoding = "base64" if 'encoding="base64"' in tag else "raw"
    end = data.rfind(b"</AppendedData>")
    if end < start:
        raise VTKFileError("the AppendedData section is not closed: the file is truncated")
    tail = data[end:]
    head = data[:marker] + b"<AppendedData/>" + tail[len(b"</AppendedData>") :]
    return head, data[start:end], encoding


class _Layout(NamedTuple):
    """How a file stores its binary arrays."""

    appended: bytes
    encoding: str
    header: np.dtype
    compressor: str | None


def _encoded(elem: ET.Element, fmt: str, layout: _Layout, expected: int | None) -> bytes:
    """The bytes of a ``binary`` (inline base64) or ``appended`` (raw or base64) array."""
    if fmt == "binary":
        text = "".join((elem.text or "").split()).encode("ascii", "replace")
        return _base64_block(text, 0, layout, expected)
    try:
        offset = int(elem.get("offset", "0"))
    except ValueError:
        raise VTKFileError(f"array {elem.get('Name', '?')!r} has no valid offset") from None
    if offset < 0:
        raise VTKFileError(f"array {elem.get('Name', '?')!r} has a negative offset")
    if layout.encoding == "base64":
        return _base64_block(layout.appended, offset, layout, expected)
    return _raw_block(layout.appended, offset, layout, expected)


def _components(elem: ET.Element) -> int:
    text = elem.get("NumberOfComponents", "1")
    try:
        ncomp = int(text)
    except ValueError:
        ncomp = 0
    if not 1 <= ncomp <= 2**16:
        raise VTKFileError(
            f"array {elem.get('Name', '?')!r}: NumberOfComponents {text!r} is not a count"
        )
    return ncomp


def _ascii_numbers(elem: ET.Element, dtype: np.dtype, name: str) -> np.ndarray:
    """An ascii array's numbers as ``dtype``: integers must be integers within the type's
    range and floats within its range (never wrapped or truncated)."""
    tokens = (elem.text or "").split()
    vtype = _NP_TO_VTK[dtype.newbyteorder("<")]
    if dtype.kind in "iu":
        bad = next((t for t in tokens if not _is_int(t)), None)
        if bad is not None:
            raise VTKFileError(f"array {name!r} holds {bad[:20]!r}, not a {vtype} value")
        info = np.iinfo(dtype)
        try:
            wide = np.array(tokens, dtype=np.int64)
        except OverflowError:  # beyond Int64: only UInt64 may hold it
            wide = None
            if dtype.kind == "u":
                with contextlib.suppress(OverflowError):
                    wide = np.array(tokens, dtype=np.uint64)
        if wide is None or (
            wide.size and (int(wide.min()) < info.min or int(wide.max()) > info.max)
        ):
            raise VTKFileError(
                f"array {name!r} holds values beyond {vtype}'s range {info.min}..{info.max}"
            )
        return wide.astype(dtype)
    try:
        wide = np.array(tokens, dtype=np.float64)
    except ValueError:
        raise VTKFileError(f"array {name!r} holds text that is not numbers") from None
    narrow = wide.astype(dtype)
    if (np.isinf(narrow) & np.isfinite(wide)).any():
        raise VTKFileError(f"array {name!r} holds values beyond {vtype}'s range")
    return narrow


def _is_int(token: str) -> bool:
    try:
        int(token)
    except ValueError:
        return False
    return True


def _array_from(elem: ET.Element, layout: _Layout, tuples: int | None = None) -> FieldValue:
    """Decode one ``DataArray`` element into a numpy array (or a str for String arrays).
    ``tuples``: how many tuples the array must hold, when the dataset says (the number of
    points); a binary array declaring another size is refused before it is decoded."""
    vtype = elem.get("type", "")
    fmt = elem.get("format", "ascii")
    ncomp = _components(elem)
    name = elem.get("Name", "?")
    if vtype == "String":
        if fmt == "ascii":
            try:
                codes = np.array((elem.text or "").split(), dtype=np.int64).astype(np.uint8)
            except ValueError:
                raise VTKFileError(f"string array {name!r} is not character codes") from None
            raw = codes.tobytes()
        else:
            raw = _encoded(elem, fmt, layout, None)
        parts = raw.split(b"\0")
        if parts and parts[-1] == b"":
            parts.pop()
        strings = [p.decode("utf-8", "replace") for p in parts]
        return strings[0] if len(strings) == 1 else np.array(strings, dtype=object)
    if vtype not in _VTK_TYPES:
        raise VTKFileError(f"array {name!r} has unsupported type {vtype!r}")
    dtype = np.dtype(_VTK_TYPES[vtype]).newbyteorder("<")
    if fmt == "ascii":
        arr = _ascii_numbers(elem, dtype, name)
    elif fmt in ("binary", "appended"):
        expected = None if tuples is None else tuples * ncomp * dtype.itemsize
        block = _encoded(elem, fmt, layout, expected)
        if len(block) % dtype.itemsize:
            raise VTKFileError(f"array {name!r} is truncated")
        arr = np.frombuffer(block, dtype=dtype)
    else:
        raise VTKFileError(f"array {name!r} has unknown format {fmt!r}")
    arr = arr.astype(dtype.newbyteorder("="), copy=True)
    return arr.reshape(-1, ncomp) if ncomp > 1 else arr


#: The first bytes of a file that are searched for ``<VTKFile`` before it is read whole.
SNIFF_BYTES = 1 << 16


def _file_bytes(path: Path) -> bytes:
    """The file's bytes, once its start shows a VTK XML file and memory can hold it (the
    bytes, the XML tree and the decoded arrays: about three times the file)."""
    with path.open("rb") as f:
        start = f.read(SNIFF_BYTES)
        if b"<VTKFile" not in start:
            raise VTKFileError(f"{path} is not a VTK XML file (no <VTKFile> element at its start)")
        size = os.fstat(f.fileno()).st_size
        _fits(3 * size, f"reading {path} ({size:,} bytes)")
        return start + f.read()


def _numbers(body: ET.Element, key: str, default: str, count: int, path: Path) -> tuple:
    text = body.get(key, default)
    try:
        values = tuple(float(v) for v in text.split())
    except ValueError:
        values = ()
    if len(values) != count or not all(np.isfinite(values)):
        raise VTKFileError(f"{path}: ImageData {key} {text[:60]!r} is not {count} finite numbers")
    return values


def _image_geometry(ds: Dataset, body: ET.Element, path: Path) -> None:
    """Extent, origin, spacing and direction of an ImageData, checked."""
    text = body.get("WholeExtent", "")
    try:
        extent = tuple(int(v) for v in text.split())
    except ValueError:
        extent = ()
    if len(extent) != 6 or any(extent[2 * a + 1] < extent[2 * a] for a in range(3)):
        raise VTKFileError(f"{path}: ImageData WholeExtent {text[:60]!r} is not a valid extent")
    ds.extent = extent  # type: ignore[assignment]
    ds.origin = _numbers(body, "Origin", "0 0 0", 3, path)  # type: ignore[assignment]
    ds.spacing = _numbers(body, "Spacing", "1 1 1", 3, path)  # type: ignore[assignment]
    ds.direction = _numbers(body, "Direction", "1 0 0 0 1 0 0 0 1", 9, path)  # type: ignore[assignment]
    # Every reader of a landscape needs at least one number per point.
    _fits(8 * ds.number_of_points, f"{path}: WholeExtent's {ds.number_of_points:,} points")


def _declared_points(piece: ET.Element, path: Path) -> int | None:
    text = piece.get("NumberOfPoints")
    if text is None:
        return None
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise VTKFileError(f"{path}: NumberOfPoints {text[:30]!r} is not a count")
    return n


def read(path: str | os.PathLike) -> Dataset:
    """Read a .vti, .vtu or .vtp file; raises :class:`VTKFileError` with a clear reason.

    Sizes are checked before anything is allocated: the file must start as a VTK XML
    file and fit in memory; an ImageData's extent, and a binary array's declared size
    against its points and the memory available, before it is decoded or inflated.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     image = image_data({"Loss": np.array([2.0, 0.0, 1.0])}, (3,), field_data={"Model": "x"})
    ...     ds = read(write(Path(folder) / "line.vti", image))
    >>> ds.kind, ds.dimensions, ds.point_data["Loss"].tolist(), ds.field_data["Model"]
    ('ImageData', (3, 1, 1), [2.0, 0.0, 1.0], 'x')
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    head, appended, encoding = _split_appended(_file_bytes(path))
    try:
        root = ET.fromstring(head)
    except ET.ParseError as exc:
        raise VTKFileError(f"{path} is not a readable VTK XML file ({exc})") from None
    if root.tag != "VTKFile":
        raise VTKFileError(f"{path} is not a VTK XML file")
    if root.get("byte_order", "LittleEndian") != "LittleEndian":
        raise VTKFileError(f"{path}: big-endian files are not supported")
    kind = root.get("type", "")
    header_type = root.get("header_type", "UInt32")
    if header_type not in ("UInt32", "UInt64"):
        raise VTKFileError(f"{path}: header_type {header_type!r} is not UInt32 or UInt64")
    header = np.dtype(_VTK_TYPES[header_type]).newbyteorder("<")
    compressor = root.get("compressor") or None
    if compressor is not None and compressor not in COMPRESSORS:
        raise VTKFileError(f"{path}: unknown compressor {compressor!r}")
    body = root.find(kind)
    if body is None or kind not in ("ImageData", "UnstructuredGrid", "PolyData"):
        raise VTKFileError(f"{path}: unsupported dataset type {kind!r}")
    layout = _Layout(appended, encoding, header, compressor)
    ds = Dataset(kind=kind)

    def arrays(elem: ET.Element | None, where: str, tuples: int | None = None) -> dict:
        if elem is None:
            return {}
        found: dict[str, FieldValue] = {}
        for i, a in enumerate(elem.findall("DataArray")):
            name = a.get("Name", f"Array{i}")
            try:
                value = _array_from(a, layout, tuples)
            except VTKFileError as exc:
                raise VTKFileError(f"{path}: {where}: {exc}") from None
            if name in found:
                ds.repeated.add(name)
            found.setdefault(name, value)  # the first, as VTK's GetArray(name) gives
        return found

    ds.field_data = arrays(body.find("FieldData"), "FieldData")
    pieces = body.findall("Piece")
    if len(pieces) != 1:
        raise VTKFileError(f"{path}: expected one Piece, found {len(pieces)}")
    piece = pieces[0]
    if kind == "ImageData":
        _image_geometry(ds, body, path)
        n: int | None = ds.number_of_points
    else:
        n = _declared_points(piece, path)
        pts = list(arrays(piece.find("Points"), "Points", n).values())
        ds.points = np.zeros((0, 3)) if not pts else np.asarray(pts[0], np.float64).reshape(-1, 3)
        n = len(ds.points)
        if kind == "PolyData":
            conn, offs, types = _polydata_cells(piece, arrays)
            ds.connectivity, ds.offsets, ds.cell_types = conn, offs, types
        elif piece.find("Cells") is not None:
            c = arrays(piece.find("Cells"), "Cells")
            ds.connectivity = np.asarray(c.get("connectivity", np.zeros(0)), dtype=np.int64)
            ds.offsets = np.asarray(c.get("offsets", np.zeros(0)), dtype=np.int64)
            ds.cell_types = np.asarray(c.get("types", np.zeros(0)), dtype=np.uint8)
        else:
            ds.connectivity = np.zeros(0, np.int64)
            ds.offsets = np.zeros(0, np.int64)
            ds.cell_types = np.zeros(0, np.uint8)
    ds.point_data = {
        k: np.atleast_1d(np.asarray(v))
        for k, v in arrays(piece.find("PointData"), "PointData", n).items()
    }
    ds.cell_data = {
        k: np.atleast_1d(np.asarray(v))
        for k, v in arrays(piece.find("CellData"), "CellData").items()
    }
    for name, arr in ds.point_data.items():
        if len(arr) != n:
            raise VTKFileError(f"{path}: point array {name!r} has {len(arr)} tuples, not {n}")
    return ds


def _polydata_cells(
    piece: ET.Element, arrays: Callable[[ET.Element | None, str], dict]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Concatenate a PolyData's Verts, Lines, Strips and Polys into one unstructured cell
    list (a strip stays one triangle-strip cell)."""
    conns, offs, types, base = [], [], [], 0
    for section, default in (
        ("Verts", VTK_VERTEX),
        ("Lines", VTK_POLY_LINE),
        ("Strips", VTK_TRIANGLE_STRIP),
        ("Polys", VTK_POLYGON),
    ):
        elem = piece.find(section)
        if elem is None:
            continue
        c = arrays(elem, section)
        conn = np.asarray(c.get("connectivity", np.zeros(0)), dtype=np.int64)
        off = np.asarray(c.get("offsets", np.zeros(0)), dtype=np.int64)
        sizes = np.diff(np.concatenate([[0], off]))
        kind = np.full(len(off), default, np.uint8)
        if default == VTK_POLY_LINE:
            kind[sizes == 2] = VTK_LINE
        if default == VTK_POLYGON:
            kind[sizes == 3] = VTK_TRIANGLE
        conns.append(conn)
        offs.append(off + base)
        types.append(kind)
        base += len(conn)
    if not conns:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.uint8)
    return np.concatenate(conns), np.concatenate(offs), np.concatenate(types)


def cell_edges(ds: Dataset) -> np.ndarray:
    """The undirected edges (m, 2) of a dataset's cells, each once, smaller id first.

    Lines and poly-lines give their segments; triangles, quads and polygons their
    boundary; a triangle strip its triangles' sides; tetrahedra and hexahedra all edges of
    their faces. This is the adjacency the topology core uses for graphs and meshes.
    """
    if ds.connectivity is None or ds.offsets is None or ds.cell_types is None:
        raise VTKFileError("the dataset has no cells")
    conn, offs, types = ds.connectivity, ds.offsets, ds.cell_types
    starts = np.concatenate([[0], offs[:-1]]) if len(offs) else np.zeros(0, np.int64)
    sizes = offs - starts
    _check_cells(conn, offs, types, sizes)
    n = ds.number_of_points
    if ds.points is not None and len(conn) and (conn.min() < 0 or conn.max() >= n):
        bad = int(conn.min()) if conn.min() < 0 else int(conn.max())
        raise VTKFileError(f"a cell names point {bad}; the points are 0 to {n - 1}")
    parts = []
    for ctype in np.unique(types):
        sel = types == ctype
        for size in np.unique(sizes[sel]):
            rows = np.flatnonzero(sel & (sizes == size))
            cells = conn[starts[rows][:, None] + np.arange(size)[None, :]]
            parts.append(_edges_of(int(ctype), cells))
    if not parts:
        return np.zeros((0, 2), np.int64)
    edges = np.concatenate(parts)
    edges = np.sort(edges, axis=1)
    edges = edges[edges[:, 0] != edges[:, 1]]
    return np.unique(edges, axis=0)


#: The fewest points a cell of each type has (VTK's definitions).
MIN_POINTS = {
    VTK_VERTEX: 1, VTK_LINE: 2, VTK_POLY_LINE: 2, VTK_TRIANGLE: 3, VTK_TRIANGLE_STRIP: 3,
    VTK_POLYGON: 3, VTK_QUAD: 4, VTK_TETRA: 4, VTK_HEXAHEDRON: 8,
}  # fmt: skip
#: The exact number of points of the fixed-size cell types.
FIXED_POINTS = {VTK_LINE: 2, VTK_TRIANGLE: 3, VTK_QUAD: 4, VTK_TETRA: 4, VTK_HEXAHEDRON: 8}


def _check_cells(conn: np.ndarray, offs: np.ndarray, types: np.ndarray, sizes: np.ndarray) -> None:
    """The cell arrays must agree (a type per cell, rising offsets ending at the
    connectivity's length) and each cell must have the points its type has."""
    if len(types) != len(offs):
        raise VTKFileError(f"{len(types)} cell types for {len(offs)} cells")
    if len(offs) and ((sizes < 0).any() or offs[-1] != len(conn)):
        raise VTKFileError(
            f"the cells' offsets do not rise to the connectivity's length {len(conn)}"
        )
    unknown = sorted(set(np.unique(types).tolist()) - set(MIN_POINTS))
    if unknown:
        raise VTKFileError(f"cell type {unknown[0]} is not supported for adjacency")
    for ctype in np.unique(types).tolist():
        got = sizes[types == ctype]
        exact = FIXED_POINTS.get(ctype)
        bad = (got < MIN_POINTS[ctype]) | ((got != exact) if exact is not None else False)
        if bad.any():
            raise VTKFileError(f"a cell of type {ctype} has {int(got[bad][0])} points")


def _edges_of(ctype: int, cells: np.ndarray) -> np.ndarray:
    """Edges of ``cells`` (k, size) of one VTK cell type, as (k * e, 2) vertex pairs."""
    size = cells.shape[1]
    if ctype in (VTK_VERTEX,) or size < 2:
        return np.zeros((0, 2), np.int64)
    if ctype in (VTK_LINE, VTK_POLY_LINE):
        pairs = [(i, i + 1) for i in range(size - 1)]
    elif ctype == VTK_TRIANGLE_STRIP:  # triangles (i, i+1, i+2): their sides
        pairs = [(i, i + 1) for i in range(size - 1)] + [(i, i + 2) for i in range(size - 2)]
    elif ctype in (VTK_TRIANGLE, VTK_QUAD, VTK_POLYGON):
        pairs = [(i, (i + 1) % size) for i in range(size)]
    elif ctype == VTK_TETRA:
        pairs = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    else:  # VTK_HEXAHEDRON (_check_cells admits no other type)
        pairs = [
            (0, 1),
            (1, 2),
            (2, 3),
            (3, 0),
            (4, 5),
            (5, 6),
            (6, 7),
            (7, 4),
            (0, 4),
            (1, 5),
            (2, 6),
            (3, 7),
        ]
    idx = np.array(pairs)
    return cells[:, idx].reshape(-1, 2).astype(np.int64)


# ----------------------------------------------------------------------------- writing


def _data_array(name: str | None, values: FieldValue, indent: str) -> str:
    """One ``DataArray`` element: strings as ascii, numbers inline as base64 ``binary``.

    Inline base64 rather than raw appended data: the VTK 9.2 inside Debian's ParaView 5.11
    cannot read raw appended files with an expat that defers reparsing (Debian 12's
    libexpat1 from 2.5.0-1+deb12u2 on; VTK issue 19258), while base64 text reads everywhere.
    """
    attrs = f' Name="{_esc(name)}"' if name else ""
    if isinstance(values, str) or (isinstance(values, np.ndarray) and values.dtype == object):
        strings = [values] if isinstance(values, str) else [str(v) for v in values]
        raw = b"".join(s.encode("utf-8") + b"\0" for s in strings)
        codes = " ".join(str(b) for b in raw)
        return (
            f'{indent}<DataArray type="String"{attrs} NumberOfTuples="{len(strings)}"'
            f' format="ascii">{codes}</DataArray>\n'
        )
    arr = np.ascontiguousarray(values)
    if arr.dtype == bool:
        arr = arr.astype(np.uint8)
    dtype = arr.dtype.newbyteorder("<")
    if dtype not in _NP_TO_VTK:
        raise ValueError(f"array {name!r}: dtype {arr.dtype} cannot be written to VTK")
    ncomp = 1 if arr.ndim == 1 else int(np.prod(arr.shape[1:]))
    ntuples = arr.shape[0] if arr.ndim else 1
    payload = arr.astype(dtype, copy=False).tobytes()
    text = base64.b64encode(struct.pack("<Q", len(payload)) + payload).decode("ascii")
    return (
        f'{indent}<DataArray type="{_NP_TO_VTK[dtype]}"{attrs}'
        f' NumberOfComponents="{ncomp}" NumberOfTuples="{ntuples}"'
        f' format="binary">{text}</DataArray>\n'
    )


def _esc(text: str | None) -> str:
    return (text or "").replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _section(
    tag: str, arrays: dict[str, FieldValue], indent: str, scalars: str | None = None
) -> str:
    if not arrays:
        return ""
    attr = f' Scalars="{_esc(scalars)}"' if scalars else ""
    inner = "".join(_data_array(k, v, indent + "  ") for k, v in arrays.items())
    return f"{indent}<{tag}{attr}>\n{inner}{indent}</{tag}>\n"


def write(path: str | os.PathLike, ds: Dataset) -> Path:
    """Write ``ds`` atomically (a temporary file renamed into place) and return the path."""
    path = Path(path)
    fd = _section("FieldData", ds.field_data, "    ")
    scalars = next(iter(ds.point_data), None)
    pd = _section("PointData", ds.point_data, "      ", scalars)
    cd = _section("CellData", ds.cell_data, "      ")
    if ds.kind == "ImageData":
        ext = " ".join(str(int(v)) for v in ds.extent)
        org = " ".join(repr(float(v)) for v in ds.origin)
        spc = " ".join(repr(float(v)) for v in ds.spacing)
        body = (
            f'  <ImageData WholeExtent="{ext}" Origin="{org}" Spacing="{spc}">\n{fd}'
            f'    <Piece Extent="{ext}">\n{pd}{cd}    </Piece>\n  </ImageData>\n'
        )
    elif ds.kind == "UnstructuredGrid":
        pts = np.asarray(ds.points, dtype=np.float64).reshape(-1, 3)
        conn = np.asarray(ds.connectivity, dtype=np.int64)
        offs = np.asarray(ds.offsets, dtype=np.int64)
        types = np.asarray(ds.cell_types, dtype=np.uint8)
        points = "      <Points>\n" + _data_array(None, pts, "        ") + "      </Points>\n"
        cells = (
            "      <Cells>\n"
            + _data_array("connectivity", conn, "        ")
            + _data_array("offsets", offs, "        ")
            + _data_array("types", types, "        ")
            + "      </Cells>\n"
        )
        body = (
            f"  <UnstructuredGrid>\n{fd}"
            f'    <Piece NumberOfPoints="{len(pts)}" NumberOfCells="{len(offs)}">\n'
            f"{pd}{cd}{points}{cells}    </Piece>\n  </UnstructuredGrid>\n"
        )
    elif ds.kind == "PolyData":
        body = _polydata_body(ds, fd, pd, cd)
    else:
        raise ValueError(f"writing {ds.kind} is not supported")
    head = (
        '<?xml version="1.0"?>\n<VTKFile type="' + ds.kind + '" version="1.0" '
        'byte_order="LittleEndian" header_type="UInt64">\n' + body
    )
    tail = "</VTKFile>\n"
    with atomic_write(path) as f:
        f.write(head.encode())
        f.write(tail.encode())
    return path


def _polydata_body(ds: Dataset, fd: str, pd: str, cd: str) -> str:
    """A PolyData piece whose cells are all vertices or all lines / polylines."""
    pts = np.asarray(ds.points, dtype=np.float64).reshape(-1, 3)
    offs = np.asarray(ds.offsets, dtype=np.int64)
    types = set(np.asarray(ds.cell_types, dtype=np.uint8).tolist())
    if types <= {VTK_VERTEX}:
        tag = "Verts"
    elif types <= {VTK_LINE, VTK_POLY_LINE}:
        tag = "Lines"
    else:
        raise ValueError("writing PolyData supports vertex or line cells only")
    cells = (
        f"      <{tag}>\n"
        + _data_array("connectivity", np.asarray(ds.connectivity, np.int64), "        ")
        + _data_array("offsets", offs, "        ")
        + f"      </{tag}>\n"
    )
    points = "      <Points>\n" + _data_array(None, pts, "        ") + "      </Points>\n"
    counts = f'NumberOf{tag}="{len(offs)}"'
    return (
        f"  <PolyData>\n{fd}"
        f'    <Piece NumberOfPoints="{len(pts)}" {counts}>\n'
        f"{pd}{cd}{points}{cells}    </Piece>\n  </PolyData>\n"
    )


def image_data(
    values: dict[str, np.ndarray],
    dims: tuple[int, ...],
    origin: tuple[float, ...] = (0.0, 0.0, 0.0),
    spacing: tuple[float, ...] = (1.0, 1.0, 1.0),
    field_data: dict[str, FieldValue] | None = None,
) -> Dataset:
    """An ImageData of 1 to 3 dimensions whose point arrays are flat, x fastest."""
    d = list(dims) + [1] * (3 - len(dims))
    o = list(origin) + [0.0] * (3 - len(origin))
    s = list(spacing) + [1.0] * (3 - len(spacing))
    ext = (0, d[0] - 1, 0, d[1] - 1, 0, d[2] - 1)
    return Dataset(
        kind="ImageData",
        point_data=dict(values),
        field_data=dict(field_data or {}),
        extent=ext,
        origin=tuple(o),
        spacing=tuple(s),
    )  # type: ignore[arg-type]


def polyline(coords: np.ndarray, point_data: dict[str, np.ndarray]) -> Dataset:
    """A PolyData of one polyline through ``coords`` (k, n): the first three coordinates
    are the points (missing ones 0)."""
    coords = np.asarray(coords, np.float64)
    points = np.zeros((len(coords), 3))
    points[:, : min(3, coords.shape[1])] = coords[:, :3]
    return Dataset(
        kind="PolyData",
        point_data=dict(point_data),
        points=points,
        connectivity=np.arange(len(coords), dtype=np.int64),
        offsets=np.array([len(coords)], np.int64),
        cell_types=np.array([VTK_POLY_LINE], np.uint8),
    )
