"""Services of procurement lists against the database (SQLite, or TEST_DATABASE_URL)."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlmodel import select

from catalog.models import ProductStatus
from greenbm.errors import Duplicate, Invalid, NotAllowed, NotFound
from procurement.line_services import (
    MaterialInput,
    add_material_line,
    add_product_line,
    remove_line,
)
from procurement.models import ListLine, Project
from procurement.report import list_report
from procurement.rules import CarbonSource, LineStatus
from procurement.services import (
    ProjectInput,
    agency_lists,
    create_list,
    create_project,
    get_list,
    list_projects,
    project_lists,
    update_project,
)
from tests import factories
from tests.procurement.conftest import catalogue_product, make_project_list

TODAY = date.today()


def project_input(**changes) -> ProjectInput:
    values = {
        "name": "遵义市妇幼保健院",
        "code": "ZY-2026-07",
        "project_type": "hospital",
        "division_code": "520300",
        "owner_unit": "遵义市卫生健康局",
        "budget": Decimal("350000000.456"),
    }
    values.update(changes)
    return ProjectInput(**values)


# --- projects and lists -----------------------------------------------------------------------


def test_create_project_and_lists(session, officer):
    project = create_project(
        session=session, actor=officer, data=project_input(name=" 遵义市妇幼保健院 ")
    )
    session.commit()
    assert project.agency_id == officer.organisation_id
    assert project.name == "遵义市妇幼保健院"
    assert project.budget == Decimal("350000000.46")  # rounded to fen
    create_list(session=session, actor=officer, project_id=project.id, name="装饰装修材料")
    create_list(session=session, actor=officer, project_id=project.id, name="主体结构材料")
    session.commit()
    session.expire_all()
    assert session.get(Project, project.id).budget == Decimal("350000000.46")
    names = [
        (item.name, lines)
        for item, lines in project_lists(session=session, actor=officer, project_id=project.id)
    ]
    assert names == [("装饰装修材料", 0), ("主体结构材料", 0)]
    page = list_projects(session=session, actor=officer, page=1, per_page=10)
    assert [(p.code, n) for p, n in page.items] == [("ZY-2026-07", 2)]


def test_project_code_is_unique_within_an_agency_only(session, officer, other_officer):
    create_project(session=session, actor=officer, data=project_input())
    with pytest.raises(Duplicate) as caught:
        create_project(session=session, actor=officer, data=project_input(name="另一个项目"))
    assert "code" in caught.value.errors
    # The failed insert was rolled back to its savepoint: the session goes on.
    create_project(session=session, actor=other_officer, data=project_input())
    session.commit()
    assert len(session.exec(select(Project)).all()) == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"code": ""}, "code"),
        ({"code": "X" * 61}, "code"),
        ({"project_type": "castle"}, "project_type"),
        ({"division_code": "110000"}, "division_code"),
        ({"budget": Decimal("-1")}, "budget"),
        ({"budget": Decimal("NaN")}, "budget"),
    ],
)
def test_invalid_project(session, officer, changes, field):
    with pytest.raises(Invalid) as caught:
        create_project(session=session, actor=officer, data=project_input(**changes))
    assert list(caught.value.errors) == [field]


def test_update_project(session, officer, project_list):
    project, _item = project_list
    update_project(
        session=session,
        actor=officer,
        project_id=project.id,
        data=project_input(code="GZ-2026-001", budget=None, project_type="urban_renewal"),
    )
    session.commit()
    session.expire_all()
    saved = session.get(Project, project.id)
    assert (saved.name, saved.project_type, saved.budget) == (
        "遵义市妇幼保健院",
        "urban_renewal",
        None,
    )


def test_another_agency_finds_nothing(session, officer, other_officer, project_list, maker):
    project, item = project_list
    product = catalogue_product(session, maker, "cement", gwp=655)
    line = add_product_line(
        session=session,
        actor=officer,
        list_id=item.id,
        product_id=product.id,
        quantity="10",
        unit_price="400",
    )
    session.commit()
    calls = [
        lambda: update_project(
            session=session, actor=other_officer, project_id=project.id, data=project_input()
        ),
        lambda: create_list(session=session, actor=other_officer, project_id=project.id, name="x"),
        lambda: project_lists(session=session, actor=other_officer, project_id=project.id),
        lambda: get_list(session=session, actor=other_officer, list_id=item.id),
        lambda: list_report(session=session, actor=other_officer, list_id=item.id),
        lambda: add_product_line(
            session=session,
            actor=other_officer,
            list_id=item.id,
            product_id=product.id,
            quantity="1",
            unit_price="1",
        ),
        lambda: remove_line(session=session, actor=other_officer, line_id=line.id),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert agency_lists(session=session, actor=other_officer) == []
    assert list_projects(session=session, actor=other_officer, page=1, per_page=10).total == 0


def test_only_procurement_officers(session, maker):
    with pytest.raises(NotAllowed):
        create_project(session=session, actor=maker, data=project_input())
    with pytest.raises(NotAllowed):
        list_projects(session=session, actor=maker, page=1, per_page=10)


# --- lines ------------------------------------------------------------------------------------


def test_add_product_line_records_the_certificate(session, officer, project_list, maker):
    _project, item = project_list
    product = catalogue_product(session, maker, "cement", gwp=655, number="GZGBM-2026-CEM-000042")
    line = add_product_line(
        session=session,
        actor=officer,
        list_id=item.id,
        product_id=product.id,
        quantity="120.0004",
        unit_price="455.555",
    )
    session.commit()
    session.expire_all()
    saved = session.get(ListLine, line.id)
    assert saved.quantity == Decimal("120.000")
    assert saved.unit_price == Decimal("455.56")
    assert (saved.unit, saved.category_id) == ("t", product.category_id)
    assert (saved.cert_number_at_add, saved.cert_stars_at_add, saved.cert_status_at_add) == (
        "GZGBM-2026-CEM-000042",
        2,
        "valid",
    )
    assert saved.added_by_id == officer.id and saved.flagged_at is None


def test_a_certificate_past_its_date_is_recorded_as_expired(session, officer, project_list, maker):
    _project, item = project_list
    product = catalogue_product(
        session, maker, "cement", gwp=655, valid_until=TODAY - timedelta(days=1)
    )
    line = add_product_line(
        session=session,
        actor=officer,
        list_id=item.id,
        product_id=product.id,
        quantity=1,
        unit_price=1,
    )
    assert line.cert_status_at_add == "expired"


@pytest.mark.parametrize(
    ("quantity", "price", "fields"),
    [
        ("0", "1", ["quantity"]),
        ("-3", "1", ["quantity"]),
        ("0.0004", "1", ["quantity"]),  # rounds to zero
        ("1e16", "1", ["quantity"]),
        ("abc", "1", ["quantity"]),
        ("1", "-0.01", ["unit_price"]),
        ("Infinity", "NaN", ["quantity", "unit_price"]),
    ],
)
def test_invalid_amounts(session, officer, project_list, maker, quantity, price, fields):
    _project, item = project_list
    product = catalogue_product(session, maker, "cement", gwp=655)
    with pytest.raises(Invalid) as caught:
        add_product_line(
            session=session,
            actor=officer,
            list_id=item.id,
            product_id=product.id,
            quantity=quantity,
            unit_price=price,
        )
    assert list(caught.value.errors) == fields


def test_only_published_products(session, officer, project_list, maker):
    _project, item = project_list
    draft = catalogue_product(session, maker, "cement", gwp=655)
    draft.status = ProductStatus.DRAFT
    for product_id in (draft.id, 999_999):
        with pytest.raises(Invalid) as caught:
            add_product_line(
                session=session,
                actor=officer,
                list_id=item.id,
                product_id=product_id,
                quantity=1,
                unit_price=1,
            )
        assert list(caught.value.errors) == ["product_id"]


def test_material_line(session, officer, project_list):
    _project, item = project_list
    lime = factories.category(session, "lime")
    line = add_material_line(
        session=session,
        actor=officer,
        list_id=item.id,
        data=MaterialInput(
            lime.id, " 生石灰（袋装） ", "开阳县某石灰厂", Decimal("5"), Decimal("700")
        ),
    )
    session.commit()
    assert (line.product_id, line.unit, line.description) == (None, "t", "生石灰（袋装）")
    with pytest.raises(Invalid) as caught:
        add_material_line(
            session=session,
            actor=officer,
            list_id=item.id,
            data=MaterialInput(0, "", "", Decimal("0"), Decimal("1")),
        )
    assert set(caught.value.errors) == {"category_id", "description", "supplier_name", "quantity"}


def test_remove_line(session, officer, project_list, maker):
    _project, item = project_list
    product = catalogue_product(session, maker, "cement", gwp=655)
    line = add_product_line(
        session=session,
        actor=officer,
        list_id=item.id,
        product_id=product.id,
        quantity=1,
        unit_price=1,
    )
    session.commit()
    assert remove_line(session=session, actor=officer, line_id=line.id).id == item.id
    session.commit()
    assert session.get(ListLine, line.id) is None
    with pytest.raises(NotFound):
        remove_line(session=session, actor=officer, line_id=line.id)


# --- the report -------------------------------------------------------------------------------


def test_report_computes_compliance_and_carbon_from_the_database(session, officer, maker):
    _project, item = make_project_list(session, officer)

    def add(product, quantity, price):
        add_product_line(
            session=session,
            actor=officer,
            list_id=item.id,
            product_id=product.id,
            quantity=quantity,
            unit_price=price,
        )

    cement = catalogue_product(session, maker, "cement", gwp=655)
    concrete = catalogue_product(session, maker, "concrete", gwp=300, variant="c35_c45")
    binder = catalogue_product(session, maker, "gypsum", gwp=150, unit="t")  # per t, not m²
    sanitary = catalogue_product(session, maker, "sanitary-ceramic", gwp=900)
    add(cement, "100", "450")  # 45,000 yuan
    add(concrete, "50", "520")  # 26,000
    add(binder, "10", "800")  # 8,000
    add(sanitary, "2", "3000")  # 6,000
    lime = factories.category(session, "lime")
    add_material_line(
        session=session,
        actor=officer,
        list_id=item.id,
        data=MaterialInput(
            lime.id, "生石灰", "开阳县某石灰厂", Decimal("5"), Decimal("1000")
        ),  # 5,000
    )
    session.commit()

    report = list_report(session=session, actor=officer, list_id=item.id)
    c = report.compliance
    assert [r.status for r in report.rows] == [LineStatus.GREEN] * 4 + [LineStatus.OFF_CATALOGUE]
    # Mandatory: cement and concrete, both green. Optional: gypsum and sanitary ware covered,
    # lime (not in the catalogue) not: 2 of 3 types.
    assert c.mandatory.compliant and c.mandatory.categories == ("cement", "concrete")
    assert (c.optional.covered, c.optional.used) == (2, 3)
    assert c.compliant
    assert c.value.total == Decimal("90000") and c.value.green == Decimal("85000")
    assert c.value.share == Fraction(85000, 90000)

    carbon = {r.product.name_zh if r.product else r.line.description: r for r in report.rows}
    # Concrete C35–C45 is compared with its variant's factor (340), not the category's (295).
    assert carbon["预拌混凝土产品"].reference.factor == 340
    assert carbon["预拌混凝土产品"].carbon.reference_kg == Decimal("17000")
    # Gypsum binder is declared per t, the gypsum reference per m²: not comparable.
    assert carbon["石膏板及石膏胶凝材料产品"].carbon.reference_kg is None
    # Lime off the catalogue is estimated at the lime reference, 1190 kgCO2e/t.
    assert carbon["生石灰"].carbon.source == CarbonSource.REFERENCE
    assert carbon["生石灰"].carbon.carbon_kg == Decimal("5950")

    total = c.carbon.total
    assert total.carbon_kg == Decimal("89750")  # 65,500 + 15,000 + 1,500 + 1,800 + 5,950
    assert total.compared_kg == Decimal("86450")  # 65,500 + 15,000 + 5,950
    assert total.reference_kg == Decimal("96450")  # 73,500 + 17,000 + 5,950
    assert total.saved_t == Decimal("10")
    assert len(c.carbon.not_compared) == 2  # the binder and the sanitary ware


def test_report_converts_units_through_pint(session, officer, project_list, maker):
    _project, item = project_list
    per_kg = catalogue_product(session, maker, "cement", gwp=0.655, unit="kg")
    add_product_line(
        session=session,
        actor=officer,
        list_id=item.id,
        product_id=per_kg.id,
        quantity="1000",
        unit_price="0.45",
    )
    session.commit()
    row = list_report(session=session, actor=officer, list_id=item.id).rows[0]
    assert row.carbon.carbon_kg == Decimal("655.000")
    assert row.carbon.reference_kg == Decimal("735.000")  # 735 per t = 0.735 per kg


def test_a_lapsed_mandatory_line_breaks_the_verdict(session, officer, project_list, maker):
    _project, item = project_list
    product = catalogue_product(session, maker, "cement", gwp=655, valid_until=TODAY)
    add_product_line(
        session=session,
        actor=officer,
        list_id=item.id,
        product_id=product.id,
        quantity=1,
        unit_price=1,
    )
    session.commit()
    assert list_report(session=session, actor=officer, list_id=item.id).compliance.compliant
    tomorrow = TODAY + timedelta(days=1)
    report = list_report(session=session, actor=officer, list_id=item.id, today=tomorrow)
    assert not report.compliance.compliant
    assert report.rows[0].status == LineStatus.EXPIRED
    assert report.rows[0].lapsed  # green when added, not any more
