"""Drive ``lltk serve`` from Debian's Chromium (Playwright, no browser download): the
browser tests and ``benchmarks/serve_speed.py`` start the server and the browser here."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

#: Chromium's switches: headless, software rendering (WebGL through SwiftShader), and no
#: traffic of its own (no updates, sync or first-run pages).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium() -> str | None:
    """Debian's Chromium, if installed."""
    return shutil.which("chromium")


def launch(playwright, user_data_dir: Path, width: int = 1500, height: int = 1100):
    """A fresh headless Chromium context (its own profile in ``user_data_dir``)."""
    return playwright.chromium.launch_persistent_context(
        str(user_data_dir),
        executable_path=chromium(),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": width, "height": height},
    )


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    folder: Path, port: int, extra: tuple[str, ...] = (), timeout: float = 120.0
) -> tuple[subprocess.Popen, str]:
    """``lltk serve folder --port port`` in a child process, once its page answers;
    returns the process and the URL. Raises RuntimeError (with its output) if it exits."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "lltk", "serve", str(folder), "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"lltk serve exited with {proc.returncode}: {proc.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError(f"lltk serve did not answer at {url} within {timeout:.0f} s")


def stop_server(proc: subprocess.Popen) -> str:
    """Stop the child ``lltk serve`` (SIGTERM, then SIGKILL); returns what it printed."""
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out or ""
