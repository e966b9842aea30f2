"""``lltk serve``: the folder it reads, the files it serves (and refuses), the port, and the
page in a real browser (Debian's Chromium driven by Playwright; skipped where absent)."""

from __future__ import annotations

import http.client
import io
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import TTK_REFERENCE

from lltk import vtkxml
from lltk.study.connectivity import write_barriers
from lltk.web.browser import chromium, free_port, launch, start_server, stop_server
from lltk.web.catalog import load_catalog

#: The study: three β, two seeds, plus a damaged file and one without ``Loss``.
BETAS, SEEDS, N = (1.0, 4.0, 7.0), (0, 1), 21
#: The study's ``--connect`` seeds per β (more than the folder's landscapes: the panel
#: shows the β's matrix, whichever of its landscapes is selected).
BARRIER_SEEDS = {1.0: (0, 1, 2), 4.0: (0, 1), 7.0: (0, 1, 2, 3)}
#: Colours the page must show: the selected pair's marks (amber), viridis' dark end.
AMBER, VIRIDIS_DARK = (255, 191, 0), (68, 1, 84)


def write_study(folder: Path) -> Path:
    """A small PINN-like study: ``landscapes/*.vti`` with the sampler's FieldData."""
    out = folder / "landscapes"
    out.mkdir(parents=True)
    x, y = np.meshgrid(np.linspace(-1, 1, N), np.linspace(-1, 1, N))
    for beta in BETAS:
        for seed in SEEDS:
            noise = np.random.default_rng(seed).random(x.shape)
            z = x**2 + y**2 + 0.05 * beta * np.sin(3 * beta * x) * np.cos(2 * y + seed)
            meta = {
                "Model": "pinn",
                "Beta": beta,
                "Seed": float(seed),
                "Directions": "random",
                "TestRelError": 0.01 * beta**2,
                "HessianTopEigenvalues": np.array([10.0 * beta, 3.0]),
                "HessianTrace": 20.0 * beta,
            }
            ds = vtkxml.image_data(
                {"Loss": (z + 0.01 * noise).ravel()}, (N, N), (-1, -1), (0.1, 0.1), meta
            )
            vtkxml.write(out / f"pinn_beta{beta:g}_seed{seed}_random.vti", ds)
    grid = np.linspace(0.0, 30.0, 40)
    (out / "pinn_beta1_seed0_random_hessian_density.csv").write_text(
        "eigenvalue,density\n" + "".join(f"{e!r},{np.exp(-((e - 5) ** 2)):.6g}\n" for e in grid)
    )
    (out / "broken.vti").write_text("<VTKFile type='ImageData'")
    vtkxml.write(out / "no_loss.vti", vtkxml.image_data({"U": x.ravel(), "V": y.ravel()}, (N, N)))
    write_barriers(barrier_rows(), [], folder, "pinn", "beta")
    return folder


def barrier_rows() -> list[dict]:
    """``lltk study pinn --connect``'s rows (:func:`lltk.study.connectivity.barrier_rows`'
    keys): barriers over four decades, some pairs linearly connected and some not."""
    from itertools import combinations

    from lltk.study.connectivity import linearly_connected

    rows = []
    for beta, seeds in BARRIER_SEEDS.items():
        for a, b in combinations(seeds, 2):
            barrier = 1e-3 * beta * 3.0 ** (a + 2 * b)
            end_a, end_b = 0.01 * (1 + a), 0.02 * (1 + b)
            connected = int(linearly_connected(barrier, end_a, end_b))
            rows.append(
                {
                    "group": beta,
                    "seed_a": a,
                    "seed_b": b,
                    "barrier": barrier,
                    "path_max": barrier + (end_a + end_b) / 2,
                    "end_a": end_a,
                    "end_b": end_b,
                    "connected": connected,
                }
            )
    return rows


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``folder`` with its size and modification time."""
    return {
        str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    """The study, a secret file beside it and a link inside it that leads to the secret."""
    base = tmp_path_factory.mktemp("serve")
    (base / "secret.vti").write_text("SECRET-OUTSIDE-DIR")
    folder = write_study(base / "study")
    (folder / "landscapes" / "link_out.vti").symlink_to(base / "secret.vti")
    return folder


@pytest.fixture(scope="module")
def server(study):
    """``lltk serve study`` on a free port; checks afterwards that it wrote nothing there."""
    before = snapshot(study)
    proc, url = start_server(study, free_port())
    yield url
    assert proc.poll() is None, "the server stopped while the page was used"
    stop_server(proc)
    assert snapshot(study) == before, "lltk serve wrote into the folder it serves"


def test_catalog_reads_the_study_and_explains_bad_files(study):
    catalog = load_catalog(study)
    names = [e.name for e in catalog.entries]
    assert "landscapes/link_out.vti" not in names  # leads out of the folder
    assert "landscapes/broken.vti" in names and "landscapes/no_loss.vti" in names
    errors = {e.label: e.error for e in catalog.entries if e.error}
    assert set(errors) == {"broken", "no_loss"}
    assert "not a readable VTK XML file" in errors["broken"]
    assert "no point array 'Loss'" in errors["no_loss"]
    assert str(study) not in errors["broken"]  # names relative to the folder
    good = [e for e in catalog.entries if not e.error]
    assert len(good) == len(BETAS) * len(SEEDS) and set(catalog.mds) == {e.name for e in good}
    row = catalog.entry("landscapes/pinn_beta7_seed1_random.vti").numbers
    assert (row["group"], row["seed"], row["error"], row["top_eigenvalue"]) == (
        "β = 7",
        1,
        0.49,
        70,
    )
    for name in ("../secret.vti", str(study.parent / "secret.vti"), "landscapes/link_out.vti"):
        assert catalog.entry(name) is None


def test_catalog_reads_the_barrier_matrix_of_each_beta(study):
    catalog = load_catalog(study)
    expected = barrier_rows()
    assert catalog.barriers.error is None and catalog.barriers.rows == expected
    for beta, seeds in BARRIER_SEEDS.items():
        entry = catalog.entry(f"landscapes/pinn_beta{beta:g}_seed1_random.vti")
        group, got_seeds, matrix, connected = catalog.barrier_matrix(entry)
        assert (group, got_seeds) == (beta, list(seeds))
        assert np.array_equal(matrix, matrix.T) and np.all(np.diag(matrix) == 0)
        for r in (r for r in expected if r["group"] == beta):
            i, j = seeds.index(r["seed_a"]), seeds.index(r["seed_b"])
            assert matrix[i, j] == r["barrier"]  # the CSV's full precision
            assert connected[i, j] == connected[j, i] == bool(r["connected"])
    # the fixture's rule gives both kinds of pair, so the outline means something
    assert {r["connected"] for r in expected} == {0, 1}
    with pytest.raises(KeyError):  # a file with no β of the barriers
        catalog.barrier_matrix(catalog.entry("landscapes/no_loss.vti"))


def test_damaged_or_absent_barriers_file_leaves_the_rest_of_the_page(tmp_path, study):
    from lltk.web.app import barrier_views

    folder = tmp_path / "damaged"
    (folder / "landscapes").mkdir(parents=True)
    for name in ("pinn_beta1_seed0_random.vti", "pinn_beta4_seed0_random.vti"):
        (folder / "landscapes" / name).write_bytes((study / "landscapes" / name).read_bytes())
    assert barrier_views(load_catalog(folder), None)["has_barriers"] is False  # panel absent
    text = (study / "pinn_barriers.csv").read_text().splitlines()
    for damaged, why in (
        ("\n".join([*text[:2], "1.0,0,2,not-a-number,1,1,1,0"]), "line 3: not a barrier row"),
        ("\n".join(line.rsplit(",", 1)[0] for line in text), "no column connected"),
        ("", "no column group"),
    ):
        (folder / "pinn_barriers.csv").write_text(damaged)
        catalog = load_catalog(folder)
        assert all(e.error is None for e in catalog.entries) and len(catalog.mds) == 2
        views = barrier_views(catalog, catalog.entries[0])
        assert views["has_barriers"] and "unreadable barriers file" in views["barriers_svg"]
        assert views["barriers_text"].startswith("cannot show the barriers: pinn_barriers.csv")
        assert why in views["barriers_text"], views["barriers_text"]


def test_empty_folder_and_missing_folder(tmp_path):
    from lltk.web.app import notice

    assert "no .vti or .vtu landscape" in notice(load_catalog(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-m", "lltk", "serve", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"lltk serve: error: no such folder: {tmp_path / 'nope'}"
    ]


def test_port_in_use_is_one_line_and_status_2(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "lltk", "serve", str(tmp_path), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and f"cannot listen on 127.0.0.1:{port}" in lines[0], proc.stderr


def _get(url: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """GET ``path`` exactly as written (no client-side normalisation of ``..``)."""
    host, port = url.split("//")[1].strip("/").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    for key, value in (headers or {}).items():
        conn.putheader(key, value)
    conn.endheaders()
    response = conn.getresponse()
    return response.status, response.read()


def test_serves_listed_landscapes_and_nothing_else(server, study):
    status, body = _get(server, "/files/landscapes/pinn_beta1_seed0_random.vti")
    assert status == 200
    assert body == (study / "landscapes/pinn_beta1_seed0_random.vti").read_bytes()
    for path in (
        "/files/../secret.vti",
        "/files/landscapes/../../secret.vti",
        "/files/%2e%2e/secret.vti",
        "/files/landscapes%2f..%2f..%2fsecret.vti",
        f"/files/{study.parent}/secret.vti",
        f"/files/%2F{str(study.parent / 'secret.vti').lstrip('/')}",
        "/files/landscapes/link_out.vti",
        "/../secret.vti",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/files//etc/passwd",
    ):
        status, body = _get(server, path)
        assert status in (400, 403, 404), (path, status)
        assert b"SECRET-OUTSIDE-DIR" not in body and b"root:" not in body, path


def test_other_sites_cannot_open_the_websocket(server):
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13"}
    upgrade["Sec-WebSocket-Key"] = "dGhlIHNhbXBsZSBub25jZQ=="
    status, _ = _get(server, "/ws", {**upgrade, "Origin": "http://evil.example"})
    assert status == 403
    own = server.rstrip("/")
    status, _ = _get(server, "/ws", {**upgrade, "Origin": own})
    assert status == 101  # the page's own origin is let through


def test_listens_on_loopback_only_by_default(server):
    port = int(server.rstrip("/").rsplit(":", 1)[1])
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # LISTEN
                listening.append(address)
    assert listening == ["0100007F"], listening  # 127.0.0.1, nothing else


# ----------------------------------------------------------------------------- the browser


def _pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), np.int16)


def _near(pixels: np.ndarray, colour: tuple[int, int, int], tolerance: int = 40) -> int:
    """How many pixels lie within ``tolerance`` (per channel) of ``colour``."""
    return int(np.all(np.abs(pixels - np.array(colour)) <= tolerance, axis=-1).sum())


@pytest.fixture(scope="module")
def playwright():
    """Playwright (one per process: its sync API runs one event loop)."""
    if chromium() is None:
        pytest.skip("Debian's chromium is not installed (make setup installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="make setup installs playwright")
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def page(server, playwright, tmp_path_factory):
    """The page in a fresh headless Chromium, fully loaded."""
    context = launch(playwright, tmp_path_factory.mktemp("chromium-profile"))
    page = context.new_page()
    page.goto(server)
    page.wait_for_selector("#diagram-view svg circle", timeout=60_000)
    page.wait_for_timeout(1000)  # vtk.js draws on the next frames
    yield page
    context.close()


def _core_diagram(study: Path, name: str, threshold: float = 0.0):
    from lltk.web.selection import analyse

    return analyse(load_catalog(study).entry(name).landscape, threshold).diagram


def test_page_shows_the_study(page, study, tmp_path):
    rows = page.locator("#landscape-table tbody tr")
    assert rows.count() == len(BETAS) * len(SEEDS) + 2
    assert "2 of 8 files cannot be shown" in page.inner_text("#notice")
    broken = page.locator("#landscape-table tr[data-name='landscapes/broken.vti']")
    assert "not a readable VTK XML file" in broken.inner_text()
    assert page.locator("#mds circle[data-name]").count() == len(BETAS) * len(SEEDS)
    # the first landscape by β is selected; its diagram is the core's
    assert page.inner_text("#selected") == "landscapes/pinn_beta1_seed0_random.vti"
    diagram = _core_diagram(study, "landscapes/pinn_beta1_seed0_random.vti")
    assert page.locator("#diagram-view circle[data-pair]").count() == len(diagram)
    assert page.locator("#density-view path").count() >= 2  # the Hessian density beside it
    shot = page.locator("#surface").screenshot(path=str(tmp_path / "surface.png"))
    pixels = _pixels(shot)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50, "the surface view is blank"
    assert _near(pixels, VIRIDIS_DARK) > 100, "no viridis colours on the surface"


def test_clicking_a_landscape_and_a_pair_updates_every_view(page, study, tmp_path):
    name = "landscapes/pinn_beta7_seed0_random.vti"
    before = page.inner_html("#tree-view")
    page.click(f"#landscape-table tr[data-name='{name}']")
    page.wait_for_function(f"document.querySelector('#selected').textContent.trim() === '{name}'")
    diagram = _core_diagram(study, name)
    assert page.locator("#diagram-view circle[data-pair]").count() == len(diagram)
    assert page.locator("#barcode-view rect[data-pair]").count() == len(diagram)
    assert page.inner_html("#tree-view") != before
    ring = page.locator(f"#mds circle[data-name='{name}']")
    assert ring.get_attribute("stroke") == "#000"  # the global view marks it too
    assert "no Hessian density" in page.inner_text("#density-view")
    no_pair = _pixels(page.locator("#surface").screenshot())
    pair = int(np.argmax(np.where(diagram.pair_type == 0, diagram.persistence, -1)))
    page.click(f"#diagram-view circle[data-pair='{pair}']")
    page.wait_for_function(
        f"document.querySelector('#pair-info').textContent.includes('pair {pair}:')"
    )
    text = page.inner_text("#pair-info")
    assert f"minimum at vertex {diagram.birth_vertex[pair]}" in text
    assert f"at vertex {diagram.death_vertex[pair]}" in text
    assert (
        page.locator(f"#barcode-view rect[data-pair='{pair}']").get_attribute("fill") == "#ffbf00"
    )
    page.wait_for_timeout(500)
    marked = _pixels(page.locator("#surface").screenshot(path=str(tmp_path / "pair.png")))
    assert _near(marked, AMBER, 30) > _near(no_pair, AMBER, 30) + 20, "the pair is not marked"
    # the global view selects too
    other = "landscapes/pinn_beta4_seed1_random.vti"
    page.click(f"#mds circle[data-name='{other}']")
    page.wait_for_function(f"document.querySelector('#selected').textContent.trim() === '{other}'")
    assert page.inner_text("#pair-info").strip() == ""


def test_bad_file_shows_its_message_and_the_rest_still_works(page):
    page.click("#landscape-table tr[data-name='landscapes/no_loss.vti']")
    page.wait_for_selector("#error")
    assert "no point array 'Loss'" in page.inner_text("#error")
    name = "landscapes/pinn_beta4_seed0_random.vti"
    page.click(f"#landscape-table tr[data-name='{name}']")
    page.wait_for_function(f"document.querySelector('#selected').textContent.trim() === '{name}'")
    assert page.locator("#error").count() == 0
    assert page.locator("#diagram-view circle[data-pair]").count() > 1


def _heatmap_cells(page) -> dict[tuple[int, int], tuple[float, str, bool]]:
    """The heat map's cells: (seed, seed) -> barrier, its label, linearly connected."""
    cells = page.eval_on_selector_all(
        "#barriers-view rect.cell",
        "els => els.map(e => [e.dataset.seeds, Number(e.dataset.barrier), "
        "e.nextElementSibling.textContent, e.dataset.connected === '1'])",
    )
    return {tuple(map(int, s.split(","))): (v, text, c) for s, v, text, c in cells}


def test_barrier_heat_map_follows_the_selected_beta(page, study, tmp_path):
    from lltk.study.connectivity import CONNECTED_RULE, read_barriers

    rows = read_barriers(study / "pinn_barriers.csv")
    for beta, other in ((1.0, "pinn_beta1_seed1_random.vti"), (7.0, "pinn_beta7_seed0_random.vti")):
        name = f"landscapes/{other}"
        page.click(f"#landscape-table tr[data-name='{name}']")
        n = len(BARRIER_SEEDS[beta])
        page.wait_for_function(
            f"document.querySelectorAll('#barriers-view rect.cell').length === {n * (n - 1)}"
        )
        cells = _heatmap_cells(page)
        mine = [r for r in rows if r["group"] == beta]
        assert len(cells) == 2 * len(mine)
        for r in mine:
            for pair in ((r["seed_a"], r["seed_b"]), (r["seed_b"], r["seed_a"])):
                assert cells[pair] == (r["barrier"], f"{r['barrier']:.3g}", bool(r["connected"]))
        seeds = page.locator("#barriers-view text.seed").all_text_contents()
        assert seeds == [str(s) for s in BARRIER_SEEDS[beta] for _ in range(2)]
        info = page.inner_text("#barriers-info")
        linked = sum(r["connected"] for r in mine)
        assert info == f"β = {beta:g}: {linked} of {len(mine)} pairs {CONNECTED_RULE}"
        assert page.locator("#barriers-view text.tick").count() >= 2  # the colour bar's
    page.locator("#barriers-view").screenshot(path=str(tmp_path / "barriers.png"))


def test_threshold_simplifies_with_the_core_and_columns_sort(page, study):
    name = "landscapes/pinn_beta7_seed1_random.vti"
    page.click(f"#landscape-table tr[data-name='{name}']")
    page.wait_for_function(f"document.querySelector('#selected').textContent.trim() === '{name}'")
    slider = page.locator(".v-slider [role=slider]").first
    slider.focus()
    for _ in range(4):  # 4 steps of 0.005: 2 % of the loss range
        slider.press("ArrowRight")
    expected = len(_core_diagram(study, name, 0.02))
    original = _core_diagram(study, name)
    values = load_catalog(study).entry(name).landscape.values
    # simplification keeps exactly the pairs more persistent than the threshold
    kept = original.persistence > 0.02 * float(np.ptp(values))
    assert expected == int(kept.sum()) < len(original)
    page.wait_for_function(
        f"document.querySelectorAll('#diagram-view circle[data-pair]').length === {expected}"
    )
    slider.press("Home")
    assert not page.evaluate("() => window.trame.state.get('log_scale')")  # losses cross 0
    assert values.min() <= 0
    linear = page.evaluate("() => window.trame.state.get('surface_range')")
    page.click("#log-scale")
    page.wait_for_function(
        f"window.trame.state.get('surface_range')[1] !== {linear[1]}", polling=50
    )
    low, high = page.evaluate("() => window.trame.state.get('surface_range')")
    span = float(np.ptp(values))
    assert high == pytest.approx(np.log10(span + 1e-3 * span), rel=1e-5)  # log10(loss - min + ε)
    assert low == pytest.approx(np.log10(1e-3 * span), rel=1e-5)
    page.click("#log-scale")
    page.click("#landscape-table th:has-text('saddles')")
    page.wait_for_timeout(500)
    first = page.locator("#landscape-table tbody tr").first.get_attribute("data-name")
    catalog = load_catalog(study)
    fewest = min((e for e in catalog.entries if not e.error), key=lambda e: e.numbers["saddles"])
    assert catalog.entry(first).numbers["saddles"] == fewest.numbers["saddles"]


def test_views_of_a_3d_grid_and_a_graph():
    """A 3-D landscape is drawn as its vertices, a graph as vertices and edges; the views'
    counts are the core's."""
    from lltk.topology import critical_points, graph_domain, grid_domain
    from lltk.topology.field import landscape_field
    from lltk.web.selection import analyse, landscape_views

    g = np.linspace(-1, 1, 7)
    z, y, x = np.meshgrid(g, g, g, indexing="ij")
    points = np.column_stack([x.ravel(), y.ravel(), z.ravel()])
    cube = landscape_field(
        "Loss", (points**2).sum(1) + 0.1 * points[:, 0], grid_domain((7, 7, 7)), points
    )
    chain = np.column_stack([np.arange(9.0), np.zeros(9), np.zeros(9)])
    path = landscape_field(
        "Loss",
        np.array([3, 1, 2, 0, 4, 2, 5, 1, 6.0]),
        graph_domain(9, np.column_stack([np.arange(8), np.arange(1, 9)]), chain),
        chain,
    )
    for field, lines in ((cube, 0), (path, 8 * 3)):
        views = landscape_views(field, analyse(field, 0.0), False, None, None)
        assert views["surface_polys"] == [] and len(views["surface_lines"]) == lines
        assert len(views["surface_verts"]) == 2 * field.values.size
        minima = int(np.count_nonzero(critical_points(field.values, field.domain)[1] == 0))
        assert views["counts"].startswith(f"{minima} minima")
    assert minima == 4  # the chain's local minima: 1, 0, 2, 1


#: The loss axes of the charts, as ``class`` of their tick labels.
LOSS_AXES = {"diagram_svg": "xy", "barcode_svg": "x", "tree_svg": "y", "profile_svg": "y"}


def _ticks(chart: str, axes: str) -> list[str]:
    """The tick labels of ``chart`` on ``axes`` (``x``, ``y`` or both)."""
    return [
        text for axis, text in re.findall(r'class="tick (\w)"[^>]*>([^<]*)<', chart) if axis in axes
    ]


def test_loss_axes_share_the_surface_log_scale_and_start_at_the_minimum():
    """Losses over six decades: with log on, the surface and every loss axis use one
    transform with decade ticks; linear axes start at the smallest loss, ticks round."""
    from lltk.topology import grid_domain
    from lltk.topology.field import landscape_field
    from lltk.web.scale import LossScale, auto_log, decades
    from lltk.web.selection import analyse, landscape_views

    x, y = np.meshgrid(np.linspace(-1, 1, 25), np.linspace(-1, 1, 25))
    loss = 10.0 ** (6 * (x**2 + y**2) / 2 + 0.3 * np.sin(7 * x) * np.cos(5 * y)) + 1.0
    points = np.column_stack([x.ravel(), y.ravel(), np.zeros(x.size)])
    field = landscape_field("Loss", loss.ravel(), grid_domain((25, 25)), points)
    assert decades(field.values) > 5 and auto_log(field.values)
    assert not auto_log(loss.ravel() - loss.min())  # a loss of 0: no decades, linear
    analysis = analyse(field, 0.0)
    log = landscape_views(field, analysis, True, None, None)
    span = float(np.ptp(field.values))
    expected = np.log10(field.values - field.values.min() + 1e-3 * span)
    np.testing.assert_allclose(log["surface_scalars"], expected, rtol=1e-5)
    assert LossScale.of(field.values, True).drawn(field.values.max()) == expected.max()
    for chart, axes in LOSS_AXES.items():
        labels = _ticks(log[chart], axes)
        decades = [t for t in labels if re.fullmatch("10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+", t)]
        assert len(decades) >= 3 * len(axes) and len(decades) == len(labels), (chart, labels)
    linear = landscape_views(field, analysis, False, None, None)
    for chart, axes in LOSS_AXES.items():
        labels = [float(t) for t in _ticks(linear[chart], axes)]
        assert len(labels) >= 2 * len(axes) and min(labels) >= 0, (chart, labels)  # not < min
        assert all(f"{v:.2g}" == f"{v:.6g}" or v == int(v) for v in labels), labels  # round


@pytest.fixture(scope="module")
def reference_page(tmp_path_factory, request):
    """``lltk serve`` on the 53 TTK reference landscapes in Chromium, 1600 x 1000."""
    if not (TTK_REFERENCE / "pinn_convection_beta50.0_seed0.vti").is_file():
        pytest.skip(f"TTK reference landscapes not found at {TTK_REFERENCE}")
    playwright = request.getfixturevalue("playwright")
    proc, url = start_server(TTK_REFERENCE, free_port())
    try:
        context = launch(playwright, tmp_path_factory.mktemp("chromium-reference"), 1600, 1000)
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("#diagram-view svg circle", timeout=60_000)
        yield page
        context.close()
    finally:
        stop_server(proc)


def _diagram_spread(page) -> float:
    """The 10-90 % range of the diagram points' pixel rows over the y axis' height."""
    rows = page.eval_on_selector_all(
        "#diagram-view circle[data-pair]",
        "els => els.map(e => { const r = e.getBoundingClientRect(); return r.y + r.height / 2 })",
    )
    axis = page.locator("#diagram-view svg path").first.bounding_box()
    return float(np.ptp(np.percentile(rows, [10, 90]))) / axis["height"]


def test_log_scale_spreads_the_beta50_diagram_over_the_plot(reference_page):
    """PINN β = 50 (losses 33 to 5.7e7): the log switch is on by default and spreads the
    diagram's points over most of its height; linear, they crowd into a corner."""
    page = reference_page
    name = "pinn_convection_beta50.0_seed0.vti"
    page.click(f"#landscape-table tr[data-name='{name}']")
    page.wait_for_function(f"document.querySelector('#selected').textContent.trim() === '{name}'")
    page.wait_for_function("window.trame.state.get('log_scale') === true")
    assert "6.2 here" in page.inner_text("#scale-info")
    assert _diagram_spread(page) > 0.5
    ticks = page.locator("#diagram-view text.tick").all_text_contents()
    assert {"10⁵", "10⁶", "10⁷"} <= set(ticks)
    page.click("#log-scale")
    page.wait_for_function("window.trame.state.get('log_scale') === false")
    page.wait_for_function("!document.querySelector('#diagram-view').textContent.includes('10⁶')")
    assert _diagram_spread(page) < 0.25
