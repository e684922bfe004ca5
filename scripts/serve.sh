#!/usr/bin/env bash
# Serve the app with its search indexer: `flask catalog follow` applies the outbox to this
# instance's index while the web server (flask run, or gunicorn in production) answers; and
# with `flask webhooks deliver`, which sends certificate events to registered webhooks, and
# `flask certification documents --follow`, which makes certificate PDFs once.
# The follower builds the index when there is none and otherwise catches up from where it
# stopped, so a restart needs no rebuild.
set -euo pipefail
mode="${1:-dev}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.venv/bin"
host="${HOST:-127.0.0.1}"
port="${PORT:-5000}"

"$bin/flask" catalog follow --interval "${FOLLOW_INTERVAL:-2}" &
follower=$!
# The webhook worker: fans certificate events out to the registered endpoints and sends them.
"$bin/flask" webhooks deliver --interval "${WEBHOOK_INTERVAL:-2}" &
webhooks=$!
# The documents worker renders and signs each certificate's PDF after it is issued or changes,
# so downloads send a stored file. Every PDF prints the public verification address: the
# development server's own address unless PUBLIC_BASE_URL says otherwise. In production
# without PUBLIC_BASE_URL, PDFs are made on their first download instead.
if [ "$mode" != prod ] && [ -z "${PUBLIC_BASE_URL:-}" ]; then
  export PUBLIC_BASE_URL="http://$host:$port/"
fi
workers=("$follower" "$webhooks")
if [ -n "${PUBLIC_BASE_URL:-}" ]; then
  "$bin/flask" certification documents --follow --interval "${DOCUMENTS_INTERVAL:-2}" &
  workers+=("$!")
else
  echo "PUBLIC_BASE_URL is not set: certificate PDFs will be made on their first download." >&2
fi
trap 'kill -TERM "${workers[@]}" 2>/dev/null || true; wait "${workers[@]}" 2>/dev/null || true' EXIT INT TERM

if [ "$mode" = prod ]; then
  # Workers, timeout and logs: gunicorn.conf.py (WORKERS, HOST, PORT, GUNICORN_TIMEOUT, ...).
  HOST="$host" PORT="$port" "$bin/gunicorn" -c "$root/gunicorn.conf.py" 'greenbm:create_app()'
else
  "$bin/flask" run --host "$host" --port "$port"
fi
