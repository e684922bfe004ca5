"""Public pages kept as rendered HTML for anonymous readers, under the change counter.

A search or product page costs 10-20 ms to build and is the same for every anonymous reader
of the same URL, in the same language, on the same day, while nothing it reads has changed.
Such a page is kept under those and the change counter of greenbm/figures.py (any committed
write to a table a page may read bumps it), plus whatever else the caller names (the search
index's state). A reader who is signed in, has a message waiting, or sends anything but GET
gets a page built for them, as does any render that wrote or fell back.

The one per-reader part of an anonymous page is the CSRF token of its forms (the language
switch): a kept page is rendered with a placeholder and each reader gets their own token in it.
"""

import secrets
from collections.abc import Callable, Hashable
from datetime import date

from flask import Flask, current_app, g, request
from flask import session as cookie_session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlmodel import Session

from greenbm.figures import figure_store, kept

_STORE = "kept_pages"
_RENDERING = "kept_page_rendering"
_NOT_KEPT = "kept_page_not_kept"
# Random per process: no text a reader sends can be mistaken for it.
_TOKEN = f"csrf-{secrets.token_hex(16)}"


class _NotKept(Exception):
    """Carries a page that must not be kept out of kept()."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page


def keepable() -> bool:
    """Return whether this request may get a kept page: an anonymous GET with no message."""
    return (
        current_app.config["KEPT_PAGES"] > 0
        and request.method == "GET"
        and not current_user.is_authenticated
        and not cookie_session.get("_flashes")
    )


def not_kept() -> None:
    """Mark the page being rendered as one not to keep (it fell back, or is for this reader)."""
    g.setdefault(_NOT_KEPT, True)


def kept_page(what: Hashable, render: Callable[[], str], *, session: Session) -> str:
    """Return render()'s page, rendered once per URL, language, day, counter and `what`.

    Each endpoint keeps up to KEPT_PAGES pages in this process, least recently used dropped.
    """
    if not keepable():
        return render()
    # A store per page (endpoint): many product pages read once do not push out the searches
    # that readers repeat.
    store = figure_store(f"{_STORE} {request.endpoint}", current_app.config["KEPT_PAGES"])
    key = (what, request.full_path, str(get_locale()), date.today().isoformat())

    def render_keepable() -> str:
        g.setdefault(_RENDERING, True)
        try:
            page = render()
        finally:
            g.pop(_RENDERING, None)
        if g.pop(_NOT_KEPT, False) or not isinstance(page, str):
            raise _NotKept(page)
        return page

    try:
        page = kept(key, render_keepable, session=session, store=store)
    except _NotKept as exc:
        page = exc.page
    return _with_token(page)


def _with_token(page):
    if isinstance(page, str) and _TOKEN in page:
        # The reader's own token, made (and put in their session) as an uncached render would.
        return page.replace(_TOKEN, generate_csrf())
    return page


def _placeholder_token() -> dict:
    if g.get(_RENDERING):
        return {"csrf_token": lambda: _TOKEN}
    return {}


def init_app(app: Flask) -> None:
    """Let kept renders put a placeholder where each reader's CSRF token goes."""
    app.context_processor(_placeholder_token)
