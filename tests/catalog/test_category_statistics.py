"""Category statistics equal a direct computation over the database, in every group."""

import random
import statistics
from datetime import date, timedelta

import numpy as np
import pytest
from sqlmodel import select

from catalog.categories import category_by_code, list_categories
from catalog.category_statistics import DECILES, category_statistics, statistics_groups
from catalog.models import Product
from greenbm.errors import Invalid
from tests.catalog.catalogue_data import Item, make_catalogue

TODAY = date.today()
STATUSES = [
    None,
    (2, "valid", TODAY + timedelta(days=400)),
    (1, "valid", TODAY - timedelta(days=1)),  # lapsed: counts as expired
    (1, "valid", TODAY),  # its last day: still valid
    (3, "suspended", TODAY + timedelta(days=400)),
    (1, "revoked", TODAY + timedelta(days=400)),
    (1, "expired", TODAY - timedelta(days=40)),
]
GROUPS = [
    ("cement", None, "t", (500.0, 800.0)),
    ("concrete", "le_c30", "m^3", (240.0, 320.0)),
    ("concrete", "c35_c45", "m^3", (280.0, 360.0)),
    ("concrete", "ge_c50", "m^3", (330.0, 420.0)),
    ("gypsum", None, "m^2", (2.0, 6.0)),
    ("gypsum", None, "t", (80.0, 200.0)),
    ("aac-block", None, "m^3", (150.0, 300.0)),
]


def _items(seed: int) -> list[Item]:
    rng = random.Random(seed)
    items = []
    for category, variant, unit, (low, high) in GROUPS:
        for n in range(rng.randint(3, 14)):
            items.append(
                Item(
                    f"{category}-{variant}-{unit}-{n}",
                    category,
                    f"产品{len(items)}",
                    f"product {len(items)}",
                    unit,
                    round(rng.uniform(low, high), 2),
                    rng.choice(STATUSES),
                    variant=variant,
                    published=rng.random() > 0.1,
                )
            )
    return items


def _direct(session, category, variant, unit, include_all) -> list[float]:
    """Return the group's GWP values by reading every product and filtering in Python."""
    values = []
    for p in session.exec(select(Product)).all():
        if p.category_id != category.id or p.status != "published" or p.declared_unit != unit:
            continue
        if category.variant_attribute and p.variant != variant:
            continue
        running = p.cert_status in ("valid",) and p.cert_valid_until is not None
        if not include_all and not (running and p.cert_valid_until >= TODAY):
            continue
        values.append(p.gwp_a1a3)
    return values


@pytest.mark.parametrize("seed", [1, 2])
def test_statistics_equal_a_direct_computation(app, session, seed):
    make_catalogue(session, _items(seed))
    checked = 0
    for category in list_categories(session=session):
        for group in statistics_groups(category, session=session):
            variant = group.variant.code if group.variant else None
            for include_all in (False, True):
                got = category_statistics(
                    category, variant, group.unit, include_all, session=session
                )
                values = _direct(session, category, variant, group.unit, include_all)
                assert got.count == len(values), (category.code, variant, group.unit)
                if not values:
                    assert got.mean is None and got.percentiles == {} and got.bins == ()
                    continue
                checked += 1
                array = np.array(values)
                assert got.minimum == array.min() and got.maximum == array.max()
                assert got.mean == pytest.approx(statistics.fmean(values))
                if len(values) > 1:
                    assert got.std == pytest.approx(statistics.stdev(values))
                else:
                    assert got.std is None
                expected = np.percentile(array, DECILES)
                assert list(got.percentiles) == list(DECILES)
                assert list(got.percentiles.values()) == pytest.approx(list(expected))
                assert got.target == pytest.approx(np.percentile(array, 20))
                assert got.conservative == pytest.approx(np.percentile(array, 80))
                assert sum(b.count for b in got.bins) == len(values)
    assert checked >= 12  # every seeded group, with and without the switch


def test_reference_and_thresholds_follow_the_group(app, session):
    concrete = category_by_code("concrete", session=session)
    c50 = category_statistics(concrete, "ge_c50", "m^3", session=session)
    assert c50.reference == 385.0 and "C50" in c50.reference_source
    assert c50.thresholds is not None and c50.thresholds.thresholds == (385, 347, 308)
    gypsum = category_by_code("gypsum", session=session)
    board = category_statistics(gypsum, None, "m^2", session=session)
    assert board.thresholds.thresholds == (4.0, 3.5, 3.0)
    binder = category_statistics(gypsum, None, "t", session=session)
    assert binder.reference is None and binder.thresholds is None  # binders are not graded on GWP


@pytest.mark.parametrize(
    ("code", "variant", "unit", "field"),
    [
        ("concrete", None, "m^3", "variant"),
        ("concrete", "c99", "m^3", "variant"),
        ("cement", "le_c30", "t", "variant"),
        ("cement", None, "m^2", "unit"),
    ],
)
def test_a_bad_group_is_refused(app, session, code, variant, unit, field):
    category = category_by_code(code, session=session)
    with pytest.raises(Invalid) as caught:
        category_statistics(category, variant, unit, session=session)
    assert field in caught.value.errors
