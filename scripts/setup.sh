#!/usr/bin/env bash
# One set-up recipe for a Debian 12 machine, used by `make`, CI and docker/Dockerfile.
# System packages come from Debian (ParaView 5.11 and the scientific stack that also loads
# in pvpython); the virtual environment sees them and adds torch and the project.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  paraview python3-paraview xvfb xauth
  python3-venv python3-pip
  python3-numpy python3-scipy python3-numba python3-gudhi python3-sklearn
  python3-pynndescent python3-tqdm python3-pytest python3-matplotlib
  python3-hypothesis python3-lz4
  # the help pages behind the ? button: a documentation-only plugin, lltk.paraview.documentation
  paraview-dev qhelpgenerator-qt5 g++
  # scripts/gui-check.sh drives the GUI with xdotool, screenshots with xwd and ImageMagick
  xdotool x11-apps imagemagick
  # `lltk serve`'s browser tests drive Debian's Chromium with Playwright (no browser download)
  chromium
)
VENV=${LLTK_VENV:-.venv}
TORCH_SPEC=${LLTK_TORCH_SPEC:-torch==2.13.0}
# Optional: the index torch comes from, e.g. https://download.pytorch.org/whl/cpu or .../cu128.
TORCH_INDEX_URL=${LLTK_TORCH_INDEX_URL:-}
# Which steps run (docker/Dockerfile runs `apt` as root, then the others as its user).
STEPS=" ${LLTK_SETUP_STEPS:-apt venv project} "

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ $STEPS == *" apt "* ]] && ((${#missing[@]})); then
  echo "lltk setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  if [ -n "$SUDO" ] && ! command -v sudo >/dev/null; then
    echo "lltk setup: missing Debian packages (${missing[*]}); as root run: LLTK_SETUP_STEPS=apt bash $0" >&2
    exit 1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ $STEPS == *" apt "* ]]; then
  # Debian 12's expat from 2.5.0-1+deb12u2 on breaks ParaView 5.11's reading of raw-appended
  # VTK files (VTK issue 19258); the shim restores it (and does nothing on older expat).
  # As a user it exits 0 where nothing is to do; sudo only where the shim must be built.
  bash scripts/install-expat-shim.sh 2>/dev/null \
    || { command -v sudo >/dev/null && sudo bash scripts/install-expat-shim.sh; } \
    || echo "lltk setup: warning: no expat shim; ParaView can read lltk's own files but not raw-appended ones (as root: bash scripts/install-expat-shim.sh)" >&2
fi
[[ $STEPS == *" venv "* || $STEPS == *" project "* ]] || { echo "lltk setup: Debian packages ready"; exit 0; }
if [ ! -x "$VENV/bin/python" ]; then
  echo "lltk setup: creating $VENV from Debian's python3"
  /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi
PIP=("$VENV/bin/python" -m pip install -q --disable-pip-version-check)
TORCH_FROM=()
[ -z "$TORCH_INDEX_URL" ] || TORCH_FROM=(--index-url "$TORCH_INDEX_URL")
"$VENV/bin/python" -c "import torch" 2>/dev/null || { echo "lltk setup: installing $TORCH_SPEC"; "${PIP[@]}" "${TORCH_FROM[@]}" "$TORCH_SPEC"; }
# pyhessian and ruff bring no compiled numpy code: --no-deps keeps Debian's numpy 1.24.
"${PIP[@]}" --no-deps pyhessian==0.1 ruff
# `lltk serve` (trame) and its browser tests (Playwright); none of them pulls numpy
"${PIP[@]}" trame==4.0.0 trame-server==4.1.0 trame-client==4.1.4 trame-vtk==2.11.17 \
  trame-vuetify==3.3.0 wslink==2.6.0 playwright==1.65.2
[[ $STEPS == *" project "* ]] || exit 0
"${PIP[@]}" --no-deps --no-build-isolation -e .
"$VENV/bin/python" -m lltk.paraview.documentation
echo "lltk setup: ready ($VENV/bin/lltk)"
