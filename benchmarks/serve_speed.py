"""How fast ``lltk serve`` draws a study in Chromium: request to a fully drawn page, and
the switch from one landscape to another.

    .venv/bin/python benchmarks/serve_speed.py [--folder DIR] [--runs 3] [--switches 10]

Without ``--folder`` it writes a 30-landscape PINN-like study (β = 1..10, seeds 0..2,
40 x 40 grids with the sampler's FieldData) into a temporary folder. "Fully drawn" is:
every table row, every MDS point and the selected landscape's diagram are in the DOM and
the 3-D view shows the surface (viridis' low end on screen; polled by screenshots, ~50 ms
each, which the time includes). A switch is a click on a table row until the page names
the new landscape, its diagram is drawn and two animation frames have passed (vtk.js
draws on the next frame).
The server's start (reading and measuring every landscape) is timed apart.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from lltk import vtkxml
from lltk.web.browser import free_port, launch, start_server, stop_server


def synthetic_study(folder: Path, n: int = 40) -> Path:
    """30 landscapes shaped like the PINN study's (rougher with β)."""
    out = folder / "landscapes"
    out.mkdir(parents=True)
    x, y = np.meshgrid(np.linspace(-1, 1, n), np.linspace(-1, 1, n))
    for beta in range(1, 11):
        for seed in range(3):
            rng = np.random.default_rng(100 * beta + seed)
            z = np.log1p(
                x**2
                + y**2
                + 0.04 * beta * np.sin(2.5 * beta * x + seed) * np.cos(1.5 * beta * y)
                + 0.01 * rng.random(x.shape)
                + 0.1
            )
            meta = {"Model": "pinn", "Beta": float(beta), "Seed": float(seed)}
            meta["Directions"] = "random"
            ds = vtkxml.image_data({"Loss": z.ravel()}, (n, n), (-1, -1), (2 / (n - 1),) * 2, meta)
            vtkxml.write(out / f"pinn_beta{beta}_seed{seed}_random.vti", ds)
    return folder


def blank(png: bytes) -> bool:
    """True until the surface is drawn: fewer than 200 pixels of viridis' low end (dark
    violet-blue, where every landscape has its minimum; the critical points' marks are
    blue, green, red and amber, not violet)."""
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), np.int16).reshape(-1, 3)
    violet = (rgb[:, 0] < 110) & (rgb[:, 1] < 110) & (rgb[:, 2] > 70) & (rgb[:, 2] > rgb[:, 0])
    return int(violet.sum()) < 200


def page_load(context, url: str, n: int) -> float:
    """Seconds from the request to the fully drawn page."""
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(
        f"document.querySelectorAll('#landscape-table tbody tr').length === {n} && "
        f"document.querySelectorAll('#mds circle[data-name]').length > 0 && "
        "document.querySelectorAll('#diagram-view circle[data-pair]').length > 0",
        timeout=60_000,
        polling=10,
    )
    while blank(page.locator("#surface canvas").first.screenshot()):
        pass
    elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def switches(context, url: str, count: int) -> list[float]:
    """Seconds per landscape switch (table clicks, each to another landscape)."""
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#diagram-view circle[data-pair]", timeout=60_000)
    names = page.eval_on_selector_all(
        "#landscape-table tbody tr", "rows => rows.map(r => r.dataset.name)"
    )
    times = []
    for k in range(count):
        name = names[(7 * k + 3) % len(names)]
        if name == page.inner_text("#selected").strip():
            name = names[(7 * k + 4) % len(names)]
        start = time.perf_counter()
        page.click(f"#landscape-table tr[data-name='{name}']")
        page.wait_for_function(
            f"document.querySelector('#selected').textContent.trim() === '{name}'",
            polling="raf",
        )
        page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        times.append(time.perf_counter() - start)
    page.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, default=None, help="study to serve")
    parser.add_argument("--runs", type=int, default=3, help="page loads (default 3)")
    parser.add_argument("--switches", type=int, default=10, help="switches (default 10)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or synthetic_study(Path(tmp) / "study")
        n = sum(1 for p in folder.rglob("*") if p.suffix in (".vti", ".vtu"))
        load_before = os.getloadavg()
        start = time.perf_counter()
        proc, url = start_server(folder, free_port())
        started = time.perf_counter() - start
        try:
            with sync_playwright() as p:
                context = launch(p, Path(tmp) / "profile")
                page_load(context, url, n)  # warm-up: the browser's first page
                loads = [page_load(context, url, n) for _ in range(args.runs)]
                switch = switches(context, url, args.switches)
                context.close()
        finally:
            stop_server(proc)
        load_after = os.getloadavg()
    print(f"folder: {args.folder or 'synthetic 30-landscape PINN study (40 x 40)'}, {n} files")
    print(
        f"cores: {os.cpu_count()}, load average (1 min) {load_before[0]:.1f} -> {load_after[0]:.1f}"
    )
    print("| measure | median (s) | min (s) | max (s) | target (s) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| server start (read and measure every landscape, MDS) | {started:.2f} | | | |")
    for label, values, target in (
        ("request to fully drawn page", loads, 2.0),
        ("switch landscape", switch, 0.3),
    ):
        print(
            f"| {label} | {statistics.median(values):.3f} | {min(values):.3f} | "
            f"{max(values):.3f} | {target} |"
        )


if __name__ == "__main__":
    main()
