"""gunicorn settings for `make serve-prod` (scripts/serve.sh prod); each can be set by environment.

Run: gunicorn -c gunicorn.conf.py 'greenbm:create_app()'
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
# Sync workers: each request holds one worker; searches take milliseconds, a certificate PDF
# about a second. Two to four per core is the usual start; measure with bench/load.
workers = int(os.environ.get("WORKERS") or os.environ.get("WEB_CONCURRENCY") or 4)
# Long enough for a bulk eligibility check or a first certificate render, short enough that a
# stuck worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that slow growth (fragmentation) never accumulates. Not
# too often: a new worker starts with empty per-process stores (kept figures, peer groups,
# compiled templates and statements, open search readers) and pays about a second to fill them.
# At 2,000 a loaded worker restarted every half minute; the stores are bounded anyway.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# Load the app (and jieba's dictionary) once in the master; workers share those pages.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# gunicorn 25+ opens a control socket, by default one per user: one per instance instead, so
# that two instances on one host do not take each other's.
control_socket = os.path.join(os.environ.get("INSTANCE_DIR") or "instance", "gunicorn.ctl")
accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = "-"
# Behind a reverse proxy on this host: believe its X-Forwarded-Proto (https links). The client
# address the rate limits count by comes from X-Forwarded-For only with TRUSTED_PROXIES set.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server) -> None:
    """Warn when the workers would each keep their own rate-limit counters."""
    if workers > 1 and not os.environ.get("REDIS_URL"):
        server.log.warning(
            "REDIS_URL is not set: each of the %d workers counts sign-in attempts on its own, "
            "so the sign-in limit is %d times looser. Set REDIS_URL in production.",
            workers,
            workers,
        )


def post_fork(server, worker) -> None:
    """Give each worker its own database connections (none inherited from the master)."""
    if preload_app:
        app = worker.app.wsgi()
        app.extensions["db_engine"].dispose(close=False)
