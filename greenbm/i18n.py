"""Language choice: the browser's preference, overridden by the switch in the header."""

import math

from flask import (
    Blueprint,
    Flask,
    current_app,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, get_translations, ngettext
from jinja2 import pass_context
from markupsafe import Markup

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
    return localized_in(current_language(), obj, field)


def localized_in(language: str, obj, field: str = "name") -> str:
    """Return the record's field in the language ("en" or "zh"): English falls back to Chinese."""
    zh = getattr(obj, f"{field}_zh", None) or ""
    if language == "en":
        return getattr(obj, f"{field}_en", None) or zh
    return zh


def wait_text(seconds: int) -> str:
    """Return how long to wait, in the reader's language: seconds up to 90, else minutes."""
    if seconds <= 90:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    # Rounded up, so the reader who waits that long is let in.
    return ngettext("%(num)d minute", "%(num)d minutes", math.ceil(seconds / 60))


def template_translations() -> dict:
    """Return gettext, ngettext and localized for one render, bound to the current language.

    Flask-Babel's own template callables look up the request's domain, locale and translation
    cache again for every string: a search page has a few hundred strings, and those look-ups
    cost far more than the translation itself. Resolved once per render instead (a render
    inside force_locale gets that locale's), with Jinja's newstyle rules: the result is
    escaped when autoescaping and always formatted with its variables.
    """
    translations = get_translations()

    @pass_context
    def gettext(context, string: str, **variables) -> str:
        text = translations.ugettext(string)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    @pass_context
    def template_ngettext(context, singular: str, plural: str, num: int, **variables) -> str:
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    # A page names some seventy records (categories, makers, variants): their language too is
    # resolved once per render, not through Flask-Babel's look-ups for each one.
    language = current_language()

    def localized_once(obj, field: str = "name") -> str:
        return localized_in(language, obj, field)

    # `_` too: Jinja's own alias would resolve `gettext` and call it again on every string.
    return {
        "gettext": gettext,
        "_": gettext,
        "ngettext": template_ngettext,
        "localized": localized_once,
    }


def init_app(app: Flask) -> None:
    """Give every rendered template the per-render translation callables."""
    app.context_processor(template_translations)


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
