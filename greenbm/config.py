"""Configuration read from the environment, with embedded defaults for a local run."""

import os
import secrets
from pathlib import Path

from greenbm.paths import DEFAULT_INSTANCE_DIR


def _secret_key(instance_dir: Path) -> str:
    """Return SECRET_KEY from the environment, else one generated once into the instance."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        # Written with 0600 so another local user cannot forge sessions.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def load_config(overrides: dict | None = None) -> dict:
    """Build the configuration dict from the environment and optional overrides."""
    overrides = dict(overrides or {})
    instance_dir = Path(
        overrides.get("INSTANCE_DIR") or os.environ.get("INSTANCE_DIR") or DEFAULT_INSTANCE_DIR
    )
    config = {
        "INSTANCE_DIR": str(instance_dir),
        "DATABASE_URL": os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance_dir / 'greenbm.sqlite3'}",
        "SEARCH_INDEX_DIR": os.environ.get("SEARCH_INDEX_DIR") or str(instance_dir / "index"),
        "EVIDENCE_DIR": os.environ.get("EVIDENCE_DIR") or str(instance_dir / "evidence"),
        # The request may be a little larger than the 20 MB evidence limit (form fields and
        # multipart framing), so that the service, not the server, answers a too-large file.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_REQUEST_MB", "21")) * 1024 * 1024,
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        # Sign-in attempts per account (the e-mail given), wherever they come from …
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        # … and per address, high enough for an office or campus behind one NAT address.
        "LOGIN_ADDRESS_RATE_LIMIT": os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "100 per minute"),
        "REGISTRATION_RATE_LIMIT": os.environ.get("REGISTRATION_RATE_LIMIT", "10 per hour"),
        # Each bulk eligibility check stores its result file for a day: limit per address.
        "ELIGIBILITY_BULK_RATE_LIMIT": os.environ.get("ELIGIBILITY_BULK_RATE_LIMIT", "60 per hour"),
        # Each certificate PDF check validates a signature (tens of milliseconds): per address.
        "DOCUMENT_CHECK_RATE_LIMIT": os.environ.get("DOCUMENT_CHECK_RATE_LIMIT", "30 per minute"),
        # Webhook endpoints whose plain-HTTP or private address is allowed (tests, a local
        # receiver): comma-separated host names; empty in production, where only public
        # HTTPS endpoints receive deliveries.
        "WEBHOOK_INSECURE_HOSTS": [
            h.strip() for h in os.environ.get("WEBHOOK_INSECURE_HOSTS", "").split(",") if h.strip()
        ],
        # Bulk eligibility calls with an organisation's API key, per key.
        "ELIGIBILITY_KEY_RATE_LIMIT": os.environ.get("ELIGIBILITY_KEY_RATE_LIMIT", "600 per hour"),
        # Days another body's certificate record counts as confirmed (catalog.certificate_status).
        "EXTERNAL_CERTIFICATE_MAX_AGE_DAYS": int(
            os.environ.get("EXTERNAL_CERTIFICATE_MAX_AGE_DAYS", "90")
        ),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL"),
        # Outgoing e-mail is written to this folder, one file per message (greenbm/mail.py).
        "MAIL_OUTBOX_DIR": os.environ.get("MAIL_OUTBOX_DIR") or str(instance_dir / "outbox"),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "noreply@greenbm.localhost"),
        "SIGNING_KEY_PATH": os.environ.get("SIGNING_KEY_PATH"),
        "SIGNING_CERT_PATH": os.environ.get("SIGNING_CERT_PATH"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": os.environ.get("DEFAULT_LOCALE", "zh_CN"),
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ["zh_CN", "en"],
        "PAGE_SIZE": 20,
        # Search pages, and product pages, each process keeps for anonymous readers
        # (greenbm/kept_pages.py); 0 builds every page afresh.
        "KEPT_PAGES": int(os.environ.get("KEPT_PAGES", "256")),
        "AUTO_MIGRATE": os.environ.get("AUTO_MIGRATE", "0") == "1",
        # Reverse proxies in front of the app (e.g. 1 for nginx): their X-Forwarded-For and
        # X-Forwarded-Proto are trusted, so rate limits count clients, not the proxy.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
    }
    config.update(overrides)
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = _secret_key(Path(config["INSTANCE_DIR"]))
    return config
