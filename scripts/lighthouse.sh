#!/usr/bin/env bash
# First-load benchmark (performance budget 4), measured, never asserted: builds the release site
# as `make run` does and starts it on a fresh SQLite database. Then:
# - the bytes each first page loads, gzip (scripts/first-load.mjs): login, sign-up, forgotten
#   password, an invitation link, and signed in: the console's first view (its dashboard), the
#   portal's home and the admin's Invitations;
# - Lighthouse's performance audit (mobile, simulated throttling) with Debian's Chromium, three
#   times each on the login page, an invitation link, the dashboard and the admin's Invitations
#   (signed in by a session cookie passed as a header).
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
ADMIN_EMAIL=lighthouse-admin@example.com
ADMIN_PASSWORD=Lighthouse-Pw-12
DATABASE="sqlite://$WORK/lighthouse.db?mode=rwc"
export PORTICO_SITE_ROOT=target/site PORTICO_MAIL_DIR="$WORK/mail" PORTICO_LOG=warn \
  PORTICO_ADMIN_EMAIL="$ADMIN_EMAIL" PORTICO_ADMIN_PASSWORD="$ADMIN_PASSWORD" PORTICO_PUBLIC_URL="$BASE"
target/release/server --database-url "$DATABASE" --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_for "$BASE/login"

# An invitation link, as a developer gets it: invited from the command line, its email written
# to the mail folder by the server's worker.
echo lighthouse-developer@example.com | target/release/server --database-url "$DATABASE" invite --file - >/dev/null
link=""
for _ in $(seq 1 100); do
  # The email is quoted-printable: its soft line breaks ("=" at a line's end) are joined first.
  link=$(cat "$WORK"/mail/*.eml 2>/dev/null | tr -d '\r' | sed -e ':a' -e '/=$/{N;s/=\n//;ba}' |
    grep -oE "$BASE/invitation/[0-9a-f]{64}" | head -1 || true)
  [ -n "$link" ] && break
  sleep 0.2
done
[ -n "$link" ] || { echo "error: no invitation email in $WORK/mail" >&2; exit 1; }
# The admin's session cookie (the login form, as a browser without the app posts it).
cookie=$(curl -s -o /dev/null -D - -H 'Sec-Fetch-Site: same-origin' -H "Origin: $BASE" -H "Referer: $BASE/login" \
  --data-urlencode "email=$ADMIN_EMAIL" --data-urlencode "password=$ADMIN_PASSWORD" --data-urlencode "next=" \
  "$BASE/api/login" | sed -nE 's/^set-cookie: ([^;]+).*/\1/ip' | head -1)
[ -n "$cookie" ] || { echo "error: the admin could not log in" >&2; exit 1; }

{
  echo "# First load ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "## Bytes loaded by each first page, gzip (scripts/first-load.mjs)"
  echo
  echo "Budget: <= 200 KB for the pages a developer meets first; <= 400 KB for the admin's first view"
  echo "(the console opens on /admin, its dashboard)."
  echo
  node scripts/first-load.mjs "$BASE" /login /signup /forgot-password "${link#"$BASE"}" \
    --cookie="$cookie" /admin /portal /admin/invitations
  echo
  echo "## Lighthouse"
  echo
  echo "Lighthouse $("$TOOL/node_modules/.bin/lighthouse" --version), performance only, mobile with simulated throttling."
  echo
  echo "| page | run | score | FCP | LCP | TBT | speed index | bytes (Brotli, as Chromium gets them) |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
} > "$RESULTS"
audit() { # NAME URL [EXTRA_HEADERS_JSON]
  local name=$1 url=$2 headers=${3:-} run
  for run in 1 2 3; do
    step "Lighthouse: $name, run $run"
    CHROME_PATH=/usr/bin/chromium "$TOOL/node_modules/.bin/lighthouse" "$url" \
      --only-categories=performance --output=json --output-path="$WORK/$name-$run.json" \
      --quiet --chrome-flags="$CHROME_FLAGS" ${headers:+--extra-headers="$headers"}
    node -e '
      const r = require(process.argv[1]), a = r.audits;
      const v = (k) => (a[k].displayValue || "").replace(/\u00a0/g, " ");
      console.log(`| ${process.argv[2]} | ${process.argv[3]} | ${Math.round(r.categories.performance.score * 100)} | ${v("first-contentful-paint")} | ${v("largest-contentful-paint")} | ${v("total-blocking-time")} | ${v("speed-index")} | ${v("total-byte-weight")} |`);
    ' "$WORK/$name-$run.json" "$name" "$run" >> "$RESULTS"
  done
}
audit login "$BASE/login"
audit invitation-link "$link"
audit dashboard "$BASE/admin" "{\"Cookie\": \"$cookie\"}"
audit invitations "$BASE/admin/invitations" "{\"Cookie\": \"$cookie\"}"
step "Results in $RESULTS"
cat "$RESULTS"
