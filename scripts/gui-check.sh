#!/usr/bin/env bash
# The ParaView GUI as a user meets it, driven under Xvfb with xdotool; screenshots with xwd
# and ImageMagick. A manual (CI-optional) check: it clicks at the places ParaView 5.11 puts
# its menus in a 1920x1080 window, so look at the pictures it writes.
#
#   scripts/gui-check.sh [LANDSCAPE.vti] [OUT_DIR]
#
# Without a landscape it uses a synthetic PINN one (with a Hessian density beside it).
# It starts `lltk paraview LANDSCAPE` with a throw-away settings folder (ParaView's
# defaults; LLTK_GUI_AUTOAPPLY=1 turns Auto Apply on), then: Filters > Loss Landscape
# (menu); Loss Critical Points and its ? (help page); Loss Merge Tree, Loss Persistence
# Diagram and Topological Landscape Profile on the landscape; the Loss Landscape Views macro.
# OUT_DIR (default /tmp/lltk-gui-check) gets one PNG per step.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=${2:-/tmp/lltk-gui-check}
LLTK=${LLTK:-$REPO/.venv/bin/lltk}
PY=${PY:-$REPO/.venv/bin/python}
WAIT=${LLTK_GUI_WAIT:-12}  # seconds for ParaView to apply a filter on a busy machine

for tool in Xvfb xdotool xwd convert paraview; do
    if ! command -v "$tool" >/dev/null; then
        echo "gui-check: $tool not found; apt-get install xvfb xdotool x11-apps imagemagick paraview" >&2
        exit 2
    fi
done
mkdir -p "$OUT"
LANDSCAPE=${1:-}
if [[ -z $LANDSCAPE ]]; then
    LANDSCAPE=$("$PY" -c "from pathlib import Path; from lltk.render.synthetic import \
write_landscape; print(write_landscape(Path('$OUT'), stem='pinn_example'))")
fi
[[ -f $LANDSCAPE ]] || { echo "gui-check: no landscape at $LANDSCAPE" >&2; exit 2; }

display=90
while [[ -e /tmp/.X11-unix/X$display || -e /tmp/.X$display-lock ]]; do display=$((display + 1)); done
export DISPLAY=:$display
settings=$(mktemp -d)
if [[ ${LLTK_GUI_AUTOAPPLY:-0} == 1 ]]; then  # a user who turned Auto Apply on
    mkdir -p "$settings/ParaView"
    echo '{"settings": {"GeneralSettings": {"AutoApply": 1}}}' \
        >"$settings/ParaView/ParaView-UserSettings.json"
fi
Xvfb "$DISPLAY" -screen 0 1920x1080x24 -nolisten tcp >"$OUT/xvfb.log" 2>&1 &
xvfb=$!
sleep 2
XDG_CONFIG_HOME=$settings "$LLTK" paraview "$LANDSCAPE" >"$OUT/paraview.log" 2>&1 &
paraview=$!
trap 'kill $paraview $xvfb 2>/dev/null; rm -rf "$settings"' EXIT

shot() {  # shot NAME: the whole screen as OUT/NAME.png
    sleep 2
    xwd -root -display "$DISPLAY" | convert xwd:- "$OUT/$1.png"
    echo "$OUT/$1.png"
}
click() { xdotool mousemove "$1" "$2"; sleep 0.5; xdotool click 1; sleep 1; }
apply() { click 49 537; sleep "$WAIT"; }  # the Properties panel's Apply button

# the main window, and the welcome dialog closed as a user does (Escape)
main=""
for _ in $(seq 90); do
    main=$(xdotool search --onlyvisible --name '^ParaView 5' 2>/dev/null | head -1 || true)
    [[ -n $main ]] && break
    sleep 2
done
[[ -n $main ]] || { echo "gui-check: ParaView did not start (see $OUT/paraview.log)" >&2; exit 1; }
for _ in $(seq 30); do
    welcome=$(xdotool search --onlyvisible --name 'Welcome to ParaView' 2>/dev/null | head -1 || true)
    if [[ -n $welcome ]]; then
        xdotool windowfocus --sync "$welcome"
        xdotool key Escape
        sleep 2
        xdotool search --onlyvisible --name 'Welcome to ParaView' >/dev/null 2>&1 || break
    fi
    sleep 2
done
xdotool search --onlyvisible --name '.' 2>/dev/null | while read -r w; do
    echo "window $w: $(xdotool getwindowname "$w")" >>"$OUT/windows.log"
done
xdotool windowsize "$main" 1920 1080 windowmove "$main" 0 0
sleep "$WAIT"
apply
shot 01-landscape-opened

# the landscape in the Pipeline Browser (a click on it while it is selected would start
# renaming it: select it only when another source is)
landscape_row() { click 100 195; sleep 2; }
windows() { xdotool search --onlyvisible --class paraview 2>/dev/null | wc -l; }
menu() {  # menu X Y: click X Y until a menu (one more window) shows; a busy GUI may miss it
    local before
    before=$(windows)
    for _ in 1 2 3; do
        click "$1" "$2"
        for _ in $(seq 10); do
            [[ $(windows) -gt $before ]] && return 0
            sleep 1
        done
    done
    echo "gui-check: no menu opened at $1,$2" >&2
    return 1
}
loss_filter() {  # loss_filter ROW: Filters > Loss Landscape > the ROW-th entry (0-based)
    menu 215 10
    menu 272 311
    [[ ${2:-} == shot ]] && shot 02-filters-menu
    click 540 $((311 + 25 * $1))
    apply
}

loss_filter 2 shot  # Loss Critical Points: spheres sized to the landscape
shot 03-critical-points
click 268 537  # the Properties panel's ? button: the filter's own help page
shot 03-help
help=$(xdotool search --onlyvisible --name 'Online Help' 2>/dev/null | head -1 || true)
[[ -z $help ]] || xdotool windowunmap "$help"
landscape_row
loss_filter 3  # Loss Merge Tree: the planar tree in a 2-D view of its own
shot 04-merge-tree
landscape_row
loss_filter 4
shot 05-persistence-diagram
landscape_row
loss_filter 6
shot 06-profile
landscape_row
click 1425 82  # the Loss Landscape Views macro in the Macros toolbar
sleep $((6 * WAIT))  # the macro builds and fits five views
shot 07-study-views
