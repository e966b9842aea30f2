"""docker/replay_dockerfile.py's build stages (FROM ... AS, COPY --from), as the image's TTK
variant uses them; only instructions that need no chroot, on plain folders."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPLAY = Path(__file__).resolve().parents[2] / "docker" / "replay_dockerfile.py"


def _build(tmp: Path, dockerfile: str, *extra: str) -> subprocess.CompletedProcess:
    (tmp / "context").mkdir(exist_ok=True)
    (tmp / "Dockerfile").write_text(dockerfile)
    cmd = [sys.executable, str(REPLAY), "build", "--rootfs", str(tmp / "image")]
    cmd += ["--context", str(tmp / "context"), "--file", str(tmp / "Dockerfile"), *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def test_copy_from_a_build_stage(tmp_path):
    stage = tmp_path / "stage"
    (stage / "opt/ttk/lib").mkdir(parents=True)  # what the stage's RUN would have made
    (stage / "opt/ttk/lib/libttk.so.1").write_text("x")
    (stage / "opt/ttk/lib/libttk.so").symlink_to("libttk.so.1")
    (tmp_path / "image").mkdir()
    proc = _build(
        tmp_path,
        "FROM debian:bookworm-slim AS ttk\nENV IN_STAGE=1\n"
        "FROM debian:bookworm-slim\nCOPY --from=ttk /opt/ttk /usr/local/share/ttk\n"
        'ENTRYPOINT ["lltk"]\n',
        "--stage-root",
        f"ttk={stage}",
    )
    assert proc.returncode == 0, proc.stderr
    lib = tmp_path / "image/usr/local/share/ttk/lib"
    assert (lib / "libttk.so.1").read_text() == "x"
    assert (lib / "libttk.so").readlink() == Path("libttk.so.1")  # links stay links
    config = json.loads((tmp_path / "image/.lltk-image-config.json").read_text())
    assert config["env"] == {} and config["entrypoint"] == ["lltk"]  # the stage's ENV stays there


def test_stage_without_root_and_unknown_stage_are_errors(tmp_path):
    (tmp_path / "image").mkdir()
    proc = _build(tmp_path, "FROM debian:bookworm-slim AS ttk\nFROM debian:bookworm-slim\n")
    assert proc.returncode == 1
    assert "build stage 'ttk' needs --stage-root NAME=DIR" in proc.stderr
    proc = _build(tmp_path, "FROM debian:bookworm-slim\nCOPY --from=nope /a /b\n")
    assert proc.returncode == 1 and "no build stage 'nope' before it" in proc.stderr
