"""Security headers sent with every response."""

from flask import Flask, Response, current_app, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


HSTS = "max-age=31536000; includeSubDomains"


def _served_over_https() -> bool:
    # Secure cookies are switched on exactly where the site is served over HTTPS (behind a
    # proxy that terminates TLS, request.is_secure may be false there).
    return request.is_secure or bool(current_app.config.get("SESSION_COOKIE_SECURE"))


def _private() -> bool:
    # Whatever a signed-in user receives may be theirs alone (their name in the header, their
    # drafts, their downloads): no cache, shared or in the browser, may keep it. Static files
    # are the same for everyone and stay cacheable.
    return request.endpoint != "static" and current_user.is_authenticated


def _add_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if _served_over_https():
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if _private() and "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Register the header hook."""
    app.after_request(_add_headers)
