#!/usr/bin/env bash
# Make Debian's ParaView 5.11 read raw-appended VTK XML files again on an up-to-date Debian 12.
#
# libexpat1 >= 2.5.0-1+deb12u2 defers reparsing (CVE-2023-52425 backport), which makes the
# VTK inside Debian's ParaView 5.11 fail on every raw-appended .vti/.vtu/.vtp ("not
# well-formed (invalid token)"; VTK issue 19258). Where the system's expat has
# XML_SetReparseDeferralEnabled, this builds scripts/expat-no-reparse-deferral.c into
# /usr/local/lib and puts wrappers for pvpython, pvbatch and paraview in /usr/local/bin
# (ahead of /usr/bin on PATH) that preload it; elsewhere it does nothing. Needs root;
# installs gcc only for the build and removes it again. Idempotent.
set -euo pipefail
SRC=$(cd "$(dirname "$0")" && pwd)/expat-no-reparse-deferral.c
LIB=/usr/local/lib/libexpat-no-reparse-deferral.so

libexpat=$(ldconfig -p | awk '/libexpat\.so\.1 / && !found {found = $NF} END {print found}')
if [ -z "$libexpat" ] || ! grep -q XML_SetReparseDeferralEnabled "$libexpat"; then
  exit 0  # an expat without reparse deferral: nothing to fix
fi
if [ -f "$LIB" ] && grep -qs "$LIB" /usr/local/bin/pvpython /usr/local/bin/pvbatch /usr/local/bin/paraview; then
  exit 0  # already installed
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "expat shim: needed (ParaView cannot read raw-appended VTK files with $libexpat); as root run: bash $0" >&2
  exit 1
fi
new=()
for p in gcc libc6-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || new+=("$p")
done
if ((${#new[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${new[@]}" >/dev/null
fi
cc -shared -fPIC -O2 -o "$LIB" "$SRC" -ldl
if ((${#new[@]})); then
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq --auto-remove "${new[@]}" >/dev/null
fi
for exe in pvpython pvbatch paraview; do
  printf '#!/bin/sh\n# %s\nLD_PRELOAD=%s${LD_PRELOAD:+:$LD_PRELOAD} exec /usr/bin/%s "$@"\n' \
    "Debian's $exe with expat's reparse deferral off (lltk scripts/install-expat-shim.sh)" \
    "$LIB" "$exe" >"/usr/local/bin/$exe"
  chmod 755 "/usr/local/bin/$exe"
done
echo "expat shim: $LIB preloaded by /usr/local/bin/{pvpython,pvbatch,paraview}"
