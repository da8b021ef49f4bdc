#!/usr/bin/env bash
# Smoke test of the bundled app (`make dist`): start dist/controlroom/controlroom offscreen on the
# demo shop for a few seconds, check the desk drew a frame and saved a screenshot, exit 0 if so.
set -euo pipefail
cd "$(dirname "$0")/.."
app=dist/controlroom/controlroom
[ -x "$app" ] || { echo "smoke_dist: $app not found; run make dist first" >&2; exit 1; }
out=$(mktemp -d)
shot="$out/desk.png"
echo "smoke_dist: bundle size $(du -sh dist/controlroom | cut -f1)"
t0=$(date +%s.%N)  # the launch, for the time to first frame
QT_QPA_PLATFORM=offscreen HOME="$out" "$app" demo --insecure --no-log --lang en --duration 8 \
    --screenshot "$shot" >"$out/stdout" 2>"$out/stderr" || { echo "smoke_dist: app exited $?" >&2; cat "$out/stderr" >&2; exit 1; }
t1=$(date +%s.%N)
grep -v propagateSizeHints "$out/stderr" || true
grep -q "desk: first frame" "$out/stderr" || { echo "smoke_dist: the desk never drew a frame" >&2; exit 1; }
grep -q "saved=True" "$out/stderr" && [ -s "$shot" ] || { echo "smoke_dist: no screenshot" >&2; exit 1; }
# events flow: the desk's status line counts the feed's events; it must be above zero
n=$(grep -o 'status: snapshot [0-9]* · [0-9,]* events' "$out/stderr" | grep -o '[0-9,]* events' | tr -d ', events')
[ -n "$n" ] && [ "$n" -gt 0 ] || { echo "smoke_dist: no events reached the desk" >&2; exit 1; }
ff=$(grep -o 'first frame .*(unix [0-9.]*)' "$out/stderr" | grep -o 'unix [0-9.]*' | cut -d' ' -f2)
echo "smoke_dist: $n events; time from launch to first frame $(python3 -c "print(round($ff - $t0, 2))") s"
mkdir -p build && cp "$shot" build/smoke-desk.png
echo "smoke_dist: ok in $(python3 -c "print(round($t1 - $t0, 2))") s; screenshot build/smoke-desk.png"
