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


class _Named:
    def __init__(self, zh, en, **more):
        self.name_zh, self.name_en = zh, en
        self.__dict__.update(more)


@pytest.mark.parametrize(
    ("record", "field", "english", "chinese"),
    [
        (_Named("水泥", "Cement"), "name", "Cement", "水泥"),
        (_Named("砌块", None), "name", "砌块", "砌块"),  # no English name: the Chinese one
        (_Named("", ""), "name", "", ""),
        (_Named("x", "y", variant_name_zh="品种", variant_name_en="Grade"), "variant_name",
         "Grade", "品种"),
    ],
)  # fmt: skip
def test_records_named_in_the_readers_language_once_per_render(
    app, monkeypatch, record, field, english, chinese
):
    calls = []
    original = greenbm.i18n.current_language
    monkeypatch.setattr(greenbm.i18n, "current_language", lambda: calls.append(1) or original())
    source = "{% for _ in range(20) %}{{ localized(r, f) }}|{% endfor %}"
    for headers, expected in (({"Accept-Language": "en"}, english), ({}, chinese)):
        with app.test_request_context(headers=headers):
            calls.clear()
            # The template's helper and the Python one agree, record by record.
            assert greenbm.i18n.localized(record, field) == expected
            assert render_template_string(source, r=record, f=field) == f"{expected}|" * 20
            assert len(calls) <= 2  # the Python call, then once for the whole render
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}), force_locale("en"):
        assert render_template_string(source, r=record, f=field) == f"{english}|" * 20
