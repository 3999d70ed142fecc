#!/usr/bin/env bash
# First-load benchmark (performance budget 4), measured, never asserted: builds the release site
# as `make run` does, starts it on a fresh SQLite database, and runs Lighthouse's performance
# audit (mobile, simulated throttling) on the login page with Debian's Chromium, three times.
# Lighthouse is installed from npm into target/lighthouse (not a project dependency: only this
# script needs it). Writes target/bench/lighthouse.md and the JSON reports next to it.
#   PORTICO_LIGHTHOUSE_PORT   the server's port (default 3190)
source "$(dirname "$0")/tools.sh"
cd "$ROOT"

PORT="${PORTICO_LIGHTHOUSE_PORT:-3190}"
BASE="http://127.0.0.1:$PORT"
OUT="$ROOT/target/bench"
WORK="$OUT/lighthouse"
TOOL="$ROOT/target/lighthouse"
RESULTS="$OUT/lighthouse.md"
CHROME_FLAGS="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"

ensure_wasm_target
ensure_npm_packages
ensure_chromium
ensure_wasm_bindgen

if [ ! -x "$TOOL/node_modules/.bin/lighthouse" ]; then
  step "Installing Lighthouse into $TOOL"
  mkdir -p "$TOOL"
  npm install --prefix "$TOOL" --no-audit --no-fund lighthouse@12 >/dev/null
fi

step "Building the release site (as cargo leptos build --release does, precompressed)"
build_site --release

rm -rf "$WORK" && mkdir -p "$WORK"
SERVER_PID=""
trap '[ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null || true' EXIT
PORTICO_SITE_ROOT=target/site PORTICO_MAIL_DIR="$WORK/mail" PORTICO_LOG=warn \
  target/release/server --database-url "sqlite://$WORK/lighthouse.db?mode=rwc" \
  --bind "127.0.0.1:$PORT" --public-url "$BASE" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_for "$BASE/login"

{
  echo "# Lighthouse, login page ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "Lighthouse $("$TOOL/node_modules/.bin/lighthouse" --version), performance only, mobile with simulated throttling, $BASE/login."
  echo
  echo "| run | score | FCP | LCP | TBT | speed index | bytes |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
} > "$RESULTS"
for run in 1 2 3; do
  step "Lighthouse run $run"
  CHROME_PATH=/usr/bin/chromium "$TOOL/node_modules/.bin/lighthouse" "$BASE/login" \
    --only-categories=performance --output=json --output-path="$WORK/login-$run.json" \
    --quiet --chrome-flags="$CHROME_FLAGS"
  node -e '
    const r = require(process.argv[1]), a = r.audits;
    const v = (k) => (a[k].displayValue || "").replace(/\u00a0/g, " ");
    console.log(`| ${process.argv[2]} | ${Math.round(r.categories.performance.score * 100)} | ${v("first-contentful-paint")} | ${v("largest-contentful-paint")} | ${v("total-blocking-time")} | ${v("speed-index")} | ${v("total-byte-weight")} |`);
  ' "$WORK/login-$run.json" "$run" >> "$RESULTS"
done
step "Results in $RESULTS"
cat "$RESULTS"
