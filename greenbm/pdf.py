"""Printed documents: one Jinja environment, a fetcher locked to static files, WeasyPrint."""

import atexit
import gc
import mimetypes
import os
import shutil
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

from greenbm.document_fonts import document_fonts
from greenbm.paths import TEMPLATES_DIR

# A plain Jinja environment, not Flask's: documents are rendered in CLI commands and seeding
# too, outside any request, from plain values. autoescape=True is what keeps a hostile
# product name or description inert text.
_env = Environment(
    autoescape=True,
    loader=FileSystemLoader(TEMPLATES_DIR),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class FetchRefused(ValueError):
    """Raised by the document fetcher for any URL it does not allow."""


class TooManyPages(ValueError):
    """Raised when a document lays out on more pages than it may have."""


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint fetcher that serves only data: URIs and regular files inside static_dir."""

    def __init__(self, static_dir: str | Path) -> None:
        # fail_on_errors: a refused fetch aborts the render instead of leaving a silent gap;
        # the templates never reference anything this fetcher refuses.
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=True)
        self.static_root = Path(static_dir).resolve(strict=True)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        """Return the resource for a data: URI or a static file; FetchRefused for anything else."""
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            return self._static_file(url)
        raise FetchRefused(f"Document rendering may not fetch {url!r}.")

    def _static_file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise FetchRefused(f"Document rendering may not fetch {url!r}.")
        # resolve() collapses ".." and follows symlinks, so the containment check below
        # catches both a "../" escape and a symlink that points out of the static folder.
        try:
            # url2pathname percent-decodes once; decoding twice would turn %252e into ".".
            path = Path(url2pathname(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            raise FetchRefused(f"Document rendering may not fetch {url!r}.") from exc
        if not path.is_relative_to(self.static_root) or not path.is_file():
            raise FetchRefused(f"Document rendering may not fetch {url!r}.")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})


# One FontConfiguration per process and thread: building one loads fontconfig's font list and
# a new Pango font map, whose font and shaping caches would start cold on every document.
# Pango font maps are not shared between threads, and a forked worker builds its own.
_fonts = threading.local()


def font_configuration() -> FontConfiguration:
    """Return this thread's WeasyPrint font configuration, built on first use."""
    if getattr(_fonts, "pid", None) != os.getpid():
        _fonts.config = FontConfiguration()
        _fonts.pid = os.getpid()
        atexit.register(_remove_font_copies, weakref.ref(_fonts.config), os.getpid())
    return _fonts.config


def _remove_font_copies(config_ref: "weakref.ref[FontConfiguration]", pid: int) -> None:
    # WeasyPrint copies each @font-face file (the document fonts, ~12 MB) into a temporary
    # folder per configuration and removes it only in __del__, which an exiting interpreter
    # does not always run (seen under pytest): each process would leave its copies in /tmp.
    # A forked child inherits this hook; only the process that made the folder removes it.
    # Held weakly: a configuration already freed has removed its folder itself.
    folder = getattr(config_ref(), "_folder", None)
    if folder is not None and os.getpid() == pid:
        shutil.rmtree(folder, ignore_errors=True)


_collector = threading.Lock()
_collector_pauses = 0
_collector_was_enabled = False


@contextmanager
def _collector_paused() -> Iterator[None]:
    # A render builds a box tree of some 10^5 container objects, all cyclic garbage once the
    # PDF is written. While it grows, every generational collection walks it again, finding
    # nothing to free: a third of the render's time. Paused, the tree stays young and the
    # first collection after the render frees it in one pass. Renders in other threads share
    # the pause; the last one to finish restores the collector as it found it.
    global _collector_pauses, _collector_was_enabled
    with _collector:
        if _collector_pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _collector_pauses += 1
    try:
        yield
    finally:
        with _collector:
            _collector_pauses -= 1
            if _collector_pauses == 0 and _collector_was_enabled:
                gc.enable()


def render_pdf(
    template_name: str, context: dict, *, static_dir: str | Path, max_pages: int | None = None
) -> bytes:
    """Render a template with a plain context to PDF; TooManyPages past `max_pages`.

    The template also gets `fonts`: the @font-face rules and family lists of the document fonts.
    """
    fetcher = StaticOnlyFetcher(static_dir)
    # Relative URLs in the template resolve inside the static folder, never the working dir.
    static_base = path2url(str(fetcher.static_root)) + "/"
    markup = _env.get_template(template_name).render(
        {**context, "fonts": document_fonts(fetcher.static_root)}
    )
    with _collector_paused():
        html = HTML(string=markup, base_url=static_base, url_fetcher=fetcher)
        document = html.render(font_config=font_configuration())
        if max_pages is not None and len(document.pages) > max_pages:
            raise TooManyPages(
                f"{template_name} takes {len(document.pages)} pages, more than {max_pages}."
            )
        return document.write_pdf()
