"""Every dashboard figure on the hand-built data set, against values worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from accounts.models import OrganisationKind
from catalog.models import Category
from catalog.provincial_figures import enter_figure
from certification.criteria.store import active_criteria
from dashboard.certified import certificate_alerts, certified_products, issued_by_month
from dashboard.clinker import BENCHMARK_KGCE_PER_T, clinker_figures
from dashboard.gwp import gwp_distributions
from dashboard.procurement_share import procurement_shares
from tests.dashboard.conftest import TARGETS
from tests.dashboard.data import TODAY, category
from tests.factories import make_organisation, make_user

# --- clinker ---------------------------------------------------------------------------------
# Capacities in t/a (310 operating days): One 1000 t/d = 310,000; Two 620,000; Three 2000 t/d =
# 620,000; Four 310,000; Five has no capacity. 2025 figures: One 100.0 (exactly the benchmark),
# Two 100.1 (just worse), Three 110.0, Four none (not reported), Five 90.0 (no capacity).


def test_clinker_defaults_to_the_latest_year_of_clinker_plants(session, world):
    figures = clinker_figures(session=session, targets=TARGETS)
    # The grinding mill's 2026 figure is not a clinker plant's: 2026 is not a year here.
    assert figures.years == [2024, 2025]
    assert figures.year == 2025


def test_clinker_province_2025_weighting_and_benchmark_share(session, world):
    province = clinker_figures(session=session, targets=TARGETS, year=2025).province
    assert province.plants == 5
    assert province.reported_plants == 3
    assert province.registered == 1_860_000  # 310k + 620k + 620k + 310k
    assert province.reported == 1_550_000  # Four did not report
    assert province.at_benchmark == 310_000  # One at exactly 100.0; Two at 100.1 is not
    assert province.share == pytest.approx(310_000 / 1_860_000)  # 16.7 %
    assert province.share_of_reported == pytest.approx(0.2)
    assert province.reported_share == pytest.approx(1_550_000 / 1_860_000)
    # (310k × 100 + 620k × 100.1 + 620k × 110) / 1,550k = 161,262,000 / 1,550,000
    assert province.mean == pytest.approx(104.04)


def test_clinker_base_year_is_the_first_year_of_confirmed_reports(session, world):
    figures = clinker_figures(session=session, targets=TARGETS, year=2025)
    # 2024: (310k × 104 + 620k × 102 + 310k × 120) / 1,240k = 107.0, from the reports.
    assert (figures.base.year, figures.base.value, figures.base.source) == (2024, 107.0, "")
    assert figures.reduction == pytest.approx((107.0 - 104.04) / 107.0)  # 2.8 %


def test_clinker_base_year_entered_by_an_administrator_wins(session, world):
    admin = make_user(session, make_organisation(session, kind=OrganisationKind.ADMINISTRATOR))
    enter_figure(
        session=session,
        actor=admin,
        kind="clinker_base",
        year=2020,
        value=108.5,
        source="Provincial energy statistics 2020, table 3",
    )
    figures = clinker_figures(session=session, targets=TARGETS, year=2025)
    assert (figures.base.year, figures.base.value) == (2020, 108.5)
    assert figures.reduction == pytest.approx((108.5 - 104.04) / 108.5)  # 4.1 %
    assert figures.base.target(TARGETS.reduction_target) == pytest.approx(105.245)


@pytest.mark.parametrize(
    ("division", "plants", "reported", "registered", "at_benchmark", "share", "mean"),
    [
        ("520100", 2, 2, 930_000, 310_000, 1 / 3, (31_000_000 + 62_062_000) / 930_000),
        ("520400", 2, 1, 930_000, 0, 0.0, 110.0),
        ("520600", 1, 0, 0, 0, None, None),  # a plant without capacity weighs nothing
        ("520300", 0, 0, 0, 0, None, None),
    ],
)
def test_clinker_by_division(
    session, world, division, plants, reported, registered, at_benchmark, share, mean
):
    figures = clinker_figures(session=session, targets=TARGETS, year=2025)
    tally = next(t for t in figures.divisions if t.area == division)
    assert (tally.plants, tally.reported_plants) == (plants, reported)
    assert (tally.registered, tally.at_benchmark) == (registered, at_benchmark)
    assert tally.share == (pytest.approx(share) if share is not None else None)
    assert tally.mean == (pytest.approx(mean) if mean is not None else None)


def test_clinker_plants_without_a_figure_are_listed_as_not_reported(session, world):
    figures = clinker_figures(session=session, targets=TARGETS, year=2025)
    assert {p.name for p in figures.not_reported} == {"Kiln Four", "Kiln Five"}
    one = next(p for p in figures.plants if p.name == "Kiln One")
    two = next(p for p in figures.plants if p.name == "Kiln Two")
    assert one.at_benchmark(BENCHMARK_KGCE_PER_T)
    assert not two.at_benchmark(BENCHMARK_KGCE_PER_T)


def test_clinker_an_earlier_year(session, world):
    province = clinker_figures(session=session, targets=TARGETS, year=2024).province
    assert province.reported == 1_240_000  # One, Two, Four
    assert province.at_benchmark == 0  # 104, 102, 120
    assert province.share == 0.0
    assert province.mean == pytest.approx(107.0)  # 132,680,000 / 1,240,000


def test_clinker_a_year_without_figures(session, world):
    figures = clinker_figures(session=session, targets=TARGETS, year=2019)
    assert figures.province.reported == 0
    assert figures.province.share == 0.0
    assert figures.province.mean is None
    assert figures.reduction is None


def test_clinker_trend_by_year(session, world):
    trend = clinker_figures(session=session, targets=TARGETS).trend
    assert [(y.year, y.plants, y.capacity) for y in trend] == [
        (2024, 3, 1_240_000),
        (2025, 3, 1_550_000),
    ]
    assert [y.mean for y in trend] == [pytest.approx(107.0), pytest.approx(104.04)]


def test_clinker_operating_days_change_the_weights(session, world):
    # With 365 days a t/d plant weighs more: One 365k, Two 620k, Three 730k.
    targets = TARGETS.__class__(**{**TARGETS.__dict__, "operating_days": 365})
    province = clinker_figures(session=session, targets=targets, year=2025).province
    assert province.registered == 365_000 + 620_000 + 730_000 + 310_000
    expected = (365_000 * 100 + 620_000 * 100.1 + 730_000 * 110) / 1_715_000
    assert province.mean == pytest.approx(expected)


def test_benchmark_matches_the_cement_criteria_three_star_threshold(session, world):
    # One official figure in two places: the constant (cited) and the shipped criteria.
    _row, criteria = active_criteria(category(session, "cement").id, session=session)
    assert criteria.indicator("clinker_energy").thresholds_for(None)[2] == BENCHMARK_KGCE_PER_T


# --- certificates -----------------------------------------------------------------------------


def _counts(groups) -> dict[str, tuple[int, int, int]]:
    return {g.key: g.counts for g in groups if g.total}


def test_certified_by_category_counts_certificates_in_force_of_published_products(session, world):
    certified = certified_products(session=session, today=TODAY)
    # T-001 cement ★★★, T-002 cement ★, T-003 concrete ★★, T-009 concrete ★ (valid until
    # today). Not: T-004 (validity ended yesterday), T-005/6/7 (suspended, revoked), T-008
    # (a draft product).
    assert _counts(certified.by_category) == {"cement": (1, 0, 1), "concrete": (1, 1, 0)}
    # Every category, zeros included (certificate-only types too: they take certificates).
    assert len(certified.by_category) == len(session.exec(select(Category)).all())


def test_certified_by_division_of_the_production_site(session, world):
    certified = certified_products(session=session, today=TODAY)
    assert _counts(certified.by_division) == {
        "520100": (1, 0, 1),
        "520400": (0, 1, 0),
        "522700": (1, 0, 0),
    }
    assert len(certified.by_division) == 9


def test_issued_by_month_over_the_last_twelve_months(session, world):
    months = issued_by_month(session=session, today=TODAY)
    assert [m.key for m in months][0] == "2025-07"
    assert [m.key for m in months][-1] == "2026-06"
    assert len(months) == 12
    # T-007 (2025-06-30) is before the window; T-004 is from 2021; T-008 is a draft's.
    assert _counts(months) == {
        "2025-07": (0, 1, 0),
        "2025-09": (1, 0, 0),
        "2026-03": (1, 0, 0),
        "2026-05": (1, 1, 0),
        "2026-06": (0, 0, 1),
    }


def test_expiring_within_90_days_includes_day_90_not_day_91(session, world):
    alerts = certificate_alerts(session=session, today=TODAY)
    # T-009 expires today (day 0), T-002 on day 90; T-003 on day 91 is not listed.
    assert [r.number for r in alerts.expiring] == ["T-009", "T-002"]
    assert alerts.expiring[1].on == date(2026, 9, 13)


def test_suspended_and_revoked_this_year_in_guizhou_time(session, world):
    alerts = certificate_alerts(session=session, today=TODAY)
    # T-006 was suspended in 2025 and revoked at 00:30 on 1 January 2026 (Beijing time);
    # T-007 was revoked at 23:30 on 31 December 2025: last year.
    assert [r.number for r in alerts.suspended] == ["T-005"]
    assert [r.number for r in alerts.revoked] == ["T-006"]
    assert alerts.revoked[0].on == date(2026, 1, 1)


def test_last_year_seen_from_last_year(session, world):
    alerts = certificate_alerts(session=session, today=date(2025, 12, 31))
    assert [r.number for r in alerts.suspended] == ["T-006"]
    assert [r.number for r in alerts.revoked] == ["T-007"]


# --- GWP --------------------------------------------------------------------------------------


def test_gwp_distributions_with_percentiles_and_reference(session, world):
    rows = {
        (d.category.code, d.variant.code if d.variant else None, d.unit): d
        for d in gwp_distributions(session=session)
    }
    assert list(rows) == [
        ("cement", None, "t"),
        ("concrete", "le_c30", "m^3"),
        ("lime", None, "t"),
        ("gypsum", None, "m^2"),
        ("gypsum", None, "t"),
        ("wood-bamboo", None, "m^3"),
    ]
    cement = rows[("cement", None, "t")]
    # 550, 600, 650, 700, 800 (the draft's 100 is not counted): P20 at rank 0.8, P80 at 3.2.
    assert (cement.count, cement.minimum, cement.maximum) == (5, 550, 800)
    assert (cement.p20, cement.median, cement.p80) == (590.0, 650.0, 720.0)
    assert cement.reference == 735.0
    concrete = rows[("concrete", "le_c30", "m^3")]
    # 230, 250, 260, 270, 290; the C30 variant's reference.
    assert (concrete.p20, concrete.median, concrete.p80) == (246.0, 260.0, 274.0)
    assert concrete.reference == 295.0
    # Gypsum binder per t: the reference is per m² of board, so none applies.
    assert rows[("gypsum", None, "t")].reference is None
    assert rows[("gypsum", None, "m^2")].reference == 4.0


# --- procurement -----------------------------------------------------------------------------


def test_procurement_green_share_by_value_and_type_per_division(session, world):
    shares = {s.division_code: s for s in procurement_shares(session=session, today=TODAY)}
    assert list(shares) == ["520100", "522700"]
    guiyang = shares["520100"]
    # List 1: cement 1000 green, gypsum 500 green, wood 500 suspended, gypsum 100 off the
    # catalogue; list 2: lime 1000 green. Optional types: gypsum (not all green), wood (no),
    # lime (yes): 1 of 3; list 2 alone meets the 40 % rule.
    assert (guiyang.lists, guiyang.total, guiyang.green) == (2, Decimal(3100), Decimal(2500))
    assert guiyang.value_share == pytest.approx(2500 / 3100)
    assert (guiyang.types_used, guiyang.types_covered) == (3, 1)
    assert guiyang.type_share == pytest.approx(1 / 3)
    assert guiyang.compliant_types_lists == 1
    qiannan = shares["522700"]
    # One concrete line whose certificate ran out yesterday; the empty list does not count.
    assert (qiannan.lists, qiannan.total, qiannan.green) == (1, Decimal(200), Decimal(0))
    assert qiannan.value_share == 0.0
    assert qiannan.type_share is None
