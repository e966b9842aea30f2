#!/usr/bin/env bash
# The ParaView GUI as a user meets it, driven under Xvfb with xdotool; screenshots with xwd
# and ImageMagick. It clicks at the places ParaView 5.11 puts its menus and buttons in a
# window of LLTK_GUI_SIZE (1920x1080, the default, or 1600x1000); look at the pictures.
#
#   scripts/gui-check.sh [LANDSCAPE.vti] [OUT_DIR]
#
# Without a landscape it checks two synthetic PINN ones (with a Hessian density beside
# each): an ordinary one (OUT_DIR/synthetic) and one whose loss spans seven decades like a
# failing network's (OUT_DIR/wide). For each it starts `lltk paraview LANDSCAPE` with a
# throw-away settings folder (ParaView's defaults; LLTK_GUI_AUTOAPPLY=1 turns Auto Apply
# on), then: Filters > Loss Landscape (menu); Loss Merge Tree (the landscape's view
# active); Loss Persistence Diagram (the tree's view active); Loss Critical Points (the
# diagram's view active: its spheres must appear over the landscape, look) and its ? (help
# page); Topological Landscape Profile (the diagram's view active); Loss Persistence
# Simplification at 1 % of the loss range (the profile's view active: the simplified
# landscape must replace the landscape and its stale critical points, look); the Loss
# Landscape Views macro (the profile's view active).
# OUT_DIR (default /tmp/lltk-gui-check) gets one PNG per step.
#
# It fails (exit 1) when ParaView stops answering (a click on the File menu opens no menu),
# when its memory passes LLTK_GUI_MEMORY_MB (3000), when it shows Output Messages (an
# error), or when a step leaves the screen as it was; exit 2 for a missing tool or
# landscape.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=${2:-/tmp/lltk-gui-check}
LLTK=${LLTK:-$REPO/.venv/bin/lltk}
PY=${PY:-$REPO/.venv/bin/python}
WAIT=${LLTK_GUI_WAIT:-12}  # seconds for ParaView to apply a filter on a busy machine
SIZE=${LLTK_GUI_SIZE:-1920x1080}
MEMORY_MB=${LLTK_GUI_MEMORY_MB:-3000}

fail() { echo "gui-check: $*" >&2; exit 1; }

for tool in Xvfb xdotool xwd convert compare paraview; do
    if ! command -v "$tool" >/dev/null; then
        echo "gui-check: $tool not found; apt-get install xvfb xdotool x11-apps imagemagick paraview" >&2
        exit 2
    fi
done
case $SIZE in
    1920x1080) panel_buttons=537 ;;  # the y of the Properties panel's Apply and ? buttons
    1600x1000) panel_buttons=508 ;;
    *) echo "gui-check: LLTK_GUI_SIZE must be 1920x1080 or 1600x1000" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
LANDSCAPE=${1:-}
if [[ -z $LANDSCAPE ]]; then
    for kind in synthetic wide; do
        decades=$([[ $kind == wide ]] && echo 7.0 || echo None)
        landscape=$("$PY" -c "from lltk.render.synthetic import write_landscape; \
print(write_landscape('$OUT/$kind', stem='pinn_$kind', decades=$decades))")
        "$0" "$landscape" "$OUT/$kind" || exit $?
    done
    exit 0
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
rm -f "$OUT"/*.png "$OUT/memory-exceeded"
Xvfb "$DISPLAY" -screen 0 "${SIZE}x24" -nolisten tcp >"$OUT/xvfb.log" 2>&1 &
xvfb=$!
sleep 2
XDG_CONFIG_HOME=$settings "$LLTK" paraview "$LANDSCAPE" >"$OUT/paraview.log" 2>&1 &
paraview=$!
# the memory watch: ParaView past MEMORY_MB is stopped, and the next step says so
(
    while kill -0 "$paraview" 2>/dev/null; do
        rss=$(awk '/^VmRSS:/ {print int($2 / 1024)}' "/proc/$paraview/status" 2>/dev/null || echo 0)
        if ((rss > MEMORY_MB)); then
            echo "$rss" >"$OUT/memory-exceeded"
            kill -9 "$paraview"
            exit 0
        fi
        sleep 1
    done
) &
watch=$!
trap 'kill $paraview $watch $xvfb 2>/dev/null; rm -rf "$settings"' EXIT

alive() {  # alive STEP: fail when ParaView ran out of memory or exited
    if [[ -f $OUT/memory-exceeded ]]; then
        fail "ParaView went past $MEMORY_MB MB ($(cat "$OUT/memory-exceeded") MB) during $1"
    fi
    kill -0 "$paraview" 2>/dev/null || fail "ParaView exited during $1 (see $OUT/paraview.log)"
    if xdotool search --onlyvisible --name 'Output Messages' >/dev/null 2>&1; then
        xwd -root -display "$DISPLAY" | convert xwd:- "$OUT/output-messages.png"
        fail "ParaView reported an error during $1 (see $OUT/output-messages.png)"
    fi
}
previous=""
shot() {  # shot NAME: the whole screen as OUT/NAME.png, which must differ from the last one
    sleep 2
    alive "$1"
    xwd -root -display "$DISPLAY" | convert xwd:- "$OUT/$1.png"
    echo "$OUT/$1.png"
    if [[ -n $previous ]]; then
        local changed
        changed=$(compare -metric AE -fuzz 2% "$previous" "$OUT/$1.png" null: 2>&1 || true)
        changed=${changed%% *}  # a count, in scientific notation when large
        # a step that changed fewer than 0.1 % of the pixels did nothing a user would see
        if awk -v c="$changed" -v n=$((${SIZE%x*} * ${SIZE#*x})) 'BEGIN { exit !(c * 1000 < n) }'; then
            fail "step $1 left the screen as it was ($changed pixels changed; see $OUT/$1.png)"
        fi
    fi
    previous=$OUT/$1.png
}
click() { xdotool mousemove "$1" "$2"; sleep 0.5; xdotool click 1; sleep 1; }
apply() { click 49 "$panel_buttons"; sleep "$WAIT"; }  # the Properties panel's Apply button

# the main window, and the welcome dialog closed as a user does (Escape)
main=""
for _ in $(seq 90); do
    main=$(xdotool search --onlyvisible --name '^ParaView 5' 2>/dev/null | head -1 || true)
    [[ -n $main ]] && break
    alive "start-up"
    sleep 2
done
[[ -n $main ]] || fail "ParaView did not start (see $OUT/paraview.log)"
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
xdotool windowsize "$main" "${SIZE%x*}" "${SIZE#*x}" windowmove "$main" 0 0
sleep "$WAIT"
apply
shot 01-landscape-opened

windows() { xdotool search --onlyvisible --class paraview 2>/dev/null | wc -l; }
menu() {  # menu X Y [SECONDS]: click X Y until a menu (one more window) shows
    local before
    before=$(windows)
    for _ in 1 2 3; do
        click "$1" "$2"
        for _ in $(seq "${3:-10}"); do
            [[ $(windows) -gt $before ]] && return 0
            sleep 1
        done
    done
    return 1
}
answers() {  # answers STEP: ParaView opens its File menu on a click, else it hangs
    alive "$1"
    menu 20 10 "${2:-20}" || fail "ParaView stopped responding after $1 (no menu opened)"
    xdotool key Escape
    sleep 1
}
# the view at X Y made active by a click on its empty corner
activate_view() { click "$1" "$2"; sleep 1; }
# the landscape in the Pipeline Browser (a click on it while it is selected would start
# renaming it: select it only when another source is), the browser scrolled to its top
landscape_row() {
    xdotool mousemove 100 250
    for _ in $(seq 15); do xdotool click 4; done
    sleep 1
    click 100 195
    sleep 2
}
choose_filter() {  # choose_filter ROW: Filters > Loss Landscape > the ROW-th entry (0-based)
    menu 215 10 || fail "Filters menu did not open"
    menu 272 311 || fail "Filters > Loss Landscape did not open"
    [[ ${2:-} == shot ]] && shot 02-filters-menu
    click 540 $((311 + 25 * $1))
}
loss_filter() { choose_filter "$@"; apply; }  # loss_filter ROW: the same, applied

width=${SIZE%x*}
height=${SIZE#*x}
loss_filter 3 shot  # Loss Merge Tree, the landscape's view active: a view of its own
answers "Loss Merge Tree"
shot 03-merge-tree
# the tree's view (right half of the view area) active, then the landscape selected
activate_view $((width - 40)) $((height - 120))
landscape_row
loss_filter 4  # Loss Persistence Diagram with the tree's view active
answers "Loss Persistence Diagram"
shot 04-persistence-diagram
activate_view $((width - 40)) $((height - 120))  # the newest view, bottom right
landscape_row
loss_filter 2  # Loss Critical Points with the diagram's view active: over the landscape
answers "Loss Critical Points"
shot 05-critical-points
click 268 "$panel_buttons"  # the Properties panel's ? button: the filter's own help page
shot 05-help
help=$(xdotool search --onlyvisible --name 'Online Help' 2>/dev/null | head -1 || true)
[[ -z $help ]] || xdotool windowunmap "$help"
activate_view $((width - 40)) $((height - 120))  # the diagram's view again
landscape_row
loss_filter 6  # Topological Landscape Profile with the diagram's view active
answers "Topological Landscape Profile"
shot 06-profile
activate_view $((width - 40)) $((height - 120))  # the profile's view
landscape_row
choose_filter 5  # Loss Persistence Simplification with the profile's view active
click 150 $((panel_buttons + 154))  # its Persistence Threshold: 1 % of the loss range
xdotool key ctrl+a
xdotool type 0.01
apply
answers "Loss Persistence Simplification"
shot 07-simplification
activate_view $((width - 40)) $((height - 120))
landscape_row
menu 469 10 || fail "Macros menu did not open"
shot 08-macros-menu
click 530 136  # Macros > Loss Landscape Views (below Import, Edit, Delete and Delete All)
# the macro builds and fits five views; the GUI answers clicks meanwhile (it runs its event
# loop while a new tab lays views out), so wait until the screen stays as it is
settled=""
for _ in $(seq 20); do
    sleep "$WAIT"
    alive "the Loss Landscape Views macro"
    xwd -root -display "$DISPLAY" | convert xwd:- "$OUT/settling-a.png"
    sleep "$WAIT"
    xwd -root -display "$DISPLAY" | convert xwd:- "$OUT/settling-b.png"
    moved=$(compare -metric AE -fuzz 2% "$OUT/settling-a.png" "$OUT/settling-b.png" null: 2>&1 || true)
    # settled: under 0.05 % of the pixels moved (a blinking text cursor may)
    if awk -v c="${moved%% *}" -v n=$((${SIZE%x*} * ${SIZE#*x})) 'BEGIN { exit !(c * 2000 < n) }'; then
        settled=1
        break
    fi
done
rm -f "$OUT"/settling-?.png
[[ -n $settled ]] || fail "the Loss Landscape Views macro did not finish in $((40 * WAIT)) s"
answers "the Loss Landscape Views macro" 120
shot 09-study-views
