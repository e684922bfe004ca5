#!/usr/bin/env bash
# Run schemathesis against the whole /api/v1 OpenAPI document of a freshly seeded app.
# Schemathesis lives in its own virtual environment (installed from uv.lock's `fuzz` group): it
# pins pytest plugins and versions that must not leak into the project's test environment.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${SCHEMATHESIS_PORT:-5099}"
venv=.venv-schemathesis
# The locked `fuzz` group of uv.lock, alone (not the project) in its own virtualenv.
uv=.venv-uv/bin/uv
[ -x "$uv" ] || make --no-print-directory "$uv"
UV_PROJECT_ENVIRONMENT="$venv" UV_PYTHON_DOWNLOADS=never UV_LINK_MODE=copy \
  "$uv" sync --locked --only-group fuzz --quiet

instance="$(mktemp -d)"
export INSTANCE_DIR="$instance" FLASK_APP=greenbm
# The bulk endpoints are rate-limited per address; the fuzzer is one address.
export ELIGIBILITY_BULK_RATE_LIMIT="100000 per hour" DOCUMENT_CHECK_RATE_LIMIT="100000 per hour"
.venv/bin/flask db upgrade >/dev/null
.venv/bin/flask seed >/dev/null
.venv/bin/flask catalog reindex >/dev/null
.venv/bin/flask run --host 127.0.0.1 --port "$port" >"$instance/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$instance"' EXIT
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 1; done

# All checks but positive_data_acceptance: the API also validates what JSON Schema cannot
# express (a credit code's check character, category names held in the database), so a
# schema-valid random string may rightly get a 400 that names the parameter.
"$venv/bin/schemathesis" run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-examples "${SCHEMATHESIS_EXAMPLES:-25}" --workers 2 --wait-for-schema 30
