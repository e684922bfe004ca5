"""View tests of the manufacturer's registry: every form's bad input and the happy paths."""

import hashlib
import io
import json
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from openepd.model.epd import Epd
from pypdf import PdfWriter
from sqlalchemy import func
from sqlmodel import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from catalog.evidence import MAX_EVIDENCE_BYTES
from catalog.models import (
    EvidenceFile,
    Plant,
    PlantEnergyFigure,
    Product,
    ProductIndicatorValue,
    ProductStatus,
)
from catalog.services import indicator_values
from tests import factories

DATA = Path(__file__).parent / "data"
TODAY = date.today()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()
OTHER = object()
"""Stands for the id of another manufacturer's plant in the case tables."""


# --- helpers --------------------------------------------------------------------------------


class PageParser(HTMLParser):
    """Collect a page's field errors (by field id), flashed errors and import problems."""

    def __init__(self) -> None:
        super().__init__()
        self.field_errors: dict[str, list[str]] = {}
        self.form_errors: list[str] = []
        self.flash_errors: list[str] = []
        self.problems: list[str] = []
        self._divs: list[str | None] = []
        self._field: str | None = None
        self._capture: tuple[str, list[str]] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "div":
            kind = None
            if "field" in classes:
                kind, self._field = "field", None
            elif "form-errors" in classes:
                kind = "problems" if attrs.get("data-testid") == "import-problems" else "form"
            self._divs.append(kind)
        elif tag == "label" and self._divs and self._divs[-1] == "field":
            self._field = attrs.get("for")
        elif tag == "p" and "error" in classes and "field" in self._divs:
            self._start("p", self.field_errors.setdefault(self._field, []))
        elif tag == "p" and self._divs and self._divs[-1] == "form":
            self._start("p", self.form_errors)
        elif tag == "li" and "flash-error" in classes:
            self._start("li", self.flash_errors)
        elif tag == "li" and "problems" in self._divs:
            self._start("li", self.problems)

    def _start(self, tag: str, target: list[str]) -> None:
        self._capture, self._text = (tag, target), []

    def handle_endtag(self, tag):
        if self._capture and tag == self._capture[0]:
            self._capture[1].append("".join(self._text).strip())
            self._capture = None
        elif tag == "div" and self._divs:
            self._divs.pop()

    def handle_data(self, data):
        if self._capture:
            self._text.append(data)


def parse(response) -> PageParser:
    """Return the parsed page of a response."""
    parser = PageParser()
    parser.feed(response.get_data(as_text=True))
    return parser


def count(session, model) -> int:
    """Return the number of rows, as committed by the requests so far."""
    session.commit()  # end the test's own read transaction, so it sees the latest commits
    return session.exec(select(func.count()).select_from(model)).one()


def counts(session) -> dict[str, int]:
    """Return the row count of every registry table."""
    models = (Plant, PlantEnergyFigure, Product, ProductIndicatorValue, EvidenceFile)
    return {m.__name__: count(session, m) for m in models}


def product_state(session, product_id: int) -> tuple[dict, dict[str, float]]:
    """Return a product's stored columns and indicator values, freshly read."""
    session.commit()
    session.expire_all()
    product = session.get(Product, product_id)
    values = indicator_values(session=session, product_id=product_id)
    return product.model_dump(), {code: row.value for code, row in values.items()}


def plant_state(session, plant_id: int) -> dict:
    """Return a plant's stored columns, freshly read."""
    session.commit()
    session.expire_all()
    return session.get(Plant, plant_id).model_dump()


def pdf_bytes(pages: int = 1) -> bytes:
    """Return a small valid PDF made with pypdf."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def post_files(client, url: str, data: dict):
    """Post a multipart form whose files are given as (bytes, name) pairs."""
    values = {
        k: FileStorage(io.BytesIO(v[0]), filename=v[1]) if isinstance(v, tuple) else v
        for k, v in data.items()
    }
    # Encoded in memory: the test client would spool a large body to a temporary file
    # that it leaves open.
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def upload(client, product_id: int, content: bytes, filename: str = "report.pdf", **fields):
    """Post an evidence file for a product."""
    data = {"kind": "type_test_report", "test_date": "2026-05-20", **fields}
    if content is not None:
        data["file"] = (content, filename)
    data = {k: v for k, v in data.items() if v is not None}
    return post_files(client, f"/manufacturer/products/{product_id}/evidence", data)


def import_file(
    client, session, raw: bytes, plant_id: int, category: str = "cement", variant: str = ""
):
    """Post an openEPD file to the import page."""
    data = {
        "category_id": str(factories.category(session, category).id),
        "plant_id": str(plant_id),
        "variant": variant,
        "file": (raw, "epd.json"),
    }
    return post_files(client, "/manufacturer/products/import", data)


@pytest.fixture
def maker(session, client, login):
    """Return a signed-in manufacturer (English pages) with one plant."""
    user = factories.make_manufacturer_user(session)
    plant = factories.make_plant(session, user, name="清镇生产基地")
    session.commit()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(user)
    return SimpleNamespace(user=user, plant=plant, client=client)


@pytest.fixture
def other_plant(session):
    """Return a plant of another manufacturer."""
    plant = factories.make_plant(session, factories.make_manufacturer_user(session))
    session.commit()
    return plant


# --- plant form -----------------------------------------------------------------------------

PLANT_FORM = {
    "name": "清镇第二生产基地",
    "division_code": "520100",
    "address": "贵州省清镇市站街镇",
    "capacity_kind": "clinker",
    "capacity": "4500",
    "capacity_unit": "t/d",
}

PLANT_CASES = [
    ("missing name", {"name": None}, "name", "This field is required."),
    ("empty name", {"name": ""}, "name", "This field is required."),
    ("blank name", {"name": "   "}, "name", "The plant name is required."),
    ("long name", {"name": "厂" * 201}, "name", "Enter at most 200 characters."),
    (
        "unknown division",
        {"division_code": "110000"},
        "division_code",
        "Choose one of the options in the list.",
    ),
    ("capacity 0", {"capacity": "0"}, "capacity", "Must be greater than 0."),
    ("negative capacity", {"capacity": "-4500"}, "capacity", "Must be greater than 0."),
    (
        "capacity not a number",
        {"capacity": "4,500 t"},
        "capacity",
        "Enter a number, e.g. 1500 or 12.5.",
    ),
    (
        "unknown capacity unit",
        {"capacity_unit": "bags"},
        "capacity_unit",
        "Choose one of the options in the list.",
    ),
]


def _form(base: dict, changes: dict) -> dict:
    data = {**base, **changes}
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("mode", ["new", "edit"])
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [c[1:] for c in PLANT_CASES],
    ids=[c[0] for c in PLANT_CASES],
)
def test_plant_form_refuses_bad_input(maker, session, mode, changes, field, message):
    url = "/manufacturer/plants/new" if mode == "new" else f"/manufacturer/plants/{maker.plant.id}"
    before, plant_before = counts(session), plant_state(session, maker.plant.id)
    response = maker.client.post(url, data=_form(PLANT_FORM, changes))
    assert response.status_code == 200
    page = parse(response)
    assert page.field_errors == {field: [message]}
    assert counts(session) == before
    assert plant_state(session, maker.plant.id) == plant_before


def test_plant_form_creates_and_edits_a_plant(maker, session):
    response = maker.client.post("/manufacturer/plants/new", data=PLANT_FORM)
    assert response.status_code == 302
    plant = session.exec(select(Plant).where(Plant.name == PLANT_FORM["name"])).one()
    assert response.headers["Location"] == f"/manufacturer/plants/{plant.id}"
    assert (plant.manufacturer_id, plant.division_code) == (maker.user.organisation_id, "520100")
    assert (plant.capacity, plant.capacity_unit, plant.capacity_kind) == (4500, "t/d", "clinker")
    listing = maker.client.get("/manufacturer/plants").get_data(as_text=True)
    assert PLANT_FORM["name"] in listing and "4,500 t/d (clinker)" in listing

    edited = {**PLANT_FORM, "name": "  清镇新基地 ", "capacity": "", "division_code": "522700"}
    assert maker.client.post(f"/manufacturer/plants/{plant.id}", data=edited).status_code == 302
    state = plant_state(session, plant.id)
    assert (state["name"], state["division_code"], state["capacity"]) == (
        "清镇新基地",
        "522700",
        None,
    )
    assert state["capacity_unit"] is None


# --- energy figure form ---------------------------------------------------------------------

ENERGY_FORM = {"year": str(TODAY.year - 1), "metric": "clinker_energy", "value": "104"}
YEAR_MESSAGE = f"Enter a year from 2000 to {TODAY.year}."

ENERGY_CASES = [
    ("next year", {"year": str(TODAY.year + 1)}, "year", YEAR_MESSAGE),
    ("year 1999", {"year": "1999"}, "year", YEAR_MESSAGE),
    ("missing year", {"year": None}, "year", "This field is required."),
    ("year not a number", {"year": "last year"}, "year", "Enter a whole number, e.g. 2025."),
    (
        "clinker energy too high",
        {"value": "1040"},
        "value",
        "1,040 kgce/t is outside the plausible range 60–250.",
    ),
    (
        "clinker energy too low",
        {"value": "10.4"},
        "value",
        "10.4 kgce/t is outside the plausible range 60–250.",
    ),
    (
        "negative electricity",
        {"metric": "electricity", "value": "-1"},
        "value",
        "-1 MWh is outside the plausible range 0–10,000,000.",
    ),
    ("unknown metric", {"metric": "co2_total"}, "metric", "Choose one of the options in the list."),
    ("missing value", {"value": None}, "value", "This field is required."),
]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [c[1:] for c in ENERGY_CASES],
    ids=[c[0] for c in ENERGY_CASES],
)
def test_energy_form_refuses_bad_input(maker, session, changes, field, message):
    before = counts(session)
    response = maker.client.post(
        f"/manufacturer/plants/{maker.plant.id}/energy", data=_form(ENERGY_FORM, changes)
    )
    assert response.status_code == 400
    page = parse(response)
    assert page.field_errors == {field: [message]}
    assert "Energy figures" in response.get_data(as_text=True)  # the plant page, re-rendered
    assert counts(session) == before


def test_energy_figure_is_recorded_then_corrected(maker, session):
    url = f"/manufacturer/plants/{maker.plant.id}/energy"
    response = maker.client.post(url, data=ENERGY_FORM)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/manufacturer/plants/{maker.plant.id}"
    page = maker.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Energy figure saved." in page and "104 kgce/t" in page

    assert maker.client.post(url, data={**ENERGY_FORM, "value": "99.5"}).status_code == 302
    assert count(session, PlantEnergyFigure) == 1
    figure = session.exec(select(PlantEnergyFigure)).one()
    assert (figure.year, figure.metric, figure.value, figure.unit) == (
        TODAY.year - 1,
        "clinker_energy",
        99.5,
        "kgce/t",
    )


# --- product form ---------------------------------------------------------------------------

PRODUCT_FORMS = {
    "cement": {
        "name_zh": "P·O 42.5 普通硅酸盐水泥",
        "name_en": "P.O 42.5 ordinary Portland cement",
        "series": "黔中",
        "model_spec": "P·O 42.5",
        "description": "普通硅酸盐水泥。",
        "declared_unit": "t",
        "gwp_a1a3": "655",
        "gwp_provenance": "verified_epd",
        "epd_programme_operator": "西南绿色建材 EPD 注册平台",
        "epd_registration_number": "EPD-GZ-2025-0001",
        "epd_verifier": "黔东第三方核查中心",
        "epd_issue_date": "2025-03-01",
        "epd_valid_until": "2030-02-28",
        "ind_clinker_energy": "104",
        "ind_cement_energy": "86",
        "ind_solid_waste_content": "18",
        "ind_strength_margin": "2.5",
    },
    "concrete": {
        "name_zh": "C30 预拌混凝土",
        "declared_unit": "m^3",
        "variant": "le_c30",
        "gwp_a1a3": "280",
        "gwp_provenance": "self_declared",
        "ind_scm_recycled_content": "32",
        "ind_strength_margin": "3",
    },
    "ceramic-tile": {
        "name_zh": "瓷质抛光砖 600×600",
        "declared_unit": "m^2",
        "variant": "e_le_0_5",
        "gwp_a1a3": "12.5",
        "gwp_provenance": "self_declared",
        "ind_tile_energy": "4.6",
        "ind_body_waste_content": "12",
        "ind_thickness": "9.5",
    },
}


def product_form(category: str, plant_id: int, /, **changes) -> dict:
    """Return valid product form data for the category, with changes (None removes a field)."""
    return _form({"plant_id": str(plant_id), **PRODUCT_FORMS[category]}, changes)


VERIFIED_EPD_REQUIRED = "Required when the GWP comes from a verified EPD."

PRODUCT_CASES = [
    ("GWP 0", "cement", {"gwp_a1a3": "0"}, "gwp_a1a3", "The GWP must be greater than 0 kgCO2e."),
    (
        "negative GWP",
        "cement",
        {"gwp_a1a3": "-655"},
        "gwp_a1a3",
        "The GWP must be greater than 0 kgCO2e.",
    ),
    ("missing GWP", "cement", {"gwp_a1a3": ""}, "gwp_a1a3", "This field is required."),
    (
        "GWP per kg, not per t",
        "cement",
        {"gwp_a1a3": "0.655"},
        "gwp_a1a3",
        "0.655 kgCO2e per declared unit is outside the plausible range 100–1500 for this "
        "category: check the unit.",
    ),
    (
        "GWP far above the category",
        "cement",
        {"gwp_a1a3": "6550"},
        "gwp_a1a3",
        "6550 kgCO2e per declared unit is outside the plausible range 100–1500 for this "
        "category: check the unit.",
    ),
    (
        "tile GWP per t, not per m2",
        "ceramic-tile",
        {"gwp_a1a3": "650"},
        "gwp_a1a3",
        "650 kgCO2e per declared unit is outside the plausible range 2–60 for this "
        "category: check the unit.",
    ),
    (
        "percentage above 100",
        "cement",
        {"ind_solid_waste_content": "118"},
        "ind_solid_waste_content",
        "Enter a value from 0 to 100 %.",
    ),
    (
        "negative percentage",
        "cement",
        {"ind_solid_waste_content": "-1"},
        "ind_solid_waste_content",
        "Enter a value from 0 to 100 %.",
    ),
    (
        "concrete percentage above 100",
        "concrete",
        {"ind_scm_recycled_content": "100.5"},
        "ind_scm_recycled_content",
        "Enter a value from 0 to 100 %.",
    ),
    (
        "clinker energy out of range",
        "cement",
        {"ind_clinker_energy": "1040"},
        "ind_clinker_energy",
        "Enter a value from 60 to 250 kgce/t.",
    ),
    (
        "tile energy out of range",
        "ceramic-tile",
        {"ind_tile_energy": "46"},
        "ind_tile_energy",
        "Enter a value from 1 to 20 kgce/m².",
    ),
    (
        "indicator not a number",
        "cement",
        {"ind_strength_margin": "2,5"},
        "ind_strength_margin",
        "Enter a number, e.g. 1500 or 12.5.",
    ),
    (
        "EPD valid until before issue",
        "cement",
        {"epd_valid_until": "2024-03-01"},
        "epd_valid_until",
        "Must be after the EPD issue date.",
    ),
    (
        "EPD valid until on the issue date",
        "cement",
        {"epd_valid_until": "2025-03-01"},
        "epd_valid_until",
        "Must be after the EPD issue date.",
    ),
    (
        "EPD issued in the future",
        "cement",
        {"epd_issue_date": TOMORROW, "epd_valid_until": "2031-01-01"},
        "epd_issue_date",
        "The date cannot be in the future.",
    ),
    (
        "EPD date not a date",
        "cement",
        {"epd_issue_date": "1 March 2025"},
        "epd_issue_date",
        "Enter a date as year-month-day, e.g. 2026-03-01.",
    ),
    (
        "verified EPD without registration number",
        "cement",
        {"epd_registration_number": ""},
        "epd_registration_number",
        VERIFIED_EPD_REQUIRED,
    ),
    (
        "verified EPD without verifier",
        "cement",
        {"epd_verifier": ""},
        "epd_verifier",
        VERIFIED_EPD_REQUIRED,
    ),
    (
        "verified EPD, not registered, without verifier",
        "cement",
        {"gwp_provenance": "verified_epd_unregistered", "epd_verifier": ""},
        "epd_verifier",
        VERIFIED_EPD_REQUIRED,
    ),
    (
        "verified LCA without verifier",
        "cement",
        {"gwp_provenance": "verified_lca", "epd_verifier": ""},
        "epd_verifier",
        "Name the verifier: required when the GWP comes from a verified LCA.",
    ),
    (
        "verified EPD without dates",
        "cement",
        {"epd_valid_until": ""},
        "epd_valid_until",
        VERIFIED_EPD_REQUIRED,
    ),
    (
        "concrete without variant",
        "concrete",
        {"variant": None},
        "variant",
        "This field is required.",
    ),
    (
        "concrete unknown variant",
        "concrete",
        {"variant": "c80"},
        "variant",
        "Choose one of the options in the list.",
    ),
    (
        "ceramic tile without variant",
        "ceramic-tile",
        {"variant": None},
        "variant",
        "This field is required.",
    ),
    (
        "unit of another category",
        "cement",
        {"declared_unit": "m^3"},
        "declared_unit",
        "Choose one of the options in the list.",
    ),
    (
        "unknown provenance",
        "cement",
        {"gwp_provenance": "guess"},
        "gwp_provenance",
        "Choose one of the options in the list.",
    ),
    ("missing Chinese name", "cement", {"name_zh": ""}, "name_zh", "This field is required."),
    (
        "plant of another manufacturer",
        "cement",
        {"plant_id": OTHER},
        "plant_id",
        "Choose one of the options in the list.",
    ),
    (
        "plant that does not exist",
        "cement",
        {"plant_id": "999999"},
        "plant_id",
        "Choose one of the options in the list.",
    ),
]


@pytest.mark.parametrize("category", list(PRODUCT_FORMS))
def test_valid_product_form_creates_a_draft(maker, session, category):
    """The control for the table below: the unchanged form data is accepted."""
    category_id = factories.category(session, category).id
    response = maker.client.post(
        f"/manufacturer/products/new?category={category_id}",
        data=product_form(category, maker.plant.id),
    )
    assert response.status_code == 302
    product = session.exec(select(Product)).one()
    assert response.headers["Location"] == f"/manufacturer/products/{product.id}"
    assert (product.category_id, product.status) == (category_id, ProductStatus.DRAFT)
    expected = {
        k.removeprefix("ind_"): float(v) for k, v in PRODUCT_FORMS[category].items() if "ind_" in k
    }
    assert product_state(session, product.id)[1] == expected


def _resolve(changes: dict, other_plant) -> dict:
    return {k: (str(other_plant.id) if v is OTHER else v) for k, v in changes.items()}


@pytest.mark.parametrize(
    ("category", "changes", "field", "message"),
    [c[1:] for c in PRODUCT_CASES],
    ids=[c[0] for c in PRODUCT_CASES],
)
def test_new_product_form_refuses_bad_input(
    maker, session, other_plant, category, changes, field, message
):
    category_id = factories.category(session, category).id
    before = counts(session)
    data = product_form(category, maker.plant.id, **_resolve(changes, other_plant))
    response = maker.client.post(f"/manufacturer/products/new?category={category_id}", data=data)
    assert response.status_code == 200
    page = parse(response)
    assert page.field_errors == {field: [message]}
    assert 'name="gwp_a1a3"' in response.get_data(as_text=True)  # the form, re-rendered
    assert counts(session) == before


CEMENT_CASES = [c for c in PRODUCT_CASES if c[1] == "cement"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [c[2:] for c in CEMENT_CASES],
    ids=[c[0] for c in CEMENT_CASES],
)
def test_edit_product_form_refuses_bad_input(maker, session, other_plant, changes, field, message):
    product = factories.make_product(session, maker.user, maker.plant)
    session.commit()
    before, state = counts(session), product_state(session, product.id)
    data = product_form("cement", maker.plant.id, **_resolve(changes, other_plant))
    response = maker.client.post(f"/manufacturer/products/{product.id}/edit", data=data)
    assert response.status_code == 200
    assert parse(response).field_errors == {field: [message]}
    assert counts(session) == before
    assert product_state(session, product.id) == state


def test_published_product_cannot_lose_an_indicator_value(maker, session):
    product = factories.make_product(session, maker.user, maker.plant)
    session.commit()
    url = f"/manufacturer/products/{product.id}"
    assert maker.client.post(f"{url}/publish").status_code == 302
    state = product_state(session, product.id)
    data = product_form("cement", maker.plant.id, ind_cement_energy="", gwp_a1a3="640")
    response = maker.client.post(f"{url}/edit", data=data)
    assert response.status_code == 200
    assert parse(response).field_errors == {
        "ind_cement_energy": ["A value is required before publishing."]
    }
    assert product_state(session, product.id) == state


# --- product happy path: create, edit, publish, withdraw ------------------------------------


def test_product_life_cycle_through_the_pages(maker, session, app):
    cement_id = factories.category(session, "cement").id
    choose = maker.client.get("/manufacturer/products/new").get_data(as_text=True)
    assert f"/manufacturer/products/new?category={cement_id}" in choose
    form_page = maker.client.get(f"/manufacturer/products/new?category={cement_id}")
    assert form_page.status_code == 200 and "kgce/t" in form_page.get_data(as_text=True)

    response = maker.client.post(
        f"/manufacturer/products/new?category={cement_id}",
        data=product_form("cement", maker.plant.id),
    )
    assert response.status_code == 302
    product_url = response.headers["Location"]
    product_id = int(product_url.rsplit("/", 1)[1])
    page = maker.client.get(product_url).get_data(as_text=True)
    assert "Product saved as a draft." in page
    assert "655" in page and "104 kgce/t" in page and "18 %" in page
    assert "P.O 42.5 ordinary Portland cement" in maker.client.get(
        "/manufacturer/products"
    ).get_data(as_text=True)

    edited = product_form("cement", maker.plant.id, gwp_a1a3="612.5", ind_strength_margin="")
    response = maker.client.post(f"{product_url}/edit", data=edited)
    assert response.status_code == 302 and response.headers["Location"] == product_url
    stored, values = product_state(session, product_id)
    assert stored["gwp_a1a3"] == 612.5
    assert "strength_margin" not in values  # a draft may be incomplete

    # Incomplete: refused, with the missing indicator named at its field.
    response = maker.client.post(f"{product_url}/publish")
    assert response.status_code == 400
    page = parse(response)
    assert page.field_errors == {"ind_strength_margin": ["A value is required before publishing."]}
    assert "Complete the product before publishing it." in page.flash_errors
    assert product_state(session, product_id)[0]["status"] == ProductStatus.DRAFT

    edited["ind_strength_margin"] = "2.0"
    assert maker.client.post(f"{product_url}/edit", data=edited).status_code == 302
    response = maker.client.post(f"{product_url}/publish")
    assert response.status_code == 302 and response.headers["Location"] == product_url
    assert product_state(session, product_id)[0]["status"] == ProductStatus.PUBLISHED

    visitor = app.test_client()  # not signed in
    catalogue = visitor.get("/catalog?uncertified=1").get_data(as_text=True)  # not certified
    assert f"/catalog/products/{product_id}" in catalogue
    public = visitor.get(f"/catalog/products/{product_id}")
    assert public.status_code == 200
    assert "P·O 42.5 普通硅酸盐水泥" in public.get_data(as_text=True)
    assert "612.5" in public.get_data(as_text=True)

    response = maker.client.post(f"{product_url}/withdraw")
    assert response.status_code == 302
    assert product_state(session, product_id)[0]["status"] == ProductStatus.DRAFT
    assert visitor.get(f"/catalog/products/{product_id}").status_code == 404
    catalogue = visitor.get("/catalog?uncertified=1").get_data(as_text=True)
    assert f"/catalog/products/{product_id}" not in catalogue


def test_imported_product_without_indicators_cannot_be_published(maker, session):
    raw = (DATA / "epd_valid_cement.json").read_bytes()
    response = import_file(maker.client, session, raw, maker.plant.id)
    assert response.status_code == 302
    product_id = int(response.headers["Location"].split("/")[-2])
    response = maker.client.post(f"/manufacturer/products/{product_id}/publish")
    assert response.status_code == 400
    required = ["A value is required before publishing."]
    assert parse(response).field_errors == {
        f"ind_{code}": required for code in factories.CEMENT_VALUES
    }
    assert product_state(session, product_id)[0]["status"] == ProductStatus.DRAFT
    assert maker.client.get(f"/catalog/products/{product_id}").status_code == 404


# --- evidence -------------------------------------------------------------------------------


@pytest.fixture
def product(maker, session):
    """Return a draft cement product of the signed-in manufacturer."""
    item = factories.make_product(session, maker.user, maker.plant)
    session.commit()
    return item


def _evidence_dir(app) -> list[Path]:
    return sorted(Path(app.config["EVIDENCE_DIR"]).iterdir())


EVIDENCE_CASES = [
    (
        "text file renamed .pdf",
        {"content": "检验报告\nsee attachment\n".encode()},
        "file",
        "Only PDF files are accepted, and this file is not a PDF.",
    ),
    (
        "PDF header over garbage",
        {"content": b"%PDF-1.7\n" + b"\x00garbage" * 100},
        "file",
        "Only PDF files are accepted, and this file is not a PDF.",
    ),
    ("empty file", {"content": b""}, "file", "The file is empty."),
    ("no file", {"content": None}, "file", "This field is required."),
    (
        "type-test report without test date",
        {"test_date": ""},
        "test_date",
        "Enter the date of the type test.",
    ),
    (
        "test date in the future",
        {"test_date": TOMORROW},
        "test_date",
        "The date cannot be in the future.",
    ),
    (
        "test date not a date",
        {"test_date": "20/05/2026"},
        "test_date",
        "Enter a date as year-month-day, e.g. 2026-03-01.",
    ),
    ("unknown kind", {"kind": "invoice"}, "kind", "Choose one of the options in the list."),
]


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [c[1:] for c in EVIDENCE_CASES],
    ids=[c[0] for c in EVIDENCE_CASES],
)
def test_evidence_upload_refuses_bad_input(app, maker, session, product, case, field, message):
    case = dict(case)
    content = case.pop("content", pdf_bytes())
    before = counts(session)
    response = upload(maker.client, product.id, content, **case)
    assert response.status_code == 400
    page = parse(response)
    assert page.field_errors == {field: [message]}
    assert "Attach PDF" in response.get_data(as_text=True)  # the product page, re-rendered
    assert counts(session) == before
    assert _evidence_dir(app) == []


def _oversize_pdf() -> bytes:
    pdf = pdf_bytes()
    return pdf + b"%" + b"0" * (MAX_EVIDENCE_BYTES + 1 - len(pdf) - 1)


def test_evidence_over_20_mb_is_refused_by_the_form(app, maker, session, product):
    """The request limit leaves room above 20 MB, so the upload check says what is wrong."""
    content = _oversize_pdf()
    assert len(content) == MAX_EVIDENCE_BYTES + 1
    before = counts(session)
    response = upload(maker.client, product.id, content)
    assert response.status_code == 400
    assert parse(response).field_errors == {"file": ["The file is larger than 20 MB."]}
    assert counts(session) == before
    assert _evidence_dir(app) == []


def test_a_request_over_the_limit_gets_a_page_naming_the_limit(app, maker, session, product):
    """Beyond MAX_CONTENT_LENGTH the request is refused before any view, with a clear page."""
    before = counts(session)
    content = pdf_bytes() + b"%" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = upload(maker.client, product.id, content)
    assert response.status_code == 413
    ceiling = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    assert f"larger than the {ceiling} MB this site accepts" in response.get_data(as_text=True)
    assert counts(session) == before
    assert _evidence_dir(app) == []


def test_evidence_of_exactly_20_mb_is_accepted(app, maker, session, product):
    pdf = pdf_bytes()
    content = pdf + b"%" + b"0" * (MAX_EVIDENCE_BYTES - len(pdf) - 1)
    assert len(content) == MAX_EVIDENCE_BYTES
    response = upload(maker.client, product.id, content)
    assert response.status_code == 302
    assert count(session, EvidenceFile) == 1


def test_evidence_upload_download_and_delete(app, maker, session, product):
    content = pdf_bytes(pages=2)
    name = "型式检验报告 2026.pdf"
    response = upload(maker.client, product.id, content, filename=name)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/manufacturer/products/{product.id}"
    evidence = session.exec(select(EvidenceFile)).one()
    assert (evidence.original_name, evidence.size, evidence.kind) == (
        name,
        len(content),
        "type_test_report",
    )
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.test_date == date(2026, 5, 20)
    assert [p.name for p in _evidence_dir(app)] == [evidence.stored_name]
    assert evidence.stored_name != name and evidence.stored_name.endswith(".pdf")
    page = maker.client.get(f"/manufacturer/products/{product.id}").get_data(as_text=True)
    assert "Document attached." in page and name in page

    with maker.client.get(f"/manufacturer/evidence/{evidence.id}") as download:
        assert download.status_code == 200
        assert download.data == content
        assert download.mimetype == "application/pdf"
        disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(name)}" in disposition

    response = maker.client.post(f"/manufacturer/evidence/{evidence.id}/delete")
    assert response.status_code == 302
    assert count(session, EvidenceFile) == 0
    assert _evidence_dir(app) == []
    assert maker.client.get(f"/manufacturer/evidence/{evidence.id}").status_code == 404


def test_evidence_name_is_never_a_path(app, maker, session, product):
    response = upload(maker.client, product.id, pdf_bytes(), filename="../../etc/报告.pdf")
    assert response.status_code == 302
    evidence = session.exec(select(EvidenceFile)).one()
    assert evidence.original_name == "报告.pdf"
    assert [p.name for p in _evidence_dir(app)] == [evidence.stored_name]


def test_evidence_whose_file_is_gone_can_still_be_removed(app, maker, session, product):
    assert upload(maker.client, product.id, pdf_bytes()).status_code == 302
    evidence = session.exec(select(EvidenceFile)).one()
    (Path(app.config["EVIDENCE_DIR"]) / evidence.stored_name).unlink()
    assert maker.client.get(f"/manufacturer/evidence/{evidence.id}").status_code == 404
    response = maker.client.post(f"/manufacturer/evidence/{evidence.id}/delete")
    assert response.status_code == 302
    assert count(session, EvidenceFile) == 0


# --- openEPD import and export --------------------------------------------------------------


def test_import_of_a_valid_file_creates_a_draft(maker, session):
    raw = (DATA / "epd_valid_cement.json").read_bytes()
    response = import_file(maker.client, session, raw, maker.plant.id)
    assert response.status_code == 302
    product = session.exec(select(Product)).one()
    assert response.headers["Location"] == f"/manufacturer/products/{product.id}/edit"
    assert product.gwp_a1a3 == pytest.approx(684.2)  # EF 3.1 preferred to IPCC AR5 (680)
    assert (product.declared_unit, product.status, product.plant_id) == (
        "t",
        ProductStatus.DRAFT,
        maker.plant.id,
    )
    assert product.name_zh == "黔中牌 P·O 42.5 普通硅酸盐水泥"
    assert product.gwp_provenance == "verified_epd"
    assert product.epd_registration_number == "GZBM-EPD-2024-0137"
    assert (product.epd_issue_date, product.epd_valid_until) == (
        date(2024, 3, 15),
        date(2029, 3, 14),
    )
    assert count(session, ProductIndicatorValue) == 0
    page = maker.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported as a draft." in page and 'value="684.2' in page


@pytest.mark.parametrize(
    ("name", "category", "variant", "gwp"),
    [
        ("epd_valid_concrete.json", "concrete", "le_c30", 310.2),
        ("epd_valid_tile.json", "ceramic-tile", "e_le_0_5", 12.5),
    ],
)
def test_import_of_a_valid_file_of_a_category_with_variants(
    maker, session, name, category, variant, gwp
):
    response = import_file(
        maker.client, session, (DATA / name).read_bytes(), maker.plant.id, category, variant
    )
    assert parse(response).problems == []
    assert response.status_code == 302
    product = session.exec(select(Product)).one()
    assert product.gwp_a1a3 == pytest.approx(gwp)
    assert product.variant == variant


def test_import_for_a_category_with_variants_needs_the_class(maker, session):
    raw = (DATA / "epd_valid_concrete.json").read_bytes()
    response = import_file(maker.client, session, raw, maker.plant.id, "concrete")
    assert response.status_code == 400
    assert parse(response).problems == ["Choose the product's class."]
    assert count(session, Product) == 0


def _cement_doc(change) -> bytes:
    doc = json.loads((DATA / "epd_valid_cement.json").read_text(encoding="utf-8"))
    change(doc)
    return json.dumps(doc).encode()


def _gwp(doc: dict) -> dict:
    """Return the GWP the importer reads: EF 3.1 (EN 15804+A2) is preferred to IPCC AR5."""
    return doc["impacts"]["EF 3.1"]["gwp"]["A1A2A3"]


IMPORT_PROBLEMS = [
    (
        "several problems",
        (DATA / "epd_several_problems.json").read_bytes(),
        "cement",
        [
            "The product name (product_name) is missing.",
            "The expiry date 2020-01-09 is not after the issue date 2025-01-10.",
            "Declared unit 1 m³ (volume) does not match the category unit t (mass).",
            "No GWP for modules A1-A3 (impacts.<method>.gwp.A1A2A3) was found.",
        ],
    ),
    (
        "concrete EPD for the cement category",
        (DATA / "epd_valid_concrete.json").read_bytes(),
        "cement",
        ["Declared unit 1 m³ (volume) does not match the category unit t (mass)."],
    ),
    (
        "tile EPD for the cement category",
        (DATA / "epd_valid_tile.json").read_bytes(),
        "cement",
        ["Declared unit 10 m² (area) does not match the category unit t (mass)."],
    ),
    ("not JSON", pdf_bytes(), "cement", ["The file is not UTF-8 text."]),
    (
        "reversed dates",
        _cement_doc(lambda d: d.update(valid_until="2019-03-14T00:00:00Z")),
        "cement",
        ["The expiry date 2019-03-14 is not after the issue date 2024-03-15."],
    ),
    (
        "negative GWP",
        _cement_doc(lambda d: _gwp(d).update(mean=-12.5)),
        "cement",
        ["GWP A1-A3 must be greater than zero, found -12.5 kgCO2e."],
    ),
    (
        "GWP not in CO2e",
        _cement_doc(lambda d: _gwp(d).update(unit="kg")),
        "cement",
        ["The GWP unit kg is not kgCO2e or convertible to it."],
    ),
]


@pytest.mark.parametrize(
    ("raw", "category", "problems"),
    [p[1:] for p in IMPORT_PROBLEMS],
    ids=[p[0] for p in IMPORT_PROBLEMS],
)
def test_import_lists_every_problem_and_creates_nothing(maker, session, raw, category, problems):
    before = counts(session)
    response = import_file(maker.client, session, raw, maker.plant.id, category)
    assert response.status_code == 400
    assert parse(response).problems == problems
    assert counts(session) == before


def test_import_refuses_a_file_over_5_mb(maker, session):
    raw = b" " * (5 * 1024 * 1024) + b"{}"
    response = import_file(maker.client, session, raw, maker.plant.id)
    assert response.status_code == 400
    assert parse(response).problems == ["An openEPD file is at most 5 MB."]
    assert counts(session)["Product"] == 0


IMPORT_FORM_CASES = [
    ("no file", {"file": None}, "file", "This field is required."),
    (
        "plant of another manufacturer",
        {"plant_id": OTHER},
        "plant_id",
        "Choose one of the options in the list.",
    ),
    (
        "unknown category",
        {"category_id": "999999"},
        "category_id",
        "Choose one of the options in the list.",
    ),
]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [c[1:] for c in IMPORT_FORM_CASES],
    ids=[c[0] for c in IMPORT_FORM_CASES],
)
def test_import_form_refuses_bad_input(maker, session, other_plant, changes, field, message):
    base = {
        "category_id": str(factories.category(session, "cement").id),
        "plant_id": str(maker.plant.id),
        "file": ((DATA / "epd_valid_cement.json").read_bytes(), "epd.json"),
    }
    data = _form(base, _resolve(changes, other_plant))
    before = counts(session)
    response = post_files(maker.client, "/manufacturer/products/import", data)
    assert response.status_code == 200
    assert parse(response).field_errors == {field: [message]}
    assert counts(session) == before


def test_export_then_import_round_trip(maker, session):
    original = factories.make_product(
        session, maker.user, maker.plant, description="水泥 for the round trip", gwp_a1a3=612.5
    )
    session.commit()
    response = maker.client.get(f"/manufacturer/products/{original.id}/openepd.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="product-{original.id}.openepd.json"'
    )
    epd = Epd.model_validate(json.loads(response.data))
    assert epd.product_name == original.name_en

    response = import_file(maker.client, session, response.data, maker.plant.id)
    assert response.status_code == 302
    copy_id = int(response.headers["Location"].split("/")[-2])
    assert copy_id != original.id
    fields = (
        "name_zh",
        "name_en",
        "model_spec",
        "description",
        "declared_unit",
        "gwp_provenance",
        "epd_programme_operator",
        "epd_registration_number",
        "epd_issue_date",
        "epd_valid_until",
        "plant_id",
        "manufacturer_id",
    )
    copy = product_state(session, copy_id)[0]
    source = product_state(session, original.id)[0]
    assert {f: copy[f] for f in fields} == {f: source[f] for f in fields}
    assert copy["gwp_a1a3"] == pytest.approx(612.5)
