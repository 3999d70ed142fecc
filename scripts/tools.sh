# Installs what Portico's build and tests need, each step skipped when the right version is
# already there (a warm run costs seconds). Sourced by scripts/run.sh and scripts/test.sh.
#
# Rust tools go to $PORTICO_TOOLS_DIR (default ~/.cache/portico-tools), shared by every clone of
# the project on this machine: wasm-bindgen-cli takes about 2 minutes to compile, and a fresh
# clone (as CI makes) should not pay that again. npm packages stay in end2end/node_modules.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORTICO_TOOLS_DIR="${PORTICO_TOOLS_DIR:-$HOME/.cache/portico-tools}"
WASM_BINDGEN_VERSION="0.2.129"   # must equal Cargo.lock's wasm-bindgen exactly
export PATH="$PORTICO_TOOLS_DIR/bin:$ROOT/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# Each step says how long after the script's start it began (the first run's breakdown).
STARTED_AT=$(date +%s)
since_start() { local t=$(( $(date +%s) - STARTED_AT )); printf '%d:%02d' $((t / 60)) $((t % 60)); }
step() { printf '\n\033[1m==> %s\033[0m [%s]\n' "$*" "$(since_start)"; }
note() { printf '    %s\n' "$*"; }

ensure_wasm_target() {
  if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    note "wasm32-unknown-unknown target: present"
  else
    step "Adding the wasm32-unknown-unknown Rust target"
    rustup target add wasm32-unknown-unknown
  fi
}

wasm_bindgen_present() {
  wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"
}
# Installs only the wasm-bindgen binary, without the TLS stack its test runner downloads with:
# the build needs nothing else, and it compiles in 111 s instead of 127 on an idle 2-core
# machine (BENCHMARKS.md).
# `build_site` runs it on a first run, in the module's pipeline.
INSTALL_WASM_BINDGEN=(cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked
  --root "$PORTICO_TOOLS_DIR" --no-default-features --bin wasm-bindgen)

# Playwright, maildev (SMTP capture) and binaryen's wasm-opt (Debian's is too old) from npm.
ensure_npm_packages() {
  local stamp="$ROOT/end2end/node_modules/.portico-lock"
  if [ -f "$stamp" ] && cmp -s "$stamp" "$ROOT/end2end/package-lock.json"; then
    note "npm packages: present"
  else
    step "Installing npm packages (end2end/package-lock.json)"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund)
    cp "$ROOT/end2end/package-lock.json" "$stamp"
  fi
}

# apt_install PACKAGE...: installs Debian packages, through sudo unless already root.
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"
}

# Debian packages the browser tests use: chromium, and sqlite3 (a journey moves an
# invitation's validity into the past in the test database, as time would).
ensure_chromium() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v sqlite3 >/dev/null || missing+=(sqlite3)
  if [ ${#missing[@]} -eq 0 ]; then
    note "chromium, sqlite3: present"
  else
    step "Installing Debian packages for the browser tests: ${missing[*]}"
    apt_install "${missing[@]}"
  fi
}

# The HTTP load generator of scripts/load.sh (Debian's wrk 4), and taskset to pin processes to
# cores (util-linux).
ensure_wrk() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v taskset >/dev/null || missing+=(util-linux)
  command -v curl >/dev/null || missing+=(curl)
  if [ ${#missing[@]} -eq 0 ]; then
    note "wrk, taskset, curl: present"
  else
    step "Installing Debian packages for the load benchmark: ${missing[*]}"
    apt_install "${missing[@]}"
  fi
}

# Python packages the Rust tests use as independent implementations: pyotp computes the TOTP
# codes the two-step sign-in tests type, and standardwebhooks checks the signatures of the
# webhooks the tests receive, so the app's own code never grades itself. Installed with pip
# into $PORTICO_TOOLS_DIR/python, outside the clone; the tests look there.
PYOTP_VERSION="2.9.0"
STANDARDWEBHOOKS_VERSION="1.3.0"
export PYTHONPATH="$PORTICO_TOOLS_DIR/python${PYTHONPATH:+:$PYTHONPATH}"
ensure_python_packages() {
  local package version
  for package in "pyotp=$PYOTP_VERSION" "standardwebhooks=$STANDARDWEBHOOKS_VERSION"; do
    version="${package#*=}"; package="${package%%=*}"
    if python3 -c "import sys, importlib.metadata as m; sys.exit(m.version('$package') != '$version')" 2>/dev/null; then
      note "$package $version: present"
    else
      step "Installing $package $version (PyPI) into $PORTICO_TOOLS_DIR/python"
      python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --upgrade \
        --target "$PORTICO_TOOLS_DIR/python" "$package==$version"
    fi
  done
}

# Schemathesis (PyPI), the REST API's independent client, in its own virtual environment under
# the tools cache (its dependencies stay out of the system's Python).
SCHEMATHESIS_VERSION="4.32.5"
SCHEMATHESIS="$PORTICO_TOOLS_DIR/schemathesis-$SCHEMATHESIS_VERSION/bin/schemathesis"
ensure_schemathesis() {
  if [ -x "$SCHEMATHESIS" ]; then
    note "schemathesis $SCHEMATHESIS_VERSION: present"
  else
    step "Installing schemathesis $SCHEMATHESIS_VERSION (PyPI) into $PORTICO_TOOLS_DIR"
    rm -rf "$PORTICO_TOOLS_DIR/schemathesis-$SCHEMATHESIS_VERSION"
    python3 -m venv "$PORTICO_TOOLS_DIR/schemathesis-$SCHEMATHESIS_VERSION"
    "$PORTICO_TOOLS_DIR/schemathesis-$SCHEMATHESIS_VERSION/bin/pip" install --quiet \
      --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  fi
}

# Waits until $1 answers 200.
wait_for() {
  for _ in $(seq 1 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)" = 200 ] && return 0
    sleep 0.1
  done
  echo "error: $1 did not answer" >&2
  return 1
}

# Builds the server and the site as `cargo leptos build` does, without cargo-leptos (compiling
# it took 10.7 of a newcomer's 21 minutes before the first `make run` served). The steps and
# their settings are cargo-leptos 0.3.10's for Cargo.toml's [workspace.metadata.leptos], so the
# two share their compiled code and contributors' `cargo leptos watch` keeps working
# (docs/building.md lists them). `build_site --release` is the optimized build.
LEPTOS_ENV=(LEPTOS_OUTPUT_NAME=portico LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg
  LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=frontend
  LEPTOS_BIN_DIR=server LEPTOS_HASH_FILES=false)

# Every build of the site, debug and release, has Leptos's type erasure of views (`--cfg
# erase_components`): the server and the module must agree on it, or hydration fails on a
# markup mismatch. In release it makes the module 30 % smaller and the server's build minutes
# shorter (BENCHMARKS.md, "First run"). The benchmark scripts build the release server with the
# same flags (`RUSTFLAGS="$(site_rustflags)"`), so that they run the server `make run` runs and
# reuse its compiled dependencies instead of compiling them all again.
site_rustflags() {
  case " ${RUSTFLAGS:-} " in
    *" --cfg erase_components "*) printf '%s' "$RUSTFLAGS" ;;
    *) printf '%s' "${RUSTFLAGS:+$RUSTFLAGS }--cfg erase_components" ;;
  esac
}
build_site() {
  local release="" front_profile=debug site="$ROOT/target/site" minify=false
  if [ "${1:-}" = --release ]; then
    release=1 front_profile=wasm-release minify=true
  fi
  local env=("${LEPTOS_ENV[@]}" LEPTOS_JS_MINIFY=$minify RUSTFLAGS="$(site_rustflags)")
  rm -rf "$site" && mkdir -p "$site/pkg" && cp -R "$ROOT/public/." "$site/" || return 1
  BROWSERSLIST=defaults lightningcss --browserslist ${release:+--minify} "$ROOT/style/main.css" \
    -o "$site/pkg/portico.css" || return 1
  # Two pipelines side by side, each spending part of its time on one core: the browser's
  # module (its own target directory, as cargo-leptos keeps it) with wasm-bindgen, wasm-opt, the
  # minifier and the compressed copies after it, and the server. A failure stops both; so does
  # Ctrl-C. The server's build is the longer one, so the module's pipeline runs at the lowest
  # CPU priority (nice 19, inherited by everything it starts): it takes the cores only when the
  # server's build leaves them idle (its single-threaded crates), so the longer build is never
  # slowed by the shorter one. On a first run wasm-bindgen-cli is compiled in the module's
  # pipeline too, not before both builds: it starts once either build is done (`$turn` exists),
  # so that it uses the core the other leaves idle in its last, single-threaded minute (the
  # server's link, the module's link-time optimization) (BENCHMARKS.md, "First run").
  local turn
  turn=$(mktemp -u "${TMPDIR:-/tmp}/portico-tool-turn.XXXXXX")
  # Each step checks its own status: `set -e` does not hold where build_site is called as a
  # condition (`if build_site`, `build_site || ...`, as scripts/test.sh does).
  ( renice -n 19 -p "$BASHPID" >/dev/null 2>&1 || true
    local tool="" pipeline=$BASHPID
    if ! wasm_bindgen_present; then
      # exec: the compile is then a child of this pipeline, and stops with it; the wait ends
      # with the pipeline too.
      ( while [ ! -e "$turn" ]; do kill -0 "$pipeline" 2>/dev/null || exit 1; sleep 1; done
        step "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION into $PORTICO_TOOLS_DIR"
        exec "${INSTALL_WASM_BINDGEN[@]}" ) &
      tool=$!
    fi
    if ! env "${env[@]}" cargo build --package=frontend --lib --target-dir="$ROOT/target/front" \
      --target=wasm32-unknown-unknown --no-default-features --locked \
      ${release:+--profile=wasm-release}; then
      # The tool's compile stops with this pipeline rather than going on orphaned.
      [ -z "$tool" ] || kill "$tool" 2>/dev/null || true
      exit 1
    fi
    note "the WASM module is built [$(since_start)]"
    touch "$turn" || exit 1
    [ -z "$tool" ] || wait "$tool" || exit 1
    wasm-bindgen --target=web --out-name=portico --out-dir="$site/pkg" --no-typescript \
      "$ROOT/target/front/wasm32-unknown-unknown/$front_profile/frontend.wasm" || exit 1
    mv "$site/pkg/portico_bg.wasm" "$site/pkg/portico.wasm" || exit 1
    if [ -n "$release" ]; then
      # -O1, not -Oz: after the Rust compiler's own size optimization, binaryen's heavier levels
      # shrink the raw file but make it compress worse. Measured on the same module: -O1 774 KB
      # (gzip -9; 558 KB Brotli) in 11 s, -Oz 932 KB (627 KB) in 53 s, hydration as fast
      # (BENCHMARKS.md, "wasm-opt's level").
      wasm-opt -O1 --enable-bulk-memory --enable-nontrapping-float-to-int \
        "$site/pkg/portico.wasm" -o "$site/pkg/portico.wasm" || exit 1
      terser "$site/pkg/portico.js" --module --compress --mangle -o "$site/pkg/portico.js" || exit 1
      note "the WASM module is optimized [$(since_start)]"
    fi
    node "$ROOT/scripts/precompress.mjs" "$site/pkg" || exit 1
    note "the site's files are precompressed (Brotli and gzip) [$(since_start)]" ) &
  local front=$!
  env "${env[@]}" cargo build --package=server --bin=server --no-default-features --locked \
    ${release:+--release} &
  local server=$!
  # The module pipeline's children first: once it has ended, they would no longer be its own.
  trap 'pkill -P "$front" 2>/dev/null; kill "$front" "$server" 2>/dev/null; rm -f "$turn"; exit 130' INT TERM
  local finished status=0 pending=("$front" "$server")
  for _ in 1 2; do
    # Only the one still running: bash reports a job already waited for as "no such job".
    wait -n -p finished "${pending[@]}" || status=$?
    if [ "$status" -ne 0 ]; then
      pkill -P "$front" 2>/dev/null || true
      kill "$front" "$server" 2>/dev/null || true  # one of them has ended already
      wait 2>/dev/null || true
      trap - INT TERM
      rm -f "$turn"
      return 1
    fi
    if [ "$finished" = "$server" ]; then
      note "the server is built [$(since_start)]"
      touch "$turn"
      pending=("$front")
    else
      pending=("$server")
    fi
  done
  trap - INT TERM
  rm -f "$turn"
}

ensure_build_tools() {
  step "Checking build tools"
  command -v cargo >/dev/null || { echo "error: Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
  command -v npm >/dev/null || { echo "error: Node.js 20+ with npm is required (Debian: apt-get install nodejs npm)" >&2; exit 1; }
  ensure_wasm_target
  ensure_npm_packages
}
