"""Language choice: the browser's preference, overridden by the switch in the header."""

import math

from flask import Blueprint, current_app, has_request_context, redirect, request, session, url_for
from flask_babel import get_locale, ngettext

from greenbm.forms_util import is_local_path

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """Return the locale for this request: the user's switch first, then the browser."""
    if not has_request_context():  # the CLI and background jobs speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"])
    if best is None:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return "en" if best == "en" else "zh_CN"


def current_language() -> str:
    """Return "en" or "zh" for choosing between a record's English and Chinese fields."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh"


def localized(obj, field: str = "name") -> str:
    """Return obj.<field>_en in English (falling back to Chinese), else obj.<field>_zh."""
    zh = getattr(obj, f"{field}_zh", None) or ""
    if current_language() == "en":
        return getattr(obj, f"{field}_en", None) or zh
    return zh


def wait_text(seconds: int) -> str:
    """Return how long to wait, in the reader's language: seconds up to 90, else minutes."""
    if seconds <= 90:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    # Rounded up, so the reader who waits that long is let in.
    return ngettext("%(num)d minute", "%(num)d minutes", math.ceil(seconds / 60))


@bp.post("/lang/<code>")
def switch_language(code: str):
    """Remember the chosen language and go back to the page the user was on."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = request.form.get("next") or ""
    # Only paths on this site: never redirect off-site.
    if not is_local_path(target):
        target = url_for("home")
    return redirect(target)
