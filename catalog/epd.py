"""A product's EPD, read once: its declared registration and its public documents together."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from catalog.models import EvidenceFile, EvidenceKind, Product


@dataclass(frozen=True)
class ProductEpd:
    """What the public may know of a product's EPD; every page part reads this one answer."""

    programme_operator: str
    registration_number: str
    issue_date: date | None
    valid_until: date | None
    files: list[EvidenceFile]

    @property
    def registered(self) -> bool:
        """Return whether the manufacturer declared the EPD's registration."""
        return bool(self.registration_number)

    @property
    def exists(self) -> bool:
        """Return whether the product has an EPD: a declared registration or a public document."""
        return self.registered or bool(self.files)


def public_epds(product_id: int, *, session: Session) -> list[EvidenceFile]:
    """Return the product's EPD files, the only evidence the public may read."""
    query = select(EvidenceFile).where(
        EvidenceFile.product_id == product_id, EvidenceFile.kind == EvidenceKind.EPD
    )
    return list(session.exec(query.order_by(EvidenceFile.uploaded_at.desc())).all())


def product_epd(product: Product, *, session: Session) -> ProductEpd:
    """Return the product's EPD as the public sees it."""
    return ProductEpd(
        programme_operator=product.epd_programme_operator.strip(),
        registration_number=product.epd_registration_number.strip(),
        issue_date=product.epd_issue_date,
        valid_until=product.epd_valid_until,
        files=public_epds(product.id, session=session),
    )
