"""Templates translate through callables resolved once per render, with Jinja's newstyle rules."""

import flask_babel
import pytest
from flask import render_template_string
from flask_babel import force_locale

import greenbm.i18n


@pytest.fixture
def lookups(monkeypatch):
    """Count how often the request's translations are looked up (Flask-Babel's or ours)."""
    calls = []
    original = flask_babel.get_translations

    def counting():
        calls.append(1)
        return original()

    monkeypatch.setattr(flask_babel, "get_translations", counting)
    monkeypatch.setattr(greenbm.i18n, "get_translations", counting)
    return calls


def test_a_page_looks_up_its_translations_per_render_not_per_string(client, lookups):
    page = client.get("/catalog", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Catalogue of green building materials" in text and "Sign in" in text
    # The page translates dozens of strings (header, filters, table, footer).
    assert len(lookups) <= 5


@pytest.mark.parametrize(
    ("source", "english", "chinese"),
    [
        ("{{ _('Catalogue') }}", "Catalogue", "产品目录"),
        # Always formatted, escaped when autoescaping: a value never becomes markup.
        (
            "{{ _('Page %(page)d of %(pages)d', page=2, pages=3) }}",
            "Page 2 of 3",
            "第 2 页，共 3 页",
        ),
        ("{{ ngettext('%(num)d product', '%(num)d products', 1) }}", "1 product", "1 个产品"),
        ("{{ ngettext('%(num)d product', '%(num)d products', 3) }}", "3 products", "3 个产品"),
        (
            "{{ _('Sorted by GWP per %(unit)s, lowest first.', unit='<b>') }}",
            "Sorted by GWP per &lt;b&gt;, lowest first.",
            "&lt;b&gt;",
        ),
    ],
)
def test_template_strings_in_the_readers_language(app, source, english, chinese):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string(source) == english
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert chinese in render_template_string(source)
        with force_locale("en"):  # a render inside force_locale speaks that language
            assert render_template_string(source) == english
