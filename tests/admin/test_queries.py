"""The console's read side against the real database: counts, order, pages, filters, usage."""

import tomllib

import pytest
from sqlmodel import select

from accounts.models import OrganisationKind, Role
from accounts.services import set_user_disabled
from admin.queries import (
    UserFilters,
    categories_with_usage,
    category_by_code,
    console_counts,
    criteria_version,
    criteria_version_review,
    criteria_versions_with_usage,
    organisation_by_id,
    organisation_names,
    organisation_page,
    product_counts_by_unit,
    user_by_id,
    user_page,
    users_of_organisations,
)
from catalog.models import Category
from certification.applications.services import create_application
from certification.criteria.parsing import SHIPPED_CRITERIA_DIR, parse_criteria
from certification.criteria.store import store_criteria
from certification.models import CriteriaVersion
from greenbm.errors import NotFound
from greenbm.paths import SEEDS_DIR
from tests import factories
from tests.admin.criteria_files import cement_2026_2
from tests.material_data import certificate_only_codes

SHIPPED_CATEGORIES = len(tomllib.loads((SEEDS_DIR / "categories.toml").read_text())["category"])
SHIPPED_VERSIONS = len(list(SHIPPED_CRITERIA_DIR.glob("*.toml")))


@pytest.fixture
def firms(session):
    """Three construction firms (named 丙, 甲, 乙 in creation order) with 2, 0 and 1 users."""
    kind = OrganisationKind.CONSTRUCTION_FIRM
    orgs = [factories.make_organisation(session, kind=kind, name_zh=n) for n in "丙甲乙"]
    users = [
        factories.make_user(session, orgs[0], email="first@bing.test"),
        factories.make_user(session, orgs[0], email="Second_100%@bing.test"),
        factories.make_user(session, orgs[2], email="only@yi.test"),
    ]
    set_user_disabled(session=session, actor=None, user_id=users[1].id, disabled=True)
    session.commit()
    return orgs, users


def test_console_counts_count_every_row(session, firms):
    # 3 organisations and 3 users created, one user disabled: 7 audit entries.
    assert console_counts(session=session) == {
        "organisations": 3,
        "users": 3,
        "categories": SHIPPED_CATEGORIES,
        "criteria_versions": SHIPPED_VERSIONS,
        "audit_entries": 7,
        "plants_awaiting": 0,
    }
    # Ten types with criteria here, one version each; the others are certificate-only.
    assert 10 + len(certificate_only_codes()) == SHIPPED_CATEGORIES
    assert SHIPPED_VERSIONS == 10


def test_organisation_page_is_newest_first_and_paginates(session, firms):
    orgs, _ = firms
    first = organisation_page(session=session, page=1, per_page=2)
    assert [o.name_zh for o in first.items] == ["乙", "甲"]
    assert (first.total, first.pages, first.has_prev, first.has_next) == (3, 2, False, True)
    second = organisation_page(session=session, page=2, per_page=2)
    assert [o.id for o in second.items] == [orgs[0].id]
    assert (second.has_prev, second.has_next) == (True, False)
    assert organisation_page(session=session, page=3, per_page=2).items == []


def test_users_of_organisations_keys_every_id_and_keeps_creation_order(session, firms):
    orgs, users = firms
    other = factories.make_manufacturer_user(session)
    session.commit()
    ids = [o.id for o in orgs]
    found = users_of_organisations(session=session, organisation_ids=ids)
    assert list(found) == ids
    assert [[u.email for u in found[oid]] for oid in ids] == [
        ["first@bing.test", "second_100%@bing.test"],
        [],
        ["only@yi.test"],
    ]
    assert other.organisation_id not in found
    assert users_of_organisations(session=session, organisation_ids=[]) == {}


def test_organisation_names_are_ordered_by_name_then_id(session, firms):
    orgs, _ = firms
    twin = factories.make_organisation(
        session, kind=OrganisationKind.CONSTRUCTION_FIRM, name_zh="甲"
    )
    session.commit()
    expected = sorted([(o.id, o.name_zh) for o in [*orgs, twin]], key=lambda p: (p[1], p[0]))
    assert organisation_names(session=session) == expected
    assert [name for _, name in expected] == sorted("丙甲乙甲")


def test_lookups_by_id_and_code_raise_not_found(session, firms):
    orgs, users = firms
    assert organisation_by_id(session=session, organisation_id=orgs[1].id).name_zh == "甲"
    assert user_by_id(session=session, user_id=users[2].id).email == "only@yi.test"
    assert category_by_code(session=session, code="lime").code == "lime"
    with pytest.raises(NotFound):
        organisation_by_id(session=session, organisation_id=orgs[-1].id + 1000)
    with pytest.raises(NotFound):
        user_by_id(session=session, user_id=users[-1].id + 1000)
    with pytest.raises(NotFound):
        category_by_code(session=session, code="marble")


def _emails(session, per_page: int = 20, page: int = 1, **filters) -> list[str]:
    result = user_page(
        session=session, filters=UserFilters(**filters), page=page, per_page=per_page
    )
    return [user.email for user, _org in result.items]


def test_user_page_filters_and_orders_newest_first(session, firms):
    orgs, users = firms
    maker = factories.make_manufacturer_user(session)
    session.commit()
    everyone = [maker.email, "only@yi.test", "second_100%@bing.test", "first@bing.test"]
    assert _emails(session) == everyone
    # Any case, and % is a character, not a wildcard.
    assert _emails(session, email="  BING.test ") == ["second_100%@bing.test", "first@bing.test"]
    assert _emails(session, email="100%") == ["second_100%@bing.test"]
    assert _emails(session, email="1%") == []
    assert _emails(session, organisation_id=orgs[0].id) == [
        "second_100%@bing.test",
        "first@bing.test",
    ]
    assert _emails(session, organisation_id=orgs[1].id) == []
    assert _emails(session, role=Role.MANUFACTURER) == [maker.email]
    assert _emails(session, disabled=True) == ["second_100%@bing.test"]
    assert _emails(session, disabled=False) == [maker.email, "only@yi.test", "first@bing.test"]
    assert _emails(session, organisation_id=orgs[0].id, disabled=False) == ["first@bing.test"]


def test_user_page_counts_the_filtered_users_and_pairs_each_with_its_organisation(session, firms):
    orgs, _ = firms
    page = user_page(session=session, filters=UserFilters(disabled=False), page=2, per_page=1)
    assert (page.total, page.pages, page.page) == (2, 2, 2)
    [(user, organisation)] = page.items
    assert (user.email, organisation.id) == ("first@bing.test", orgs[0].id)


def test_categories_with_usage_counts_products_and_names_the_version_in_force(session):
    maker = factories.make_manufacturer_user(session)
    for _ in range(3):
        factories.make_product(session, maker)
    session.commit()
    rows = categories_with_usage(session=session)
    assert len(rows) == SHIPPED_CATEGORIES
    by_code = {row.category.code: row for row in rows}
    assert by_code["cement"].products == 3
    assert by_code["lime"].products == 0
    with_criteria = [row for row in rows if not row.category.certificate_only]
    assert {row.in_force.version for row in with_criteria} == {"2026.1"}
    assert all(row.in_force.category_id == row.category.id for row in with_criteria)
    assert all(row.in_force is None for row in rows if row.category.certificate_only)
    positions = [(row.category.position, row.category.id) for row in rows]
    assert positions == sorted(positions)


@pytest.mark.usefixtures("reference_data")
def test_product_counts_by_unit_group_a_category_by_declared_unit(session):
    maker = factories.make_manufacturer_user(session)
    products = [factories.make_product(session, maker) for _ in range(3)]
    # As if declared before the category's unit changed: the count the unit rule relies on.
    products[0].declared_unit = "kg"
    session.add(products[0])
    session.commit()
    cement = category_by_code(session=session, code="cement")
    lime = category_by_code(session=session, code="lime")
    assert product_counts_by_unit(session=session, category_id=cement.id) == [("kg", 1), ("t", 2)]
    assert product_counts_by_unit(session=session, category_id=lime.id) == []


@pytest.fixture
def cement_versions(session):
    """Cement's shipped version (two certificates, three applications) and 2026.2 (one)."""
    body, reviewer = factories.make_body(session)
    maker = factories.make_manufacturer_user(session)
    for _ in range(2):
        factories.issue_test_certificate(session, body=body, reviewer=reviewer, maker=maker)
    cement = category_by_code(session=session, code="cement")
    shipped = session.exec(
        select(CriteriaVersion).where(CriteriaVersion.category_id == cement.id)
    ).one()
    new = store_criteria(parse_criteria(cement_2026_2()), activate=False, session=session)
    for version in (shipped, new):
        product = factories.make_product(session, maker)
        application = create_application(
            session=session, actor=maker, product_id=product.id, body_id=body.id
        )
        application.criteria_version_id = version.id
        session.add(application)
    session.commit()
    return cement, shipped, new


@pytest.mark.usefixtures("reference_data")
def test_criteria_versions_with_usage_counts_per_version_newest_first(session, cement_versions):
    cement, shipped, new = cement_versions
    usage = criteria_versions_with_usage(session=session, category_id=cement.id)
    assert [(u.version.version, u.applications, u.certificates) for u in usage] == [
        ("2026.2", 1, 0),
        ("2026.1", 3, 2),
    ]
    lime = category_by_code(session=session, code="lime")
    [(lime_version, apps, certs)] = criteria_versions_with_usage(
        session=session, category_id=lime.id
    )
    assert (lime_version.version, apps, certs) == ("2026.1", 0, 0)


@pytest.mark.usefixtures("reference_data")
def test_criteria_version_belongs_to_its_category(session, cement_versions):
    cement, shipped, new = cement_versions
    assert criteria_version(session=session, category_id=cement.id, version_id=new.id).id == new.id
    lime = category_by_code(session=session, code="lime")
    with pytest.raises(NotFound):
        criteria_version(session=session, category_id=lime.id, version_id=new.id)
    with pytest.raises(NotFound):
        criteria_version(session=session, category_id=cement.id, version_id=new.id + 1000)


@pytest.mark.usefixtures("reference_data")
def test_criteria_version_review_compares_with_the_version_in_force(session, cement_versions):
    cement, shipped, new = cement_versions
    review = criteria_version_review(session=session, category_id=cement.id, version_id=new.id)
    assert (review.row.id, review.in_force.id, review.criteria.version) == (
        new.id,
        shipped.id,
        "2026.2",
    )
    [change] = review.diff.thresholds
    assert (change.indicator.code, change.old, change.new) == (
        "gwp",
        (735.0, 662.0, 588.0),
        (735.0, 650.0, 588.0),
    )
    in_force = criteria_version_review(
        session=session, category_id=cement.id, version_id=shipped.id
    )
    assert (in_force.row.id, in_force.in_force.id, in_force.diff) == (shipped.id, shipped.id, None)


@pytest.mark.usefixtures("reference_data")
def test_criteria_version_review_without_a_version_in_force_adds_everything(session):
    lime = session.exec(select(Category).where(Category.code == "lime")).one()
    shipped = session.exec(
        select(CriteriaVersion).where(CriteriaVersion.category_id == lime.id)
    ).one()
    shipped.active = False
    session.add(shipped)
    session.commit()
    review = criteria_version_review(session=session, category_id=lime.id, version_id=shipped.id)
    assert review.in_force is None
    assert [i.code for i in review.diff.indicators_added] == [
        i.code for i in review.criteria.indicators
    ]
    assert review.diff.indicators_added and not review.diff.thresholds
