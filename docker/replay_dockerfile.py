"""Replay a Dockerfile in a chroot: the Docker build and ``docker run``, without Docker.

docker/verify-rootfs.sh uses it to prove docker/Dockerfile on a debootstrapped Debian root.
``build`` runs the instructions in order (RUN through the Dockerfile's SHELL inside the
chroot, as its USER, with its ENV, ARGs and WORKDIR; COPY from the build context honouring
.dockerignore) and stores the image's config in the root; ``run`` then starts the
ENTRYPOINT as ``docker run IMAGE ARGS...`` would. It knows FROM [AS name], ARG, ENV, LABEL,
WORKDIR, COPY [--chown] [--from=stage], USER, RUN (shell form), SHELL, ENTRYPOINT and CMD
(exec form); anything else is an error, so the Dockerfile cannot drift away from what the
verification proves. A named build stage runs in its own fresh root (``--stage-root
NAME=DIR``, prepared by the caller); the last stage is the image.
Standard library only: it runs on the host's python3.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

CONFIG = ".lltk-image-config.json"
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_VAR = re.compile(r"\$(?:\{(\w+)(?::-([^}]*))?\}|(\w+))")


class ReplayError(Exception):
    """An instruction this replayer does not support, or one that failed."""


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) per instruction: continuations joined, comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in dockerfile.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        text = (pending + raw).strip()
        pending = ""
        keyword, _, args = text.partition(" ")
        out.append((keyword.upper(), args.strip()))
    if pending:
        raise ReplayError("the Dockerfile ends inside a continued line")
    return out


def expand(text: str, env: dict[str, str]) -> str:
    """Docker's variable substitution: $VAR, ${VAR} and ${VAR:-default}."""

    def sub(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(3)
        value = env.get(name, "")
        return value if value or m.group(2) is None else m.group(2)

    return _VAR.sub(sub, text)


def _exec_form(keyword: str, args: str) -> list[str]:
    try:
        value = json.loads(args)
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ReplayError(f"{keyword} must use the exec (JSON list) form: {args}")
    return value


def _passwd(root: Path, user: str) -> tuple[int, int, str]:
    """uid, gid and home of ``user`` (a name or uid[:gid]) in the root's /etc/passwd."""
    name, _, group = user.partition(":")
    for line in (root / "etc/passwd").read_text().splitlines():
        fields = line.split(":")
        if name in (fields[0], fields[2]):
            gid = int(group) if group.isdigit() else int(fields[3])
            return int(fields[2]), gid, fields[5]
    if name.isdigit():
        return int(name), int(group or name), "/"
    raise ReplayError(f"user {user!r} is not in {root}/etc/passwd")


def chroot_command(root: Path, user: str, workdir: str, env: dict[str, str]) -> list[str]:
    """The prefix that runs a command in ``root`` as ``user`` in ``workdir`` with ``env``."""
    uid, gid, home = _passwd(root, user)
    full = {"PATH": DEFAULT_PATH, "HOSTNAME": "lltk-verify", "HOME": home, **env}
    return [
        "chroot",
        f"--userspec={uid}:{gid}",
        f"--groups={gid}",
        str(root),
        "/usr/bin/env",
        "-i",
        f"--chdir={workdir}",
        *(f"{k}={v}" for k, v in full.items()),
    ]


def _ignored(context: Path) -> list[str]:
    path = context / ".dockerignore"
    if not path.is_file():
        return []
    patterns = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("!"):
            raise ReplayError(".dockerignore exceptions (!pattern) are not supported")
        patterns.append(line.strip("/"))
    return patterns


def _is_ignored(rel: str, patterns: list[str]) -> bool:
    parts = rel.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        for prefix in prefixes:
            if fnmatch.fnmatchcase(prefix, pattern):
                return True
            name = prefix.rsplit("/", 1)[-1]
            if pattern.startswith("**/") and fnmatch.fnmatchcase(name, pattern[3:]):
                return True
    return False


def _copy(
    context: Path, root: Path, args: str, env: dict[str, str], stages: dict[str, Path]
) -> None:
    words = shlex.split(args)
    chown = None
    stage = None
    while words and words[0].startswith("--"):
        flag = words.pop(0)
        if flag.startswith("--from="):
            stage = flag.split("=", 1)[1]
            if stage not in stages:
                raise ReplayError(f"COPY {flag}: no build stage {stage!r} before it")
        elif flag.startswith("--chown="):
            chown = expand(flag.split("=", 1)[1], env)
        else:
            raise ReplayError(f"COPY {flag} is not supported")
    if len(words) < 2:
        raise ReplayError(f"COPY needs a source and a destination: {args}")
    *sources, dest = (expand(w, env) for w in words)
    if stage is None:
        patterns = _ignored(context)
    else:  # a stage's files by their absolute paths there; no .dockerignore
        context, patterns = stages[stage], []
        sources = [src.lstrip("/") for src in sources]
    into_dir = dest.endswith("/") or len(sources) > 1
    target = root / dest.lstrip("/")
    copied: list[Path] = []
    for source in sources:
        src = (context / source).resolve()
        if context.resolve() not in (src, *src.parents) or not src.exists():
            raise ReplayError(f"COPY source {source!r} is not in the build context")
        if src.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            for entry in sorted(src.rglob("*")):
                rel = entry.relative_to(context.resolve()).as_posix()
                if _is_ignored(rel, patterns):
                    continue
                out = target / entry.relative_to(src)
                if entry.is_dir() and not entry.is_symlink():
                    out.mkdir(parents=True, exist_ok=True)
                else:
                    out.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(entry, out, follow_symlinks=False)
                copied.append(out)
        else:
            out = target / src.name if into_dir or target.is_dir() else target
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, out)
            copied.append(out)
    if chown:
        uid, gid, _ = _passwd(root, chown)
        for path in copied:
            os.lchown(path, uid, gid)


def build(args: argparse.Namespace) -> None:
    """Run the Dockerfile's instructions in the root; store the image config there."""
    image, context = Path(args.rootfs), Path(args.context)
    stage_roots = {k: Path(v) for k, v in (kv.split("=", 1) for kv in args.stage_root)}
    stages: dict[str, Path] = {}
    build_args = dict(kv.split("=", 1) for kv in args.build_arg)
    build_env = dict(kv.split("=", 1) for kv in args.build_env)
    root = image
    env: dict[str, str] = {}
    arg_env: dict[str, str] = {}
    shell = ["/bin/sh", "-c"]
    user, workdir = "root", "/"
    entrypoint: list[str] = []
    cmd: list[str] = []
    steps = instructions(Path(args.dockerfile))
    last_from = max((i for i, (k, _) in enumerate(steps, 1) if k == "FROM"), default=0)
    for i, (keyword, rest) in enumerate(steps, 1):
        print(f"--- step {i}/{len(steps)}: {keyword} {rest[:150]}", flush=True)
        scope = {**arg_env, **env}
        if keyword == "FROM":
            words = rest.split()
            if words[0] != "debian:bookworm-slim":
                raise ReplayError(f"the root is Debian bookworm, not {rest}")
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            if len(words) not in (1, 3) or (len(words) == 3 and name is None):
                raise ReplayError(f"FROM takes an image and optionally AS name: {rest}")
            if i == last_from:
                root = image
            elif name in stage_roots:
                root = stage_roots[name]
            else:
                raise ReplayError(f"build stage {name or rest!r} needs --stage-root NAME=DIR")
            if name:
                stages[name] = root
            env, arg_env, shell, user, workdir = {}, {}, ["/bin/sh", "-c"], "root", "/"
        elif keyword == "ARG":
            name, _, default = rest.partition("=")
            value = build_args.get(name, expand(default, scope) if default else None)
            if value is not None:
                arg_env[name] = value
        elif keyword == "ENV":
            words = shlex.split(rest)
            if "=" not in words[0]:
                words = [f"{words[0]}={' '.join(words[1:])}"]
            for word in words:
                name, _, value = word.partition("=")
                env[name] = expand(value, {"PATH": DEFAULT_PATH, **scope})
                scope[name] = env[name]
        elif keyword == "LABEL":
            pass
        elif keyword == "SHELL":
            shell = _exec_form(keyword, rest)
        elif keyword == "USER":
            user = expand(rest, scope)
        elif keyword == "WORKDIR":
            workdir = os.path.join(workdir, expand(rest, scope))
            (root / workdir.lstrip("/")).mkdir(parents=True, exist_ok=True)
        elif keyword == "COPY":
            _copy(context, root, rest, scope, stages)
        elif keyword == "RUN":
            if rest.startswith("["):
                raise ReplayError("RUN must use the shell form")
            if rest.startswith("--"):
                raise ReplayError(f"RUN flags are not supported: {rest.split()[0]}")
            run_env = {**build_env, **arg_env, **env}
            command = [*chroot_command(root, user, workdir, run_env), *shell, rest]
            if subprocess.run(command).returncode:
                raise ReplayError(f"step {i} failed: RUN {rest}")
        elif keyword == "ENTRYPOINT":
            entrypoint, cmd = _exec_form(keyword, rest), []
        elif keyword == "CMD":
            cmd = _exec_form(keyword, rest)
        else:
            raise ReplayError(f"{keyword} is not supported by the replay")
    config = {"env": env, "user": user, "workdir": workdir, "entrypoint": entrypoint, "cmd": cmd}
    (image / CONFIG).write_text(json.dumps(config, indent=1))
    print(f"--- built: {json.dumps(config)}", flush=True)


def run(args: argparse.Namespace) -> int:
    """``docker run IMAGE ARGS...`` in the root: the ENTRYPOINT with ARGS (or CMD)."""
    root = Path(args.rootfs)
    config = json.loads((root / CONFIG).read_text())
    extra = dict(kv.split("=", 1) for kv in args.env)
    words = args.args[1:] if args.args[:1] == ["--"] else args.args
    if args.entrypoint is not None:
        argv = [args.entrypoint, *words]
    else:
        argv = config["entrypoint"] + (words or config["cmd"])
    command = chroot_command(root, config["user"], config["workdir"], {**config["env"], **extra})
    print(f"--- docker run IMAGE: {shlex.join(argv)}", file=sys.stderr, flush=True)
    return subprocess.run(command + argv).returncode


def main() -> int:
    """Command line: ``build`` or ``run``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    b = sub.add_parser("build", help="run the Dockerfile's instructions in ROOTFS")
    b.add_argument("--rootfs", required=True)
    b.add_argument("--context", required=True, help="the build context (docker build's PATH)")
    b.add_argument("--file", dest="dockerfile", required=True)
    b.add_argument("--build-arg", action="append", default=[], metavar="NAME=VALUE")
    b.add_argument(
        "--build-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="environment of every RUN that is not part of the image (e.g. PIP_FIND_LINKS)",
    )
    b.add_argument(
        "--stage-root",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="a fresh root (a copy of ROOTFS before the build) for the build stage NAME",
    )
    b.set_defaults(func=build)
    r = sub.add_parser("run", help="start the built image's ENTRYPOINT in ROOTFS")
    r.add_argument("--rootfs", required=True)
    r.add_argument("--env", "-e", action="append", default=[], metavar="NAME=VALUE")
    r.add_argument("--entrypoint", help="run this instead of the ENTRYPOINT (and CMD)")
    r.add_argument("args", nargs=argparse.REMAINDER)
    r.set_defaults(func=run)
    args = parser.parse_args()
    try:
        return int(args.func(args) or 0)
    except ReplayError as exc:
        print(f"replay_dockerfile: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
