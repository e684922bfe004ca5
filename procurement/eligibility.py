"""Supplier eligibility: the pure rule, reading a query, and checking one or many suppliers.

The JSON form of an answer and its reasons in words are in `eligibility_answers`; finding
suppliers by name is in `eligibility_suppliers`.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from flask_babel import gettext as _
from sqlmodel import Session, select

from accounts.credit_code import CreditCodeError, normalize_credit_code
from accounts.models import Organisation, OrganisationKind
from catalog.models import Category, Product
from certification.certificates.queries import live_status
from certification.models import Certificate, CertificateStatus
from greenbm.errors import Invalid

MAX_ROWS = 10_000  # one bulk check, by file or by API
STAR_LEVELS = (1, 2, 3)
# Codes (and ids) per IN (...) list: well under SQLite's 32,766 and PostgreSQL's 65,535
# parameters, so 10,000 rows take at most two statements per table.
_IN_CHUNK = 5_000


class Reason(StrEnum):
    """Why a supplier is not eligible."""

    UNKNOWN_SUPPLIER = "unknown_supplier"  # no manufacturer has the credit code
    NO_CERTIFICATE = "no_certificate"  # none in the category, in any status
    NOT_VALID = "not_valid"  # some in the category, none valid today
    STARS_BELOW = "stars_below"  # valid ones, all below the minimum


# --- categories and queries -------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryRef:
    """A category as a query names it (plain values, usable after the session closes)."""

    id: int
    code: str
    name_zh: str
    name_en: str


def _key(text: str) -> str:
    # Full-width letters, case, and "-", "_" or spaces between words do not matter.
    text = unicodedata.normalize("NFKC", text).strip().casefold()
    return re.sub(r"[\s_\-]+", "-", text)


class Categories:
    """Every category, found by its code or its Chinese or English name."""

    def __init__(self, categories: Iterable[Category]):
        self.all = [CategoryRef(c.id, c.code, c.name_zh, c.name_en) for c in categories]
        self._by_key: dict[str, CategoryRef] = {}
        for ref in self.all:
            for name in (ref.code, ref.name_zh, ref.name_en):
                self._by_key.setdefault(_key(name), ref)

    def find(self, text: str) -> CategoryRef | None:
        """Return the category with this code or name, or None."""
        return self._by_key.get(_key(text or ""))


def load_categories(*, session: Session) -> Categories:
    """Return the lookup of every category, in display order."""
    return Categories(session.exec(select(Category).order_by(Category.position, Category.id)))


@dataclass(frozen=True)
class Query:
    """One question: is this supplier eligible in this category at this star level?"""

    credit_code: str
    category: CategoryRef
    min_stars: int


_CHINESE_DIGITS = {"一": "1", "二": "2", "两": "2", "三": "3"}
_STARS = re.compile(r"(\d+)(?:\.0*)?\s*(?:星级|星|stars?)?")


def parse_min_stars(value: object) -> int:
    """Return the minimum star level (1 when empty); accept 2, "2", 2.0, "二星级", "2 stars"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1
    if isinstance(value, int | float) and not isinstance(value, bool) and value == int(value):
        text = str(int(value))
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip().casefold()
        text = "".join(_CHINESE_DIGITS.get(ch, ch) for ch in text)
    match = _STARS.fullmatch(text)
    if match is None or int(match[1]) not in STAR_LEVELS:
        raise ValueError(
            _("The minimum star level must be 1, 2 or 3, not “%(value)s”.", value=str(value)[:20])
        )
    return int(match[1])


def parse_query(
    *, supplier: object, category: object, min_stars: object, categories: Categories
) -> Query:
    """Return the Query, or raise Invalid naming each bad parameter.

    The parameters are named as the API names them: `supplier` (the credit code), `category`
    (a code, or a Chinese or English name) and `min_stars` (1, 2 or 3; empty means 1).
    """
    errors: dict[str, list[str]] = {}
    code = found = stars = None
    supplier_text = "" if supplier is None else str(supplier).strip()
    category_text = "" if category is None else str(category).strip()
    if not supplier_text:
        errors["supplier"] = [_("Enter the supplier's credit code.")]
    else:
        try:
            code = normalize_credit_code(unicodedata.normalize("NFKC", supplier_text))
        except CreditCodeError as exc:
            errors["supplier"] = [str(exc)]
    if not category_text:
        errors["category"] = [_("Enter a category.")]
    elif (found := categories.find(category_text)) is None:
        errors["category"] = [
            _("No category has the code or name “%(name)s”.", name=category_text[:40])
        ]
    try:
        stars = parse_min_stars(min_stars)
    except ValueError as exc:
        errors["min_stars"] = [str(exc)]
    if errors:
        raise Invalid(errors)
    return Query(code, found, stars)


# --- the rule ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateFact:
    """What eligibility needs of one certificate, as stored."""

    number: str
    stars: int
    status: str
    valid_until: date
    product_id: int
    product_name: str
    product_name_en: str


@dataclass(frozen=True)
class RatedCertificate:
    """A certificate with its status today and whether it meets the query."""

    fact: CertificateFact
    status: str
    qualifies: bool


@dataclass(frozen=True)
class Judgement:
    """The answer of the rule: eligible or why not, and the certificates it looked at."""

    eligible: bool
    reason: Reason | None
    certificates: tuple[RatedCertificate, ...]


def judge(
    certificates: Sequence[CertificateFact] | None, *, min_stars: int, today: date
) -> Judgement:
    """Judge a supplier's certificates in one category; None means the supplier is unknown.

    Eligible when at least one certificate is valid today (one that ends today still is) with
    at least `min_stars`. Otherwise the reason is that there is none in the category, that none
    is valid today, or that the valid ones have too few stars. Best certificates come first.
    """
    if certificates is None:
        return Judgement(False, Reason.UNKNOWN_SUPPLIER, ())
    rated = []
    for fact in certificates:
        status = live_status(fact, today)
        qualifies = status == CertificateStatus.VALID and fact.stars >= min_stars
        rated.append(RatedCertificate(fact, status, qualifies))
    rated.sort(
        key=lambda r: (
            not r.qualifies,
            r.status != CertificateStatus.VALID,
            -r.fact.stars,
            -r.fact.valid_until.toordinal(),
            r.fact.number,
        )
    )
    if any(r.qualifies for r in rated):
        reason = None
    elif not rated:
        reason = Reason.NO_CERTIFICATE
    elif all(r.status != CertificateStatus.VALID for r in rated):
        reason = Reason.NOT_VALID
    else:
        reason = Reason.STARS_BELOW
    return Judgement(reason is None, reason, tuple(rated))


# --- the service ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Supplier:
    """A manufacturer, as eligibility shows it."""

    id: int
    credit_code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Answer:
    """The answer to one query."""

    query: Query
    supplier: Supplier | None
    judgement: Judgement

    @property
    def eligible(self) -> bool:
        """Return whether the supplier is eligible."""
        return self.judgement.eligible


@dataclass
class SupplierRecords:
    """The suppliers of a batch of queries and their certificates in the asked categories."""

    suppliers: dict[str, Supplier]  # by credit code
    certificates: dict[tuple[int, int], list[CertificateFact]]  # by (supplier id, category id)

    def answer(self, query: Query, today: date) -> Answer:
        """Answer one query from the loaded records (no database access)."""
        supplier = self.suppliers.get(query.credit_code)
        held = None
        if supplier is not None:
            held = self.certificates.get((supplier.id, query.category.id), [])
        return Answer(query, supplier, judge(held, min_stars=query.min_stars, today=today))


def _chunks(values: list, size: int = _IN_CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def supplier_of(org: Organisation) -> Supplier:
    """Return the eligibility view of a manufacturer."""
    return Supplier(org.id, org.credit_code, org.name_zh, org.name_en or "")


def load_records(*, session: Session, queries: Sequence[Query]) -> SupplierRecords:
    """Load the queries' suppliers and their certificates with a fixed number of statements."""
    codes = sorted({q.credit_code for q in queries})
    suppliers: dict[str, Supplier] = {}
    for chunk in _chunks(codes):
        rows = session.exec(
            select(Organisation).where(
                Organisation.credit_code.in_(chunk),
                Organisation.kind == OrganisationKind.MANUFACTURER,
            )
        )
        suppliers.update((org.credit_code, supplier_of(org)) for org in rows)
    category_ids = sorted({q.category.id for q in queries})
    certificates: dict[tuple[int, int], list[CertificateFact]] = defaultdict(list)
    ids = sorted(s.id for s in suppliers.values())
    for chunk in _chunks(ids):
        rows = session.exec(
            select(
                Certificate.holder_id,
                Certificate.category_id,
                Certificate.number,
                Certificate.stars,
                Certificate.status,
                Certificate.valid_until,
                Certificate.product_id,
                Product.name_zh,
                Product.name_en,
            )
            .join(Product, Product.id == Certificate.product_id)
            .where(Certificate.holder_id.in_(chunk), Certificate.category_id.in_(category_ids))
        )
        for holder_id, category_id, *fact in rows:
            fact[-1] = fact[-1] or ""
            certificates[holder_id, category_id].append(CertificateFact(*fact))
    return SupplierRecords(suppliers, dict(certificates))


def check_many(
    *, session: Session, queries: Sequence[Query], today: date | None = None
) -> list[Answer]:
    """Answer many queries in order, loading everything with a fixed number of statements."""
    today = today or date.today()
    records = load_records(session=session, queries=queries)
    return [records.answer(query, today) for query in queries]


def check_eligibility(*, session: Session, query: Query, today: date | None = None) -> Answer:
    """Answer one query: is the supplier eligible, why not, and with which certificates."""
    return check_many(session=session, queries=[query], today=today)[0]
