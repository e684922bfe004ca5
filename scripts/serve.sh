#!/usr/bin/env bash
# Serve the app with its search indexer: `flask catalog follow` applies the outbox to this
# instance's index while the web server (flask run, or gunicorn in production) answers.
set -euo pipefail
mode="${1:-dev}"
bin="$(dirname "$0")/../.venv/bin"
host="${HOST:-127.0.0.1}"
port="${PORT:-5000}"

"$bin/flask" catalog follow --interval "${FOLLOW_INTERVAL:-2}" &
follower=$!
trap 'kill $follower 2>/dev/null || true' EXIT INT TERM

if [ "$mode" = prod ]; then
  "$bin/gunicorn" --workers "${WORKERS:-4}" --bind "$host:$port" 'greenbm:create_app()'
else
  "$bin/flask" run --host "$host" --port "$port"
fi
