"""Printed documents: the fetcher (data: URIs and static files only), fonts, the collector."""

import gc
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from greenbm import pdf
from greenbm.paths import STATIC_DIR
from greenbm.pdf import FetchRefused, StaticOnlyFetcher


@pytest.fixture
def static_tree(tmp_path) -> Path:
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "ok.css").write_text("p { color: green }")
    (tmp_path / "secret.txt").write_text("secret")
    (static / "leak.txt").symlink_to(tmp_path / "secret.txt")
    return static


def test_fetcher_serves_static_files_and_data_uris(static_tree):
    fetcher = StaticOnlyFetcher(static_tree)
    response = fetcher.fetch((static_tree / "css" / "ok.css").as_uri())
    assert response.read() == b"p { color: green }"
    assert response.content_type == "text/css"
    response.close()
    response = fetcher.fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"
    response.close()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/x",
        "https://example.com/x.png",
        "ftp://example.com/x",
        "file://evil.example.com/etc/passwd",
        "javascript:alert(1)",
        "/etc/passwd",
    ],
)
def test_fetcher_refuses_everything_else(static_tree, url):
    with pytest.raises(FetchRefused):
        StaticOnlyFetcher(static_tree).fetch(url)


def test_fetcher_refuses_dot_dot_escapes_symlinks_out_and_missing_files(static_tree):
    fetcher = StaticOnlyFetcher(static_tree)
    for url in (
        f"file://{static_tree}/../secret.txt",
        f"file://{static_tree}/css/../../secret.txt",
        f"file://{static_tree}/%2e%2e/secret.txt",
        f"file://{static_tree}/%252e%252e/secret.txt",  # decoded once only: a missing name
        (static_tree / "leak.txt").as_uri(),  # a symlink pointing out of the static folder
        (static_tree / "css").as_uri(),  # a directory, not a file
        (static_tree / "missing.css").as_uri(),
    ):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)


def test_real_static_folder_is_served():
    fetcher = StaticOnlyFetcher(STATIC_DIR)
    response = fetcher.fetch((STATIC_DIR / "css" / "app.css").as_uri())
    assert response.read()
    response.close()


@pytest.fixture
def tiny_template(monkeypatch):
    """Render a one-line bilingual page instead of a real document."""
    env = Environment(autoescape=True, loader=DictLoader({"t.html": TINY}))
    monkeypatch.setattr(pdf, "_env", env)
    return "t.html"


TINY = "<p style=\"font-family: 'Noto Sans CJK SC'\">绿色建材 green materials</p>"


@pytest.fixture
def font_configurations(monkeypatch) -> list:
    """Count the WeasyPrint font configurations built, wherever they are built."""
    built = []
    original = FontConfiguration.__init__

    def counting(self):
        built.append(threading.get_ident())
        original(self)

    monkeypatch.setattr(FontConfiguration, "__init__", counting)
    return built


def test_font_configuration_is_built_once_per_thread(tiny_template, font_configurations):
    pdf.render_pdf(tiny_template, {}, static_dir=STATIC_DIR)
    first = len(font_configurations)
    pdf.render_pdf(tiny_template, {}, static_dir=STATIC_DIR)
    pdf.render_pdf(tiny_template, {}, static_dir=STATIC_DIR)
    assert len(font_configurations) == first <= 1

    other = threading.Thread(
        target=pdf.render_pdf, args=(tiny_template, {}), kwargs={"static_dir": STATIC_DIR}
    )
    other.start()
    other.join()
    assert len(font_configurations) == first + 1
    assert font_configurations[-1] == other.ident


def test_a_forked_process_builds_its_own_font_configuration(tiny_template, monkeypatch):
    config = pdf.font_configuration()
    assert pdf.font_configuration() is config
    monkeypatch.setattr(pdf.os, "getpid", lambda: -1)  # as seen from a forked worker
    assert pdf.font_configuration() is not config


def test_collector_is_paused_while_rendering_and_restored_after(tiny_template, monkeypatch):
    seen = []
    render = HTML.render

    def watching(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return render(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "render", watching)
    assert gc.isenabled()
    data = pdf.render_pdf(tiny_template, {}, static_dir=STATIC_DIR)
    assert data.startswith(b"%PDF") and seen == [False] and gc.isenabled()

    with pytest.raises(pdf.TooManyPages):  # restored after a failed render too
        pdf.render_pdf(tiny_template, {}, static_dir=STATIC_DIR, max_pages=0)
    assert gc.isenabled()

    gc.disable()  # a process that runs without the collector keeps running without it
    try:
        pdf.render_pdf(tiny_template, {}, static_dir=STATIC_DIR)
        assert not gc.isenabled()
    finally:
        gc.enable()


LEFT_ALIVE = """
import ctypes, sys
from greenbm import pdf
from greenbm.paths import STATIC_DIR
from jinja2 import DictLoader, Environment
pdf._env = Environment(autoescape=True, loader=DictLoader({"t.html": sys.argv[1]}))
pdf.render_pdf("t.html", {}, static_dir=sys.argv[2])
# As an exiting interpreter sometimes does (seen under pytest): never finalise the
# configuration, so WeasyPrint's own clean-up in __del__ does not run.
ctypes.pythonapi.Py_IncRef(ctypes.py_object(pdf.font_configuration()))
"""


def test_a_process_leaves_no_font_copies_behind(tmp_path, cut_fonts_static):
    # WeasyPrint copies each @font-face file (~12 MB for the document fonts) into a temporary
    # folder; every process that renders a document would otherwise leave one.
    template = "<style>{{ fonts.rules }} p { font-family: {{ fonts.sans }} }</style><p>绿色建材</p>"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    subprocess.run(
        [sys.executable, "-c", LEFT_ALIVE, template, str(cut_fonts_static)],
        env={**os.environ, "TMPDIR": str(scratch)},
        check=True,
        timeout=120,
    )
    assert list(scratch.iterdir()) == []
