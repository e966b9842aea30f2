"""Starting pvpython: its command line, its environment (lltk's plugins, TTK) and one run
of ``pvrender.py`` on a job file."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from lltk.resources import share_dir

PLUGINS_DIR = share_dir("plugins")
#: The GUI macros (``PV_MACRO_PATH``) that ``lltk paraview`` offers.
MACROS_DIR = PLUGINS_DIR / "macros"


class RenderError(RuntimeError):
    """pvpython failed; the message carries the end of its output."""


def pvpython_command() -> list[str]:
    """How to start pvpython here: under ``xvfb-run -a`` when ``$DISPLAY`` is unset."""
    exe = shutil.which("pvpython")
    if exe is None:
        raise FileNotFoundError("pvpython not found: install Debian's paraview (scripts/setup.sh)")
    if os.environ.get("DISPLAY"):
        return [exe]
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        raise FileNotFoundError("no $DISPLAY and no xvfb-run: install Debian's xvfb")
    return [xvfb, "-a", exe]


def pvpython_env() -> dict[str, str]:
    """The environment for pvpython: ``plugins/startup`` on ``PYTHONPATH`` so ParaView's
    loader can import lltk's Python plugins (it restores ``inspect.getargspec``), TTK's
    plugin, module and libraries where ``make ttk`` installed them (:mod:`lltk.ttk`), and
    unbuffered output, which pvpython otherwise loses when its stdout is a pipe."""
    from lltk import ttk

    env = dict(os.environ, PYTHONUNBUFFERED="1")
    ttk.add_to_env(env)
    paths = [str(PLUGINS_DIR / "startup"), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    return env


def run_pvrender(job_file: Path, timeout: float, attempts: int = 3) -> dict:
    """Run the renderer; retry, a few seconds later, when Xvfb gave it no GL window
    (``xvfb-run -a`` can race with another X server starting or stopping at that moment)."""
    cmd = [*pvpython_command(), str(Path(__file__).with_name("pvrender.py")), str(job_file)]
    for attempt in range(attempts):
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=timeout, env=pvpython_env()
            )
        except subprocess.TimeoutExpired as exc:
            raise RenderError(f"pvpython took longer than {timeout:g} s") from exc
        marker = [ln for ln in proc.stdout.splitlines() if ln.startswith("LLTK-RENDER ")]
        if proc.returncode == 0 and marker:
            return json.loads(marker[-1][len("LLTK-RENDER ") :])
        if "CreateAWindow" not in proc.stderr or attempt == attempts - 1:
            break
        time.sleep(3.0 * (attempt + 1))
    raise RenderError(failure_line(proc.returncode, proc.stdout + proc.stderr))


def failure_line(status: int, output: str) -> str:
    """One line for a failed pvpython: how it ended and its most telling line (the last
    one naming an error, else the last one), never a traceback or a C++ backtrace."""
    how = f"killed by signal {-status}" if status < 0 else f"exit status {status}"
    if status in (134, -6):
        how += ", an abort inside ParaView"
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    telling = [ln for ln in lines if re.search(r"error|exception|abort", ln, re.IGNORECASE)]
    last = (telling or lines or ["no output"])[-1]
    return f"pvpython failed ({how}): {last[:300]}"
