"""Certificate figures: products certified by category, division and star; monthly issue; alerts."""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, func, select

from accounts.divisions import DIVISIONS
from accounts.models import Organisation
from catalog.certificate_status import live_status_is_sql
from catalog.models import Category, Plant, Product, ProductStatus
from certification.models import Certificate, CertificateEvent, CertificateStatus
from dashboard.arithmetic import month_key, months_back
from greenbm.models_base import as_utc

STARS = (1, 2, 3)
MONTHS = 12
# [official] renewal is applied for within the 90 days before expiry.
EXPIRY_WINDOW_DAYS = 90
# "This year" is the calendar year in Guizhou, whatever the server's clock zone.
PROVINCE_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class StarCounts:
    """How many certificates of each star level one group (category, division, month) holds."""

    key: str
    counts: tuple[int, int, int]  # one, two, three stars

    @property
    def total(self) -> int:
        """Return the number of certificates of every star level."""
        return sum(self.counts)


def _star_counts(key: str, counter: Counter, match) -> StarCounts:
    return StarCounts(key, tuple(sum(n for k, n in counter.items() if match(k, s)) for s in STARS))


def _in_force(today: date) -> list:
    """Return the conditions of a certificate that makes its (public) product green today."""
    return [
        live_status_is_sql(Certificate.status, Certificate.valid_until, "valid", today),
        Product.status == ProductStatus.PUBLISHED,
    ]


@dataclass(frozen=True)
class Certified:
    """Certificates in force today, by category (code) and by division."""

    by_category: list[StarCounts]
    by_division: list[StarCounts]


def certified_products(*, session: Session, today: date) -> Certified:
    """Count the products certified today by category, by production-site division and by star."""
    counter = Counter(
        {
            (code, division, stars): n
            for code, division, stars, n in session.exec(
                select(Category.code, Plant.division_code, Certificate.stars, func.count())
                .join(Product, Product.id == Certificate.product_id)
                .join(Plant, Plant.id == Product.plant_id)
                .join(Category, Category.id == Certificate.category_id)
                .where(*_in_force(today))
                .group_by(Category.code, Plant.division_code, Certificate.stars)
            ).all()
        }
    )
    codes = session.exec(select(Category.code).order_by(Category.position, Category.id)).all()
    return Certified(
        by_category=[
            _star_counts(code, counter, lambda k, s, code=code: k[0] == code and k[2] == s)
            for code in codes
        ],
        by_division=[
            _star_counts(code, counter, lambda k, s, code=code: k[1] == code and k[2] == s)
            for code in DIVISIONS
        ],
    )


def issued_by_month(*, session: Session, today: date, months: int = MONTHS) -> list[StarCounts]:
    """Count the certificates issued in each of the last `months` months, by star level."""
    starts = months_back(today, months)
    counter = Counter(
        (month_key(issued_on), stars)
        for issued_on, stars in session.exec(
            select(Certificate.issued_on, Certificate.stars)
            .join(Product, Product.id == Certificate.product_id)
            .where(
                Certificate.issued_on >= starts[0],
                Certificate.issued_on <= today,
                Product.status == ProductStatus.PUBLISHED,
            )
        ).all()
    )
    return [
        StarCounts(month_key(start), tuple(counter[(month_key(start), s)] for s in STARS))
        for start in starts
    ]


@dataclass(frozen=True)
class CertificateRow:
    """A certificate as the alert tables list it; `on` is its expiry or its status change."""

    number: str
    holder: str
    product_zh: str
    product_en: str
    category_code: str
    stars: int
    on: date


@dataclass(frozen=True)
class Alerts:
    """Certificates expiring within 90 days, and those suspended or revoked this year."""

    today: date
    expiring: list[CertificateRow]
    suspended: list[CertificateRow]
    revoked: list[CertificateRow]


def _row_select():
    return (
        select(Certificate, Organisation.name_zh, Product.name_zh, Product.name_en, Category.code)
        .join(Organisation, Organisation.id == Certificate.holder_id)
        .join(Product, Product.id == Certificate.product_id)
        .join(Category, Category.id == Certificate.category_id)
    )


def _year_bounds(today: date) -> tuple[datetime, datetime]:
    """Return the start of this year and of the next in Guizhou, in UTC (stored that way)."""
    start = datetime(today.year, 1, 1, tzinfo=PROVINCE_TZ).astimezone(UTC)
    end = datetime(today.year + 1, 1, 1, tzinfo=PROVINCE_TZ).astimezone(UTC)
    return start, end


def _changed_to(status: str, today: date, *, session: Session) -> list[CertificateRow]:
    start, end = _year_bounds(today)
    latest = (
        select(CertificateEvent.certificate_id, func.max(CertificateEvent.at).label("at"))
        .where(
            CertificateEvent.to_status == status,
            CertificateEvent.at >= start,
            CertificateEvent.at < end,
        )
        .group_by(CertificateEvent.certificate_id)
        .subquery()
    )
    rows = session.exec(
        _row_select()
        .add_columns(latest.c.at)
        .join(latest, latest.c.certificate_id == Certificate.id)
        .order_by(latest.c.at.desc(), Certificate.number)
    ).all()
    return [
        CertificateRow(c.number, holder, zh, en, code, c.stars, _local_date(at))
        for c, holder, zh, en, code, at in rows
    ]


def _local_date(at: datetime) -> date:
    return as_utc(at).astimezone(PROVINCE_TZ).date()


def certificate_alerts(
    *, session: Session, today: date, window_days: int = EXPIRY_WINDOW_DAYS
) -> Alerts:
    """Return the certificates expiring within the window and those suspended/revoked this year."""
    expiring = session.exec(
        _row_select()
        .where(
            live_status_is_sql(Certificate.status, Certificate.valid_until, "valid", today),
            Certificate.valid_until <= today + timedelta(days=window_days),
        )
        .order_by(Certificate.valid_until, Certificate.number)
    ).all()
    return Alerts(
        today=today,
        expiring=[
            CertificateRow(c.number, holder, zh, en, code, c.stars, c.valid_until)
            for c, holder, zh, en, code in expiring
        ],
        suspended=_changed_to(CertificateStatus.SUSPENDED, today, session=session),
        revoked=_changed_to(CertificateStatus.REVOKED, today, session=session),
    )
