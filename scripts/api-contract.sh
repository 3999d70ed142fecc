#!/usr/bin/env bash
# The REST API against clients nobody here wrote: the OpenAPI document passes `redocly lint`
# with no errors, and Schemathesis (PyPI) runs every operation of it against a live server
# (SQLite, its own data folder) with a real token: examples, fuzzing, stateful sequences
# (create, then read, resend, review, delete what was created) and every check it has
# (server errors, schema violations, undocumented status codes, content types, headers...).
# Usage: scripts/api-contract.sh SERVER_BINARY. Writes target/test-logs/api-contract/.
source "$(dirname "$0")/tools.sh"
set -euo pipefail
SERVER="${1:?usage: scripts/api-contract.sh SERVER_BINARY}"
OUT="$ROOT/target/test-logs/api-contract"
rm -rf "$OUT" && mkdir -p "$OUT"
ensure_schemathesis

step "OpenAPI document: redocly lint"
"$SERVER" openapi > "$OUT/openapi.json"
(cd "$ROOT/end2end" && npx --no-install redocly lint "$OUT/openapi.json" --format=stylish) 2>&1 |
  grep -v '[║╔╚]' | tee "$OUT/redocly.log"

step "Schemathesis against a live server"
DATA=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
PASSWORD="Contract-Admin-1"
# Generous limits: the fuzzer sends thousands of requests with one token in a few minutes.
PORTICO_BIND="127.0.0.1:$PORT" PORTICO_PUBLIC_URL="$BASE" PORTICO_SITE_ROOT="$ROOT/target/site" \
  PORTICO_DATABASE_URL="sqlite://$DATA/portico.db?mode=rwc" PORTICO_MAIL_DIR="$DATA/mail" \
  PORTICO_ADMIN_EMAIL="admin@contract.test" PORTICO_ADMIN_PASSWORD="$PASSWORD" \
  PORTICO_RATE_API_REQUESTS_PER_MINUTE=100000 PORTICO_RATE_INVITES_PER_HOUR=100000 \
  "$SERVER" > "$OUT/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null; rm -rf "$DATA"' EXIT
wait_for "$BASE/readyz"

# A token, made the way an admin makes one: sign in, then Settings › API tokens.
JAR="$DATA/cookies"
curl -sf -c "$JAR" -b "$JAR" -d "email=admin@contract.test&password=$PASSWORD" "$BASE/api/login" >/dev/null
TOKEN=$(curl -sf -c "$JAR" -b "$JAR" -d "name=Schemathesis&scopes=read,write&lifetime_days=7" \
  "$BASE/api/create_api_token" | python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])')
# Some rows for the operations that read and act on them.
curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"emails": ["seed1@example.com", "seed2@example.com", "seed3@example.com"]}' \
  "$BASE/api/v1/invitations/batch" >/dev/null

# From the output folder: Schemathesis keeps its cache (.schemathesis/) where it runs.
cd "$OUT"
"$SCHEMATHESIS" --config-file "$ROOT/scripts/schemathesis.toml" run "$OUT/openapi.json" --url "$BASE" \
  -H "Authorization: Bearer $TOKEN" \
  --max-examples "${PORTICO_SCHEMATHESIS_EXAMPLES:-100}" \
  --seed 1 \
  --report junit --report-dir "$OUT" \
  --no-color 2>&1 | tee "$OUT/schemathesis.log"
status=${PIPESTATUS[0]}
exit "$status"
