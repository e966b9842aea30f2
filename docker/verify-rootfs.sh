#!/usr/bin/env bash
# Prove docker/Dockerfile without a Docker engine: debootstrap a fresh Debian bookworm root
# (what debian:bookworm-slim is), replay the Dockerfile's instructions in it through chroot
# (docker/replay_dockerfile.py), then run the image's entrypoint there as its non-root user:
# every subcommand's --help, pvpython with the plugins, `lltk topology`, `lltk render` and
# `lltk serve` on a landscape in /data, `lltk demo`. Exit status 0 only if all passed.
#
#   sudo docker/verify-rootfs.sh [--rootfs DIR] [--data DIR] [--worktree] [--keep]
#                                [--skip-demo] [--checks-only] [--with-ttk]
#
#   --rootfs DIR  where the root goes (default /tmp/lltk-rootfs; replaced if it exists and
#                 was made by this script)
#   --worktree    build from the working tree (as `docker build .` would, minus what
#                 .dockerignore drops); default: the committed HEAD (git archive)
#   --keep        keep the root afterwards (to look around: sudo chroot DIR)
#   --skip-demo   stop after the cheap checks (no `lltk demo`)
#   --checks-only rerun only the checks (step 5) on a root kept by an earlier --keep run
#   --data DIR    the host folder mounted at the image's /data, as `docker run -v DIR:/data`
#                 (default /tmp/lltk-verify-data; replaced if made by this script): the
#                 checks' outputs
#   --with-ttk    the TTK variant (--build-arg LLTK_WITH_TTK=1: TTK built from source in
#                 the build stage, from ../shared/vendor's archive where present, else
#                 LLTK_TTK_SOURCE or TTK's release archive; 15-35 more minutes), and check
#                 that TTK's filters load, lltk's plugins run it (lltkBackend = ttk) and
#                 lltk render uses it
#
# Needs root, network access to deb.debian.org and PyPI, ~4 GB of disk and 20-40 minutes
# (debootstrap ~1, Debian packages ~8, torch ~2, the demo's PINN training 4+ on 2 cores).
# Torch comes from a local wheel folder (LLTK_WHEELS, default /opt/wheels) when it holds a
# torch wheel, else from PyTorch's CPU index, so it never downloads a CUDA build.
# Run it when docker/Dockerfile, .dockerignore or scripts/setup.sh change, and before a
# release; it is not part of `make test` or CI (it downloads a whole Debian).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
ROOTFS=/tmp/lltk-rootfs
FROM=head
KEEP=0
DEMO=1
CHECKS_ONLY=0
WITH_TTK=0
DATA=/tmp/lltk-verify-data
while (($#)); do
  case "$1" in
    --rootfs) ROOTFS=$2; shift 2 ;;
    --worktree) FROM=worktree; shift ;;
    --keep) KEEP=1; shift ;;
    --skip-demo) DEMO=0; shift ;;
    --checks-only) CHECKS_ONLY=1; KEEP=1; shift ;;
    --data) DATA=$2; shift 2 ;;
    --with-ttk) WITH_TTK=1; shift ;;
    -h | --help) sed -n '2,32p' "$0"; exit 0 ;;
    *) echo "verify-rootfs: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
ROOTFS=$(realpath -m "$ROOTFS") # absolute: the mount checks below compare paths
STAGE=$ROOTFS.stage-ttk         # the Dockerfile's build stage `ttk`: a fresh root of its own
WHEELS=${LLTK_WHEELS:-/opt/wheels}
MIRROR=${LLTK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
MARK=.lltk-verify-rootfs
say() { echo "verify-rootfs: $*"; }
die() { echo "verify-rootfs: error: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mount): sudo $0"
for tool in debootstrap chroot mount findmnt python3; do
  command -v "$tool" >/dev/null || die "$tool not found (apt-get install debootstrap util-linux python3)"
done

mounted_under() { findmnt -rn -o TARGET | awk -v r="$1" 'index($0, r "/") == 1'; }
unmount_all() {
  local m
  # deepest first
  for m in $(mounted_under "$ROOTFS" | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m"
  done
}
cleanup() {
  local rc=$?
  unmount_all
  for m in $(mounted_under "$STAGE" | sort -r); do umount "$m" 2>/dev/null || umount -l "$m"; done
  if [ -n "$(mounted_under "$ROOTFS")$(mounted_under "$STAGE")" ]; then
    echo "verify-rootfs: mounts remain under $ROOTFS or $STAGE; not removing them" >&2
  else
    [ ! -e "$STAGE/$MARK" ] || rm -rf --one-file-system "$STAGE"
    if [ "$KEEP" = 0 ] && [ -e "$ROOTFS/$MARK" ]; then
      rm -rf --one-file-system "$ROOTFS"
    fi
  fi
  [ -z "${CONTEXT:-}" ] || rm -rf "$CONTEXT"
  ((rc == 0)) && say "PASSED" || echo "verify-rootfs: FAILED (exit $rc)" >&2
}

if [ -e "$ROOTFS" ]; then
  [ -e "$ROOTFS/$MARK" ] || die "$ROOTFS exists and was not made by this script; pick another --rootfs"
  [ -z "$(mounted_under "$ROOTFS")" ] || die "something is mounted under $ROOTFS; unmount it first"
  [ "$CHECKS_ONLY" = 1 ] || rm -rf --one-file-system "$ROOTFS"
fi
trap cleanup EXIT

build_image() {
# 1. A fresh Debian bookworm, configured as the debian:bookworm-slim image is.
say "debootstrap bookworm into $ROOTFS (log: $ROOTFS.debootstrap.log)"
mkdir -p "$ROOTFS"
touch "$ROOTFS/$MARK"
debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >"$ROOTFS.debootstrap.log" 2>&1 \
  || die "debootstrap failed; see $ROOTFS.debootstrap.log"
rm -f "$ROOTFS/etc/apt/sources.list"
cat >"$ROOTFS/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${MIRROR%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
printf '#!/bin/sh\nexit 101\n' >"$ROOTFS/usr/sbin/policy-rc.d" # no daemons start, as in Docker
chmod 755 "$ROOTFS/usr/sbin/policy-rc.d"
cat >"$ROOTFS/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
# The build stage starts from the same fresh root.
[ ! -e "$STAGE" ] || [ -e "$STAGE/$MARK" ] || die "$STAGE exists and was not made by this script"
rm -rf --one-file-system "$STAGE"
cp -a "$ROOTFS" "$STAGE"

# 2. What a Docker build provides: /proc, /sys, /dev, the network; plus this machine's
#    torch wheels (read-only) and CA bundle (for an intercepting proxy).
for root in "$ROOTFS" "$STAGE"; do
  mount -t proc proc "$root/proc"
  mount -t sysfs sysfs "$root/sys"
  mount --bind /dev "$root/dev"
  mount --bind /dev/pts "$root/dev/pts"
done
BUILD_ARGS=(--stage-root "ttk=$STAGE")
if [ "$WITH_TTK" = 1 ]; then
  BUILD_ARGS+=(--build-arg LLTK_WITH_TTK=1)
  ttk_source=${LLTK_TTK_SOURCE:-$REPO/../shared/vendor/ttk-1.2.0-src.tar.gz}
  if [ -f "$ttk_source" ]; then # no GitHub here: the build stage reads a copy
    mkdir -p "$STAGE/mnt/lltk-host"
    cp "$ttk_source" "$STAGE/mnt/lltk-host/ttk-source.tar.gz"
    BUILD_ARGS+=(--build-arg LLTK_TTK_SOURCE=/mnt/lltk-host/ttk-source.tar.gz)
    say "TTK's source from $ttk_source"
  fi
fi
BUILD_ENV=(--build-env "PIP_CERT=/mnt/lltk-host/ca.crt" --build-env "PIP_DEFAULT_TIMEOUT=180")
mkdir -p "$ROOTFS/mnt/lltk-host/wheels"
cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/mnt/lltk-host/ca.crt"
local torch_wheel version
torch_wheel=$(find "$WHEELS" -maxdepth 1 -name 'torch-*.whl' 2>/dev/null | sort | tail -n 1)
if [ -n "$torch_wheel" ]; then
  mount --bind "$WHEELS" "$ROOTFS/mnt/lltk-host/wheels"
  mount -o remount,bind,ro "$ROOTFS/mnt/lltk-host/wheels"
  version=$(basename "$torch_wheel" | cut -d- -f2)
  say "torch from $torch_wheel"
  BUILD_ARGS+=(--build-arg "LLTK_TORCH_SPEC=torch==$version" --build-arg "LLTK_TORCH_INDEX_URL=")
  BUILD_ENV+=(--build-env "PIP_FIND_LINKS=/mnt/lltk-host/wheels")
fi

# 3. The build context.
CONTEXT=$(mktemp -d /tmp/lltk-context.XXXXXX)
if [ "$FROM" = head ]; then
  git -C "$REPO" archive HEAD | tar -x -C "$CONTEXT"
  say "context: git HEAD $(git -C "$REPO" rev-parse --short HEAD)"
else # the files git tracks or would track: no .venv, caches or outputs
  git -C "$REPO" ls-files -z --cached --others --exclude-standard \
    | tar -C "$REPO" --null -T - --ignore-failed-read -c | tar -x -C "$CONTEXT"
  say "context: working tree $REPO"
fi

# 4. docker build -f docker/Dockerfile .
say "replaying docker/Dockerfile"
python3 "$REPO/docker/replay_dockerfile.py" build --rootfs "$ROOTFS" --context "$CONTEXT" \
  --file "$CONTEXT/docker/Dockerfile" "${BUILD_ARGS[@]}" "${BUILD_ENV[@]}"
unmount_all # nothing of the build machine is left in the image at run time ...
for m in $(mounted_under "$STAGE" | sort -r); do umount "$m"; done
rm -rf --one-file-system "$ROOTFS/mnt/lltk-host" "$STAGE" # ... nor of the build stage
}

if [ "$CHECKS_ONLY" = 1 ]; then
  [ -e "$ROOTFS/.lltk-image-config.json" ] || die "no image built in $ROOTFS (run once with --keep)"
else
  build_image
fi
# What `docker run` provides.
mount -t proc proc "$ROOTFS/proc"
mount -t sysfs -o ro sysfs "$ROOTFS/sys"
mount --bind /dev "$ROOTFS/dev"
mount -t tmpfs -o size=2g tmpfs "$ROOTFS/dev/shm"
if [ -e "$DATA" ]; then
  [ -e "$DATA/.lltk-verify-data" ] || die "$DATA exists and was not made by this script; pick another --data"
  rm -rf --one-file-system "$DATA"
fi
install -d -o "$(stat -c %u "$ROOTFS/data")" -g "$(stat -c %g "$ROOTFS/data")" "$DATA"
touch "$DATA/.lltk-verify-data"
mount --bind "$DATA" "$ROOTFS/data"

# 5. docker run IMAGE ...
replay_run() { python3 "$REPO/docker/replay_dockerfile.py" run --rootfs "$ROOTFS" "$@"; }
image() { replay_run -- "$@"; }                                  # docker run IMAGE ARGS
image_as() { replay_run --entrypoint "$1" -- "${@:2}"; }         # docker run --entrypoint
check() {
  local name=$1
  shift
  say "check: $name"
  "$@" || die "check failed: $name"
}
uid=$(image_as id -u)
check "runs as a non-root user (uid $uid)" test "$uid" != 0
check "lltk --help" image --help
commands=$(image --help | sed -n 's/^    \([a-z][a-z_-]*\)\( .*\)\{0,1\}$/\1/p' | tr '\n' ' ')
for cmd in $commands; do
  check "lltk $cmd --help" image "$cmd" --help
done
check "pvpython under Xvfb loads ParaView, lltk.paraview_compat and plugins/*.py" \
  image_as xvfb-run -a pvpython /opt/lltk/docker/check_pvpython.py /opt/lltk
check "a landscape in /data" image_as python /opt/lltk/docker/make_landscape.py /data/landscape.vti
if [[ " $commands " == *" topology "* ]]; then
  check "lltk topology /data/landscape.vti --out /data/topology" \
    image topology /data/landscape.vti --out /data/topology
fi
if [[ " $commands " == *" render "* ]]; then
  check "lltk render /data/landscape.vti --out /data/png" \
    image render /data/landscape.vti --out /data/png
  check "render wrote PNGs" test -n "$(find "$DATA/png" -name '*.png' -size +1k)"
fi
if [[ " $commands " == *" serve "* ]]; then
  check "lltk serve /data --host 0.0.0.0 answers, serves /data's landscape, refuses .., writes nothing" \
    image_as python /opt/lltk/docker/check_serve.py /data
fi
if [ "$WITH_TTK" = 1 ]; then
  check "TTK's filters load and lltk's four TTK filters run TTK (lltkBackend = ttk)" \
    image_as xvfb-run -a lltk pvpython /opt/lltk/docker/check_pvpython.py /opt/lltk --ttk
  check "lltk render ran its filters with TTK" python3 -c '
import json, pathlib, sys
used = [v for p in pathlib.Path(sys.argv[1]).rglob("render.json")
        for v in json.loads(p.read_text()).get("backends", {}).values()]
print("render backends:", used)
sys.exit(0 if used and set(used) == {"ttk"} else 1)' "$DATA/png"
fi
if [ "$DEMO" = 1 ]; then
  check "lltk demo (in /data)" image demo
fi
say "outputs (the image's /data) in $DATA:"
find "$DATA" -type f | sort
