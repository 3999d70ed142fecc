#!/usr/bin/env bash
# `make run`: installs what is missing, builds the release app and serves it on
# http://127.0.0.1:3000 with SQLite in ./data (emails written to ./data/mail until an SMTP
# server is configured). Every PORTICO_* variable from the README can be set before it.
source "$(dirname "$0")/tools.sh"
cd "$ROOT"

ensure_build_tools
step "Building Portico (release)"
build_site --release

mkdir -p data
export PORTICO_DATABASE_URL="${PORTICO_DATABASE_URL:-sqlite://data/portico.db?mode=rwc}"
export PORTICO_MAIL_DIR="${PORTICO_MAIL_DIR:-data/mail}"
export PORTICO_SITE_ROOT="${PORTICO_SITE_ROOT:-target/site}"
step "Serving Portico on ${PORTICO_PUBLIC_URL:-http://127.0.0.1:3000} (Ctrl-C stops it)"
exec target/release/server serve
