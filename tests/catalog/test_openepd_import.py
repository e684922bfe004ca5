"""openEPD import as a use case: stored provenance and GWP, pages, the bulk command, round trip."""

import html
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from accounts.models import Organisation
from catalog.models import Category, Product
from catalog.openepd.reading import import_openepd
from catalog.openepd.services import export_input, export_product, import_product
from catalog.openepd.writing import export_openepd
from greenbm.errors import Invalid
from seeds.loader import load_demo
from tests import factories

DATA = Path(__file__).parent / "data"


def _cement_doc(**changes) -> dict:
    doc = json.loads((DATA / "epd_valid_cement.json").read_text(encoding="utf-8"))
    doc.update(changes)
    return doc


def _raw(doc: dict) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


@pytest.fixture
def maker(session):
    user = factories.make_manufacturer_user(session)
    plant = factories.make_plant(session, user, name="清镇生产基地")
    session.commit()
    return user, plant


def _import(session, maker, doc: dict, code: str = "cement", today: date | None = None):
    user, plant = maker
    return import_product(
        session=session,
        actor=user,
        category_id=factories.category(session, code).id,
        plant_id=plant.id,
        raw=_raw(doc),
        today=today,
    )


def test_an_epd_without_registration_is_stored_as_verified_not_registered(session, maker):
    doc = _cement_doc()
    del doc["program_operator_doc_id"]
    product = _import(session, maker, doc)
    assert product.gwp_provenance == "verified_epd_unregistered"
    assert (product.epd_verifier, product.epd_registration_number) == ("Wang Li (fictional)", "")
    assert (product.gwp_indicator, product.gwp_lcia_method) == ("gwp", "EF 3.1")


def test_an_expired_epd_is_refused_and_nothing_is_stored(session, maker):
    with pytest.raises(Invalid) as refused:
        _import(session, maker, _cement_doc(), today=date(2029, 3, 15))
    assert refused.value.errors == {
        "file": [
            "The EPD expired on 2029-03-14 (valid_until): an expired EPD cannot supply new "
            "data. Ask the programme for the current EPD."
        ]
    }
    assert session.exec(select(Product)).all() == []


def test_wood_reads_fossil_gwp_because_its_category_data_says_so(session, maker):
    wood = factories.category(session, "wood-bamboo")
    assert wood.gwp_indicator == "gwp-fossil"
    doc = _cement_doc(
        declared_unit={"qty": 1, "unit": "m3"},
        impacts={
            "TRACI 2.1": {"gwp-fossil": {"A1A2A3": {"mean": 260.0, "unit": "kgCO2e"}}},
            "IPCC AR6": {
                "gwp": {"A1A2A3": {"mean": -410.0, "unit": "kgCO2e"}},
                "gwp-fossil": {"A1A2A3": {"mean": 240.0, "unit": "kgCO2e"}},
            },
        },
    )
    product = _import(session, maker, doc, code="wood-bamboo")
    assert (product.gwp_a1a3, product.gwp_indicator, product.gwp_lcia_method) == (
        240.0,
        "gwp-fossil",
        "IPCC AR6",
    )


def _page(client, login, user, url: str, language: str = "en") -> str:
    login(user)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    return html.unescape(client.get(url).get_data(as_text=True))


def test_product_pages_name_the_gwp_read_and_mark_an_expired_epd(session, maker, client, login):
    product = _import(session, maker, _cement_doc())
    session.commit()
    page = _page(client, login, maker[0], f"/manufacturer/products/{product.id}")
    assert "total GWP · LCIA method EF 3.1" in page
    assert "Verified by Wang Li (fictional)" in page
    assert 'data-testid="epd-expired"' not in page
    # The stored EPD has since expired: the page says so, with the date.
    product.epd_issue_date = date.today() - timedelta(days=400)
    product.epd_valid_until = date.today() - timedelta(days=1)
    session.add(product)
    session.commit()
    page = _page(client, login, maker[0], f"/manufacturer/products/{product.id}")
    expired = product.epd_valid_until.isoformat()
    assert f"This EPD expired on {expired}: the GWP rests on an out-of-date declaration." in page
    page = _page(client, login, maker[0], f"/manufacturer/products/{product.id}", "zh-CN")
    assert f"该 EPD 已于 {expired} 过期" in page


def test_import_page_refusal_names_the_field_in_chinese(session, maker, client, login):
    from tests.catalog.test_registry_views import import_file

    login(maker[0])
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    doc = _cement_doc(date_of_issue="next spring")
    response = import_file(client, session, _raw(doc), maker[1].id)
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "字段 date_of_issue 应为日期（如 2024-03-15），实际为 'next spring'。" in text
    assert "Input should" not in text


# --- the bulk command ---------------------------------------------------------------------


def test_import_openepd_command_reports_each_file(app, session, maker, tmp_path):
    user, plant = maker
    org = session.get(Organisation, user.organisation_id)
    good = tmp_path / "good.json"
    good.write_bytes(_raw(_cement_doc()))
    self_declared = tmp_path / "self.json"
    doc = _cement_doc()
    del doc["third_party_verifier_name"]
    self_declared.write_bytes(_raw(doc))
    expired = tmp_path / "expired.json"
    expired.write_bytes(
        _raw(_cement_doc(date_of_issue="2014-01-01T00:00:00Z", valid_until="2019-01-01T00:00:00Z"))
    )
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "catalog",
            "import-openepd",
            "--manufacturer",
            org.credit_code,
            "--category",
            "cement",
            str(good),
            str(expired),
            str(self_declared),
        ]
    )
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("[1/3] good.json: imported as draft product ")
    assert lines[1] == "[2/3] expired.json: refused."
    assert "2019-01-01" in lines[2] and "valid_until" in lines[2]  # in the default language
    assert lines[3].startswith("[3/3] self.json: imported as draft product ")
    assert lines[-1] == "2 imported, 1 refused."
    session.expire_all()
    products = session.exec(select(Product).order_by(Product.id)).all()
    assert [p.gwp_provenance for p in products] == ["verified_epd", "self_declared"]
    assert {p.plant_id for p in products} == {plant.id}


def test_import_openepd_command_takes_the_category_our_export_names(app, session, maker, tmp_path):
    user, _plant = maker
    original = factories.make_product(session, user)
    session.commit()
    doc = export_product(session=session, actor=user, product_id=original.id)
    path = tmp_path / "ours.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    org = session.get(Organisation, user.organisation_id)
    result = app.test_cli_runner().invoke(
        args=[
            "catalog",
            "import-openepd",
            "--manufacturer",
            org.credit_code,
            "--plant",
            str(original.plant_id),
            str(path),
        ]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "1 imported, 0 refused."


def test_import_openepd_command_refuses_an_unknown_company(app, tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{}", encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["catalog", "import-openepd", "--manufacturer", "915201000000000000", str(path)]
    )
    assert result.exit_code == 2 and "No organisation has the credit code" in result.output


# --- round trip over the demo catalogue ---------------------------------------------------

ROUND_TRIP_FIELDS = (
    "name_en",
    "model_spec",
    "declared_unit",
    "epd_programme_operator",
    "epd_registration_number",
    "epd_verifier",
    "gwp_provenance",
    "gwp_indicator",
    "gwp_lcia_method",
)


def test_every_demo_product_exports_and_imports_again_unchanged(session):
    load_demo(echo=lambda *a, **k: None, session=session)
    session.commit()
    products = session.exec(select(Product).order_by(Product.id)).all()
    assert len(products) >= 60
    kinds = set()
    for product in products:
        category = session.get(Category, product.category_id)
        text = json.dumps(export_openepd(export_input(product, session=session)))
        imported, problems = import_openepd(
            text.encode(),
            category_units=category.allowed_units,
            gwp_indicator=category.gwp_indicator,
            today=product.epd_issue_date or date.today(),
        )
        assert problems == [], (product.name_zh, problems)
        for name in ROUND_TRIP_FIELDS:
            assert getattr(imported, name) == (getattr(product, name) or ""), (
                product.name_zh,
                name,
            )
        assert (imported.epd_issue_date, imported.epd_valid_until) == (
            product.epd_issue_date,
            product.epd_valid_until,
        )
        assert imported.name_zh == product.name_zh
        assert imported.description == product.description
        assert imported.gwp_a1a3 == pytest.approx(product.gwp_a1a3, rel=1e-12)
        kinds.add((product.gwp_provenance, product.gwp_indicator))
    assert {p for p, _i in kinds} == {
        "verified_epd",
        "verified_lca",
        "self_declared",
        "default_factor",
    }
    assert any(indicator == "gwp-fossil" for _p, indicator in kinds)  # the wood products


def test_public_page_of_a_certificate_only_type_says_so_and_marks_the_expired_epd(
    session, maker, client
):
    from catalog.services import publish_product

    user, _plant = maker
    doc = _cement_doc(declared_unit={"qty": 1, "unit": "t"})
    doc["impacts"]["EF 3.1"]["gwp"]["A1A2A3"]["mean"] = 4200.0  # a paint, per t
    product = _import(session, maker, doc, code="wall-paint")
    publish_product(session=session, actor=user, product_id=product.id)
    product.epd_valid_until = date.today() - timedelta(days=1)
    product.epd_issue_date = date.today() - timedelta(days=30)
    session.add(product)
    session.commit()
    page = html.unescape(client.get(f"/catalog/products/{product.id}").get_data(as_text=True))
    assert "Wall paints is a certificate-only type" in page
    assert 'data-testid="epd-expired"' in page
    assert "total GWP · LCIA method EF 3.1" in page
