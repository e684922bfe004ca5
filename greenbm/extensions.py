"""Flask extensions, created unbound and initialised in create_app, and the limits' helpers."""

import math
import time
from collections.abc import Callable

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

# Seconds sent with a 429 that no limit of the limiter answered for (none does today).
DEFAULT_RETRY_AFTER = 60

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
# RATELIMIT_HEADERS_ENABLED stays off: it would add X-RateLimit-* to every answer of a limited
# page, and its Retry-After can be 0 in the window's last second; the 429 page sends its own.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def configured_limit(name: str) -> Callable[[], str]:
    """Return a limit that reads the setting `name` of the app answering the request."""
    return lambda: current_app.config[name]


def retry_after() -> int:
    """Return the whole seconds, at least 1, until the limit this request broke lets it in."""
    limit = limiter.current_limit
    if limit is None or not limit.breached:
        return DEFAULT_RETRY_AFTER
    # From the window's exact end (`reset_at` has a second added already), rounded up: a
    # client that waits this long finds the window free.
    return max(1, math.ceil(limit.window.reset_time - time.time()))
