#!/usr/bin/env bash
# A newcomer's first `make run`, measured (budget: serving within 12 minutes on a fresh 2-core
# machine). A fresh clone of the committed state with nothing cached runs `make run` until the
# server answers: its own CARGO_HOME (every crate downloaded again), its own tools folder
# (wasm-bindgen-cli compiled again), its own npm cache (every package downloaded again), no
# node_modules, no target/, and a PATH of the system's folders and rustup's alone (this
# script's own PATH has the warm tools folder). The rustup toolchain and its
# wasm32 target stay (rustup shares them; adding the target takes seconds). The breakdown comes
# from the steps `make run` prints, each with its time since the start. Writes
# target/bench/first-run.md; the run's output stays in target/bench/first-run/run.log.
#   PORTICO_FIRST_RUN_PORT   the port the measured server listens on (default 3390)
source "$(dirname "$0")/tools.sh"
cd "$ROOT"

PORT="${PORTICO_FIRST_RUN_PORT:-3390}"
WORK="$ROOT/target/bench/first-run"
RESULTS="$ROOT/target/bench/first-run.md"
rm -rf "$WORK" && mkdir -p "$WORK"
git clone -q "$ROOT" "$WORK/clone"
commit=$(git -C "$WORK/clone" rev-parse --short HEAD)

step "A first make run of $commit in $WORK/clone (CARGO_HOME and tools folder empty)"
started=$(date +%s)
# In its own session, so that everything it starts (cargo, rustc, the server) is stopped with
# its process group however this script ends.
env PATH="$HOME/.cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  CARGO_HOME="$WORK/cargo-home" PORTICO_TOOLS_DIR="$WORK/tools" npm_config_cache="$WORK/npm-cache" \
  PORTICO_BIND="127.0.0.1:$PORT" PORTICO_PUBLIC_URL="http://127.0.0.1:$PORT" \
  PORTICO_ADMIN_PASSWORD="First-Run-Pw-12" \
  setsid bash -c 'cd "$1" && exec make run' _ "$WORK/clone" > "$WORK/run.log" 2>&1 &
RUN_PID=$!
trap 'kill -- -"$RUN_PID" 2>/dev/null || true' EXIT
served=""
while kill -0 "$RUN_PID" 2>/dev/null; do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/login" || true)" = 200 ]; then
    served=$(( $(date +%s) - started ))
    break
  fi
  sleep 2
done
[ -n "$served" ] || { echo "error: make run ended without serving, see $WORK/run.log" >&2; tail -20 "$WORK/run.log" >&2; exit 1; }
note "serving after $((served / 60)) min $((served % 60)) s"

# The steps as make run printed them ("==> What [m:ss]", "    the server is built [m:ss]").
{
  echo "## First run (scripts/first-run.sh)"
  echo
  echo "A fresh clone of $commit, nothing cached, on $(nproc) cores ($(date -u +%Y-%m-%d)): \`make run\` served its login page after **$((served / 60)) min $((served % 60)) s** (budget 12 min: $([ "$served" -le 720 ] && echo MET || echo MISSED))."
  echo
  echo "| began at (m:ss since make run started) | step |"
  echo "| --- | --- |"
  sed 's/\x1b\[[0-9;]*m//g' "$WORK/run.log" |
    sed -nE 's/^==> (.*) \[([0-9]+:[0-9]{2})\]$/| \2 | \1 |/p; s/^    (.*) \[([0-9]+:[0-9]{2})\]$/| \2 | (\1) |/p'
  echo "| $((served / 60)):$(printf '%02d' $((served % 60))) | the login page answers |"
} > "$RESULTS"
cat "$RESULTS"
