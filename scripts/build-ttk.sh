#!/usr/bin/env bash
# Build TTK 1.2.0 (the study's version) from source against Debian's own ParaView 5.11,
# with only the filters lltk drives, into a prefix. Used by `make ttk` and docker/Dockerfile.
#
#   LLTK_TTK_SOURCE  a local .tar.gz or a URL of TTK's source (default: ../shared/vendor's
#                    copy where it exists, else TTK's 1.2.0 release archive)
#   LLTK_TTK_PREFIX  where TTK is installed (default: ~/.local/share/lltk/ttk-1.2.0;
#                    lltk looks there, or wherever LLTK_TTK_PREFIX points)
#   LLTK_TTK_BUILD   the build folder, kept so a failed or interrupted build resumes
#                    (default: ~/.cache/lltk/ttk-build)
#   LLTK_TTK_JOBS    parallel compile jobs (default: the number of cores)
#   LLTK_SETUP_STEPS "apt build" (default) or one of them; apt needs root or sudo
#
# Idempotent: a prefix that holds a complete install of the same source is left as is.
# Nothing half-installed: TTK is installed into a staging root and moved into place whole.
set -euo pipefail
cd "$(dirname "$0")/.."

TTK_URL=https://github.com/topology-tool-kit/ttk/archive/refs/tags/1.2.0.tar.gz
VENDORED=../shared/vendor/ttk-1.2.0-src.tar.gz
DEFAULT_SOURCE=$TTK_URL
[ -f "$VENDORED" ] && DEFAULT_SOURCE=$(cd "$(dirname "$VENDORED")" && pwd)/$(basename "$VENDORED")
SOURCE=${LLTK_TTK_SOURCE:-$DEFAULT_SOURCE}
PREFIX=${LLTK_TTK_PREFIX:-${XDG_DATA_HOME:-$HOME/.local/share}/lltk/ttk-1.2.0}
BUILD=${LLTK_TTK_BUILD:-${XDG_CACHE_HOME:-$HOME/.cache}/lltk/ttk-build}
JOBS=${LLTK_TTK_JOBS:-$(nproc)}
STEPS=" ${LLTK_SETUP_STEPS:-apt build} "
STAMP=$PREFIX/.lltk-ttk

# The filters lltk drives (TTK's module names in 1.2.0).
MODULES=(ttkAlgorithm ttkFTMTree ttkPersistenceDiagram ttkScalarFieldCriticalPoints
         ttkTopologicalSimplificationByPersistence ttkBottleneckDistance)
# python3-paraview: ParaView's CMake package names its Python modules (vtkmodules/*.so),
# which paraview-dev does not pull in (found building in a fresh debian:bookworm-slim).
APT_PACKAGES=(
  paraview-dev python3-paraview cmake g++ ninja-build curl ca-certificates libboost-dev qtbase5-dev
  qttools5-dev libqt5svg5-dev libqt5x11extras5-dev libqt5opengl5-dev libqt5xmlpatterns5-dev
  qtxmlpatterns5-dev-tools qtmultimedia5-dev libhdf5-dev libnetcdf-dev
  libnetcdf-cxx-legacy-dev libxml2-dev libexpat1-dev libjsoncpp-dev zlib1g-dev liblz4-dev
  liblzma-dev libpng-dev libjpeg-dev libtiff-dev libfreetype-dev libglew-dev libeigen3-dev
  libpugixml-dev libdouble-conversion-dev libgl2ps-dev libproj-dev libsqlite3-dev
  libprotobuf-dev protobuf-compiler libcgns-dev libexodusii-dev libogg-dev libtheora-dev
  libutfcpp-dev libfmt-dev python3-dev libtbb-dev libavformat-dev libavcodec-dev
  libavutil-dev libswscale-dev libxt-dev libgdal-dev libopenmpi-dev python3-mpi4py
  libgl-dev libx11-dev
)

die() { echo "lltk ttk: $*" >&2; exit 1; }

if [[ $STEPS == *" apt "* ]]; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    [ -z "$SUDO" ] || command -v sudo >/dev/null \
      || die "missing Debian build packages (${missing[*]}); as root run: LLTK_SETUP_STEPS=apt bash $0"
    echo "lltk ttk: installing ${#missing[@]} Debian build packages"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null || die "could not install the Debian build packages: ${missing[*]}"
  fi
fi
[[ $STEPS == *" build "* ]] || exit 0

# The source: a local archive, or a URL downloaded once into the build folder.
mkdir -p "$BUILD" 2>/dev/null || die "cannot create the build folder $BUILD (set LLTK_TTK_BUILD)"
DOWNLOADED=""
case $SOURCE in
  http://* | https://*)
    ARCHIVE=$BUILD/ttk-source.tar.gz
    if [ ! -s "$ARCHIVE" ]; then
      echo "lltk ttk: downloading $SOURCE"
      command -v curl >/dev/null || die "curl is needed to download $SOURCE"
      curl -fsSL --connect-timeout 20 "$SOURCE" -o "$ARCHIVE.part" \
        || { rm -f "$ARCHIVE.part"; die "cannot download TTK's source from $SOURCE (no network? set LLTK_TTK_SOURCE to a local copy of ttk-1.2.0's source archive)"; }
      mv "$ARCHIVE.part" "$ARCHIVE"
    fi
    DOWNLOADED=1 ;;
  *)
    ARCHIVE=$SOURCE
    [ -f "$ARCHIVE" ] || die "TTK's source archive $ARCHIVE does not exist (set LLTK_TTK_SOURCE to a .tar.gz or a URL)" ;;
esac
SHA=$(sha256sum "$ARCHIVE" | cut -d' ' -f1)

# The stamp holds the archive's sha256 (and the source it came from).
if [ -f "$STAMP" ] && [ "$(cut -d' ' -f1 "$STAMP")" = "$SHA" ]; then
  echo "lltk ttk: TTK already installed in $PREFIX"
  exit 0
fi
# Cheap checks before a long build: a TTK 1.2.0 source archive, a writable prefix, the tools.
not_ttk() {
  [ -z "$DOWNLOADED" ] || rm -f "$ARCHIVE" # a bad download is fetched again next time
  die "$*"
}
LISTING=$(tar -tzf "$ARCHIVE" 2>/dev/null) \
  || not_ttk "$ARCHIVE is not a readable .tar.gz (LLTK_TTK_SOURCE must be TTK's source archive)"
grep -q '^[^/]*/core/vtk/ttkFTMTree/' <<<"$LISTING" \
  || not_ttk "$ARCHIVE does not hold TTK 1.2.0's source (no core/vtk/ttkFTMTree)"
PARENT=$(dirname "$PREFIX")
mkdir -p "$PARENT" 2>/dev/null && [ -w "$PARENT" ] \
  || die "cannot write $PARENT (where the prefix goes): set LLTK_TTK_PREFIX to a writable folder"
command -v cmake >/dev/null && command -v ninja >/dev/null \
  || die "cmake and ninja are missing: run this script with LLTK_SETUP_STEPS='apt build' as root"
[ -d /usr/lib/x86_64-linux-gnu/cmake/paraview-5.11 ] || [ -d /usr/lib/aarch64-linux-gnu/cmake/paraview-5.11 ] \
  || die "ParaView 5.11's CMake package is missing (Debian's paraview-dev)"
PV_DIR=$(ls -d /usr/lib/*-linux-gnu/cmake/paraview-5.11 | head -1)

# Unpack (again only when the archive changed).
SRC=$BUILD/src
if [ ! -f "$SRC/.sha256" ] || [ "$(cat "$SRC/.sha256")" != "$SHA" ]; then
  rm -rf "$SRC" "$BUILD/tree"
  mkdir -p "$SRC"
  tar -xzf "$ARCHIVE" -C "$SRC" --strip-components=1 || die "$ARCHIVE could not be unpacked into $SRC"
  echo "$SHA" > "$SRC/.sha256"
fi

ENABLE=()
for m in "${MODULES[@]}"; do ENABLE+=("-DVTK_MODULE_ENABLE_$m=YES"); done
echo "lltk ttk: configuring (log: $BUILD/tree/lltk-build.log)"
mkdir -p "$BUILD/tree"
LOG=$BUILD/tree/lltk-build.log
cmake -S "$SRC" -B "$BUILD/tree" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX="$PREFIX" -DParaView_DIR="$PV_DIR" \
  -DTTK_BUILD_PARAVIEW_PLUGINS=ON -DTTK_BUILD_STANDALONE_APPS=OFF \
  -DTTK_ENABLE_KAMIKAZE=ON -DTTK_WHITELIST_MODE=ON "${ENABLE[@]}" > "$LOG" 2>&1 \
  || die "cmake failed configuring TTK; the end of $LOG: $(tail -n 5 "$LOG" | tr '\n' ' ')"
echo "lltk ttk: building with $JOBS jobs (about 15 minutes on 2 idle cores)"
ninja -C "$BUILD/tree" -j "$JOBS" >> "$LOG" 2>&1 \
  || die "TTK's build failed; the end of $LOG: $(tail -n 5 "$LOG" | tr '\n' ' ')"
# Installed into a staging root (DESTDIR) and moved into place whole at the end.
STAGE=$BUILD/stage
rm -rf "$STAGE"
DESTDIR=$STAGE ninja -C "$BUILD/tree" install >> "$LOG" 2>&1 \
  || { rm -rf "$STAGE"; die "installing TTK failed; see $LOG"; }
[ -f "$STAGE$PREFIX/bin/plugins/TopologyToolKit/TopologyToolKit.so" ] \
  || { rm -rf "$STAGE"; die "the build installed no ParaView plugin (TopologyToolKit.so)"; }
echo "$SHA $SOURCE" > "$STAGE$PREFIX/.lltk-ttk"
rm -rf "$PREFIX.old"
[ ! -e "$PREFIX" ] || mv "$PREFIX" "$PREFIX.old"
mv "$STAGE$PREFIX" "$PREFIX"
rm -rf "$PREFIX.old" "$STAGE"
echo "lltk ttk: TTK 1.2.0 installed in $PREFIX"
