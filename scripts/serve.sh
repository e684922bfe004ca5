#!/usr/bin/env bash
# Serve the app with its search indexer: `flask catalog follow` applies the outbox to this
# instance's index while the web server (flask run, or gunicorn in production) answers; and
# with `flask webhooks deliver`, which sends certificate events to registered webhooks.
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
trap 'kill -TERM $follower $webhooks 2>/dev/null || true; wait $follower $webhooks 2>/dev/null || true' EXIT INT TERM

if [ "$mode" = prod ]; then
  # Workers, timeout and logs: gunicorn.conf.py (WORKERS, HOST, PORT, GUNICORN_TIMEOUT, ...).
  HOST="$host" PORT="$port" "$bin/gunicorn" -c "$root/gunicorn.conf.py" 'greenbm:create_app()'
else
  "$bin/flask" run --host "$host" --port "$port"
fi
