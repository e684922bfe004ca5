"""Editing categories in the console: validation, the declared-unit rule, reindexing, audit."""

import json

import pytest
from sqlalchemy import func
from sqlmodel import select

from catalog.models import Category, SearchOutbox
from greenbm.audit import AuditEntry
from seeds.loader import load_categories
from tests import factories

pytestmark = pytest.mark.usefixtures("reference_data")


def _category(session, code: str) -> Category:
    session.expire_all()
    return session.exec(select(Category).where(Category.code == code)).one()


def _form(category: Category, **changes) -> dict:
    data = {
        "name_zh": category.name_zh,
        "name_en": category.name_en,
        "declared_unit": category.declared_unit,
        "procurement_class": category.procurement_class,
    }
    return {**data, **changes}


def _audit(session) -> list[AuditEntry]:
    session.expire_all()
    return list(
        session.exec(select(AuditEntry).where(AuditEntry.action == "category.edited")).all()
    )


def _outbox(session) -> list[int]:
    session.expire_all()
    return sorted(session.exec(select(SearchOutbox.product_id)).all())


def test_renaming_queues_the_products_for_the_index_and_is_audited(client, session, login, admin):
    maker = factories.make_manufacturer_user(session)
    products = [factories.make_product(session, maker) for _ in range(2)]
    session.commit()
    queued = _outbox(session)
    cement = _category(session, "cement")
    login(admin)
    response = client.post(
        "/admin/categories/cement", data=_form(cement, name_en="Portland cement")
    )
    assert response.status_code == 302
    assert _category(session, "cement").name_en == "Portland cement"
    assert _outbox(session) == sorted(queued + [p.id for p in products])
    [entry] = _audit(session=session)
    assert (entry.actor_id, entry.object_type, entry.object_id, entry.object_label) == (
        admin.id,
        "category",
        cement.id,
        "cement",
    )
    assert json.loads(entry.detail) == {"name_en": {"before": "Cement", "after": "Portland cement"}}


def test_a_procurement_class_change_is_audited_without_reindexing(client, session, login, admin):
    maker = factories.make_manufacturer_user(session)
    factories.make_product(session, maker)
    session.commit()
    queued = _outbox(session)
    cement = _category(session, "cement")
    login(admin)
    client.post("/admin/categories/cement", data=_form(cement, procurement_class="optional"))
    assert _category(session, "cement").procurement_class == "optional"
    assert _outbox(session) == queued
    [entry] = _audit(session=session)
    assert json.loads(entry.detail) == {
        "procurement_class": {"before": "mandatory", "after": "optional"}
    }


def test_seeding_again_keeps_what_an_administrator_edited(client, session, login, admin):
    cement = _category(session, "cement")
    login(admin)
    response = client.post(
        "/admin/categories/cement",
        data=_form(cement, name_en="Portland cement", procurement_class="optional"),
    )
    assert response.status_code == 302
    session.expire_all()  # so the seed compares with what the request stored
    load_categories(session=session)
    session.commit()
    cement = _category(session, "cement")
    assert (cement.name_en, cement.procurement_class) == ("Portland cement", "optional")
    assert cement.gwp_reference is not None  # seed-managed fields are still loaded


def test_the_declared_unit_cannot_change_under_existing_products(client, session, login, admin):
    maker = factories.make_manufacturer_user(session)
    factories.make_product(session, maker)
    session.commit()
    cement = _category(session, "cement")
    login(admin)
    response = client.post("/admin/categories/cement", data=_form(cement, declared_unit="kg"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "1 product(s) are declared per t" in page
    assert "cannot change while they exist" in page
    assert _category(session, "cement").declared_unit == "t"
    assert _audit(session=session) == []


def test_the_declared_unit_can_change_while_no_product_uses_it(client, session, login, admin):
    lime = _category(session, "lime")
    login(admin)
    response = client.post("/admin/categories/lime", data=_form(lime, declared_unit="kg"))
    assert response.status_code == 302
    assert _category(session, "lime").declared_unit == "kg"
    [entry] = _audit(session=session)
    assert json.loads(entry.detail) == {"declared_unit": {"before": "t", "after": "kg"}}


@pytest.mark.parametrize(
    ("code", "changes", "message"),
    [
        ("lime", {"declared_unit": "furlongs of cheese"}, "Unknown unit furlongs of cheese."),
        ("gypsum", {"declared_unit": "t"}, "This unit is already an alternative unit."),
        ("lime", {"name_en": "  "}, "A name is required."),
        ("lime", {"name_zh": "长" * 101}, "Enter at most 100 characters."),
        ("lime", {"procurement_class": "sometimes"}, "Choose one of the options in the list."),
        ("lime", {"declared_unit": ""}, "This field is required."),
    ],
)
def test_invalid_category_input_changes_nothing(
    client, session, login, admin, code, changes, message
):
    category = _category(session, code)
    before = category.model_dump()
    login(admin)
    response = client.post(f"/admin/categories/{code}", data=_form(category, **changes))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _category(session, code).model_dump() == before
    assert _audit(session=session) == []


def test_saving_without_changes_writes_nothing(client, session, login, admin):
    lime = _category(session, "lime")
    login(admin)
    response = client.post("/admin/categories/lime", data=_form(lime), follow_redirects=True)
    assert "Nothing changed." in response.get_data(as_text=True)
    assert _audit(session=session) == []
    assert session.exec(select(func.count()).select_from(SearchOutbox)).one() == 0
