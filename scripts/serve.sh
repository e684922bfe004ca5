#!/usr/bin/env bash
# Serve the app with its search indexer: `flask catalog follow` applies the outbox to this
# instance's index while the web server (flask run, or gunicorn in production) answers.
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
trap 'kill -TERM $follower 2>/dev/null || true; wait $follower 2>/dev/null || true' EXIT INT TERM

if [ "$mode" = prod ]; then
  # Workers, timeout and logs: gunicorn.conf.py (WORKERS, HOST, PORT, GUNICORN_TIMEOUT, ...).
  HOST="$host" PORT="$port" "$bin/gunicorn" -c "$root/gunicorn.conf.py" 'greenbm:create_app()'
else
  "$bin/flask" run --host "$host" --port "$port"
fi
