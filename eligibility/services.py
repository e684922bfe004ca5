"""Checking eligibility against the database: one supplier or many, in a fixed number of queries.

The rule itself is in `rules`, reading a question in `queries`; the JSON form of an answer and
its reasons in words are in `answers`; finding suppliers by name is in `suppliers`.
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind
from catalog.models import Category, Product
from certification.models import Certificate
from eligibility.queries import Categories, Query
from eligibility.rules import CertificateFact, Judgement, judge

MAX_ROWS = 10_000  # one bulk check, by file or by API
# Codes (and ids) per IN (...) list: well under SQLite's 32,766 and PostgreSQL's 65,535
# parameters, so 10,000 rows take at most two statements per table.
_IN_CHUNK = 5_000


def load_categories(*, session: Session) -> Categories:
    """Return the lookup of every category, in display order."""
    return Categories(session.exec(select(Category).order_by(Category.position, Category.id)))


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
