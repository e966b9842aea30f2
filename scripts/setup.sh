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
  python3-pynndescent python3-tqdm python3-pytest
)
VENV=${LLTK_VENV:-.venv}
TORCH_SPEC=${LLTK_TORCH_SPEC:-torch==2.13.0}

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "lltk setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "lltk setup: creating $VENV from Debian's python3"
  /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi
PIP=("$VENV/bin/python" -m pip install -q --disable-pip-version-check)
"$VENV/bin/python" -c "import torch" 2>/dev/null || { echo "lltk setup: installing $TORCH_SPEC"; "${PIP[@]}" "$TORCH_SPEC"; }
# pyhessian and ruff bring no compiled numpy code: --no-deps keeps Debian's numpy 1.24.
"${PIP[@]}" --no-deps pyhessian==0.1 ruff
"${PIP[@]}" --no-deps --no-build-isolation -e .
echo "lltk setup: ready ($VENV/bin/lltk)"
