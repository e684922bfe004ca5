"""Invisible and control characters in typed text: refused with a message naming the field,
nothing stored; text stored in composed (NFC) form; a NUL is a message, never a 500."""

import json
from pathlib import Path

import pytest
from sqlmodel import select

from accounts.models import Organisation
from catalog.models import Product
from tests import factories
from tests.accounts.test_registration import _counts, _form
from tests.catalog.test_registry_views import (
    counts,
    import_file,
    maker,  # noqa: F401 (a fixture the tests below take by name)
    parse,
    product_form,
)

DATA = Path(__file__).parents[1] / "catalog" / "data"

FORBIDDEN = {
    "NUL": "\x00",
    "bell": "\x07",
    "escape": "\x1b",
    "delete": "\x7f",
    "C1 next line": "\x85",
    "C1 CSI": "\x9b",
    "left-to-right embedding": "\u202a",
    "right-to-left override": "\u202e",
    "right-to-left isolate": "\u2067",
    "pop directional isolate": "\u2069",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "tab in a single-line field": "\t",
    "line break in a single-line field": "\n",
}


def _new_product_url(session) -> str:
    return f"/manufacturer/products/new?category={factories.category(session, 'cement').id}"


def _message(field: str, character: str) -> str:
    return (
        f"“{field}” contains an invisible or control character (U+{ord(character):04X}): "
        "delete it, type the text again and send it."
    )


@pytest.mark.parametrize("character", FORBIDDEN.values(), ids=FORBIDDEN.keys())
def test_a_product_name_with_an_invisible_character_is_refused(maker, session, character):  # noqa: F811
    before = counts(session)
    data = product_form("cement", maker.plant.id, name_zh=f"普通硅酸盐水泥{character}P·O 42.5")
    response = maker.client.post(_new_product_url(session), data=data)
    assert response.status_code == 200
    assert parse(response).field_errors == {
        "name_zh": [_message("Product name (Chinese)", character)]
    }
    assert counts(session) == before


@pytest.mark.parametrize("character", FORBIDDEN.values(), ids=FORBIDDEN.keys())
def test_a_company_name_with_an_invisible_character_is_refused(client, session, character):
    before = _counts(session)
    response = client.post("/register", data=_form(name_zh=f"贵州{character}建材有限公司"))
    assert response.status_code == 200
    assert _message("Name in Chinese", character) in response.get_data(as_text=True)
    assert _counts(session) == before


def test_a_description_keeps_its_line_breaks_and_tabs(maker, session):  # noqa: F811
    text = "第一行\r\n\tindented line"
    data = product_form("cement", maker.plant.id, description=text)
    response = maker.client.post(_new_product_url(session), data=data)
    assert response.status_code == 302
    assert session.exec(select(Product)).one().description == text


def test_a_description_with_a_bidi_override_is_refused(maker, session):  # noqa: F811
    data = product_form("cement", maker.plant.id, description="see \u202eevil.exe\u202c")
    response = maker.client.post(_new_product_url(session), data=data)
    assert parse(response).field_errors == {"description": [_message("Description", "\u202e")]}
    assert session.exec(select(Product)).all() == []


def test_decomposed_text_is_stored_composed(client, session):
    decomposed = "Cafe\u0301 Materials Zu\u0308rich"
    response = client.post("/register", data=_form(name_en=decomposed))
    assert response.status_code == 200  # "check your e-mail", as for every registration
    organisation = session.exec(select(Organisation)).one()
    assert organisation.name_en == "Café Materials Zürich"
    assert len(organisation.name_en) == len(decomposed) - 2


def test_a_nul_in_a_form_is_a_message_not_a_500(maker, session):  # noqa: F811
    """On PostgreSQL a NUL reaching the database raises; it must be stopped at the form."""
    data = product_form("cement", maker.plant.id, name_en="Cement\x00")
    response = maker.client.post(_new_product_url(session), data=data)
    # A form is shown again with its messages, as for every refused form of this site.
    assert response.status_code == 200
    assert parse(response).field_errors == {"name_en": [_message("Product name (English)", "\x00")]}
    assert session.exec(select(Product)).all() == []


def test_a_nul_in_an_openepd_file_answers_400(maker, session):  # noqa: F811
    doc = json.loads((DATA / "epd_valid_cement.json").read_text(encoding="utf-8"))
    doc["product_name"] = "Cement\x00\u202e"
    raw = json.dumps(doc).encode()
    response = import_file(maker.client, session, raw, maker.plant.id)
    assert response.status_code == 400
    assert _message("product_name", "\x00") in response.get_data(as_text=True)
    assert session.exec(select(Product)).all() == []


@pytest.mark.parametrize("character", ["\x00", "\u202e", "\u200b"])
def test_the_eligibility_api_names_an_invisible_character(client, character):
    response = client.get(
        "/api/v1/eligibility", query_string={"supplier": "x", "category": f"cement{character}"}
    )
    assert response.status_code == 400
    assert _message("category", character) in response.get_json()["detail"]
    answers = client.post(
        "/api/v1/eligibility", json=[{"supplier": f"9152{character}", "category": "cement"}]
    ).get_json()
    assert {"parameter": "supplier", "message": _message("supplier", character)} in answers[0][
        "errors"
    ]
