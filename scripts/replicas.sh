#!/usr/bin/env bash
# Replicas as operators run them (measured, never asserted): two release server processes on
# one PostgreSQL database behind nginx (Debian's nginx-light, round robin), each with its own
# mail worker sending to maildev. A load of logins, lists and invites goes through the proxy
# (scripts/replicas.mjs); a third of the way in, one replica is killed with SIGKILL and started
# again 5 s later, as a supervisor would. Then the outbox is waited for, and the report counts
# the requests answered 5xx (only those in flight on the killed process may fail), the sessions
# that survived, the invitations and emails lost or sent twice, and the outbox's state.
# Writes target/bench/replicas.md; the raw record stays in target/bench/replicas/.
#   PORTICO_REPLICAS_SECONDS   length of the load (default 45)
#   PORTICO_REPLICAS_USERS     concurrent clients (default 8)
#   PORTICO_TEST_POSTGRES_URL  the PostgreSQL server (default postgres://postgres@127.0.0.1:5432)
source "$(dirname "$0")/tools.sh"
# The release server `make run` builds (tools.sh, site_rustflags), and its compiled dependencies.
export RUSTFLAGS="$(site_rustflags)"
cd "$ROOT"

SECONDS_OF_LOAD="${PORTICO_REPLICAS_SECONDS:-45}"
USERS="${PORTICO_REPLICAS_USERS:-8}"
PG_SERVER="${PORTICO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
DATABASE="portico_replicas"
DB_URL="$PG_SERVER/$DATABASE"
PORT_A=3291
PORT_B=3292
PROXY_PORT=3290
SMTP_PORT=3225
MAILDEV_WEB=3226
PROXY="http://127.0.0.1:$PROXY_PORT"
OUT="$ROOT/target/bench"
WORK="$OUT/replicas"
RESULTS="$OUT/replicas.md"
export PORTICO_ADMIN_EMAIL="admin@replicas.test"
export PORTICO_ADMIN_PASSWORD="Replica-Pw-12"

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}" ${PID_A:-} ${PID_B:-}; do kill "$pid" 2>/dev/null || true; done
  kill "$(cat "$WORK/nginx.pid" 2>/dev/null)" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

ensure_nginx() {
  if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
    note "nginx: present"
  else
    step "Installing Debian's nginx-light (the reverse proxy of this benchmark)"
    apt_install nginx-light
  fi
}
# wait_long URL: like wait_for, for up to a minute (a replica migrates a fresh database first).
wait_long() { for _ in 1 2 3 4 5 6; do wait_for "$1" 2>/dev/null && return 0; done; wait_for "$1"; }
psql_at() { psql "$DB_URL" -v ON_ERROR_STOP=1 -qAt -c "$1"; }
now_ms() { date +%s%3N; }

# start_replica PORT: a release server on PORT, its log in $WORK/replica-PORT.log (appended, so
# a restart keeps the first life's log); prints its pid. The load is one admin, from one address,
# on many connections: a login holds one of its account's and its address's failure allowances
# while its password is checked (given back if it succeeds), and a login in flight on the
# killed replica never gives its one back, so the defaults (10 and 50 in 15 minutes) answered a
# few logins 429 in some runs; the limits are raised as the invite limit is.
start_replica() {
  PORTICO_DATABASE_URL="$DB_URL" PORTICO_BIND="127.0.0.1:$1" PORTICO_PUBLIC_URL="$PROXY" \
  PORTICO_SITE_ROOT="$WORK/site" PORTICO_MAIL_WORKER=true \
  PORTICO_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" PORTICO_MAIL_POLL_MS=200 \
  PORTICO_TRUSTED_PROXIES=127.0.0.1 PORTICO_RATE_INVITES_PER_HOUR=1000000 \
  PORTICO_RATE_LOGIN_FAILURES_PER_ACCOUNT=1000000 PORTICO_RATE_LOGIN_FAILURES_PER_IP=1000000 \
  PORTICO_METRICS_TOKEN=replicas-metrics \
  PORTICO_LOG=warn target/release/server serve >> "$WORK/replica-$1.log" 2>&1 &
  echo $!
}

# ---------------------------------------------------------------------------------------------
command -v psql >/dev/null && psql "$PG_SERVER/postgres" -qAt -c 'select 1' >/dev/null 2>&1 || {
  note "SKIPPED: PostgreSQL does not answer at $PG_SERVER (the replicas share one PostgreSQL)"
  exit 0
}
ensure_nginx
ensure_npm_packages
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

step "Building the server (release)"
cargo build --release -p server --bin server --locked

rm -rf "$WORK" && mkdir -p "$WORK/site" "$WORK/nginx-temp" "$WORK/maildev"
psql "$PG_SERVER/postgres" -qAt -c "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)" \
  -c "CREATE DATABASE $DATABASE"

step "maildev (SMTP $SMTP_PORT), two replicas ($PORT_A, $PORT_B), nginx ($PROXY)"
"$ROOT/end2end/node_modules/.bin/maildev" --smtp "$SMTP_PORT" --web "$MAILDEV_WEB" --ip 127.0.0.1 \
  --silent --mail-directory "$WORK/maildev" > "$WORK/maildev.log" 2>&1 &
PIDS+=($!)
# One after the other: the first migrates the empty database and creates the admin.
PID_A=$(start_replica $PORT_A)
wait_long "http://127.0.0.1:$PORT_A/readyz"
PID_B=$(start_replica $PORT_B)
wait_long "http://127.0.0.1:$PORT_B/readyz"
wait_for "http://127.0.0.1:$MAILDEV_WEB/email"

# No keep-alive to the replicas: a killed replica's connections are refused, and nginx passes a
# refused request on to the other (proxy_next_upstream error: for a POST only while nothing was
# sent yet, so a request is never applied twice).
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log $WORK/nginx-access.log;
  client_body_temp_path $WORK/nginx-temp/body;
  proxy_temp_path $WORK/nginx-temp/proxy;
  fastcgi_temp_path $WORK/nginx-temp/fastcgi;
  uwsgi_temp_path $WORK/nginx-temp/uwsgi;
  scgi_temp_path $WORK/nginx-temp/scgi;
  upstream portico {
    server 127.0.0.1:$PORT_A max_fails=1 fail_timeout=2s;
    server 127.0.0.1:$PORT_B max_fails=1 fail_timeout=2s;
  }
  server {
    listen 127.0.0.1:$PROXY_PORT;
    location / {
      proxy_pass http://portico;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
      add_header X-Replica \$upstream_addr always;
    }
  }
}
CONF
"$NGINX" -e "$WORK/nginx-error.log" -c "$WORK/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
wait_for "$PROXY/readyz"

step "The load: $USERS clients for $SECONDS_OF_LOAD s; replica $PORT_A killed at a third"
node scripts/replicas.mjs load "$PROXY" "$SECONDS_OF_LOAD" "$USERS" "$WORK/requests.json" &
LOAD_PID=$!
sleep $((SECONDS_OF_LOAD / 3))
# The kill's moment is a span: from just before the signal to the process's end.
{ echo "replica 127.0.0.1:$PORT_A"; echo "killed $(now_ms)"; } > "$WORK/events.log"
kill -KILL "$PID_A"
for _ in $(seq 1 500); do   # until it is gone or a zombie (not a child of this shell)
  ps -o stat= -p "$PID_A" 2>/dev/null | grep -qv Z || break
  sleep 0.01
done
echo "dead $(now_ms)" >> "$WORK/events.log"
note "replica $PORT_A killed"
sleep 5
PID_A=$(start_replica $PORT_A)
echo "restarted $(now_ms)" >> "$WORK/events.log"
wait_long "http://127.0.0.1:$PORT_A/readyz"
note "replica $PORT_A serving again"
wait "$LOAD_PID"

step "Waiting for the outbox to drain (at most 20 minutes)"
for _ in $(seq 1 1200); do
  queued=$(psql_at "select count(*) from outbox where status = 'queued'")
  [ "$queued" = 0 ] && { echo "drained $(now_ms)" >> "$WORK/events.log"; break; }
  sleep 1
done
sleep 2   # the last sends' SMTP sessions close
psql_at "select count(*) filter (where status = 'queued') || ' queued, ' ||
  count(*) filter (where status = 'sent') || ' sent, ' ||
  count(*) filter (where status = 'failed') || ' failed, ' ||
  count(*) filter (where status = 'dropped') || ' dropped' from outbox" > "$WORK/outbox.txt"
psql_at "select email from invitations where email like '%@replicas.test'" > "$WORK/stored.txt"
# The replica that lived through the whole run: its SMTP transactions and how long each email's
# last line waited for its row's update.
curl -fsS -H 'authorization: Bearer replicas-metrics' "http://127.0.0.1:$PORT_B/metrics" \
  > "$WORK/metrics.txt" || note "the live replica's metrics could not be read"

step "Results in $RESULTS"
node scripts/replicas.mjs report "$WORK/requests.json" "$WORK/events.log" "$WORK/stored.txt" \
  "$WORK/outbox.txt" "http://127.0.0.1:$MAILDEV_WEB" "$RESULTS" "$WORK/metrics.txt"
