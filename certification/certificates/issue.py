"""Issuing certificates: numbering, what they print, issue and reissue."""

import json
from datetime import UTC, date, datetime, time
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from accounts.models import Organisation, User
from catalog.models import Category, Plant, Product
from catalog.services import set_certification_summary
from certification.criteria.rules import Assessment
from certification.criteria.store import criteria_of_version
from certification.models import Application, ApplicationKind, Certificate, CertificateSequence
from certification.states import CERTIFICATES, apply_move

VALIDITY_YEARS = 5  # [official] certificates are valid for 5 years
FIRST_SURVEILLANCE_MONTHS = 6  # [official] the first may come about 6 months after issue
CERTIFICATION_MODE = "文件审核 + 初始工厂检查 + 产品抽样检测 + 获证后监督"


def _category_token(code: str) -> str:
    # "ceramic-tile" -> "CERAMICTILE" would be long; the first three letters of each part.
    return "".join(part[:3] for part in code.split("-")).upper()


def next_certificate_number(
    body: Organisation, category_code: str, year: int, *, session: Session
) -> str:
    """Return the next number `<prefix>-<year>-<CATEGORY>-<six digits>` for the body.

    The counter row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers),
    so concurrent issues never share a number; the unique index on the number is the backstop.
    """
    query = select(CertificateSequence).where(
        CertificateSequence.body_id == body.id,
        CertificateSequence.year == year,
        CertificateSequence.category_code == category_code,
    )
    sequence = session.exec(query.with_for_update()).first()
    if sequence is None:
        try:
            with session.begin_nested():
                session.add(
                    CertificateSequence(body_id=body.id, year=year, category_code=category_code)
                )
        except IntegrityError:
            pass  # another transaction created it first; lock theirs
        sequence = session.exec(query.with_for_update()).one()
    sequence.last_serial += 1
    session.flush()
    prefix = body.cert_number_prefix or "GBM"
    return f"{prefix}-{year}-{_category_token(category_code)}-{sequence.last_serial:06d}"


def certificate_snapshot(
    product: Product,
    body: Organisation,
    criteria_version_id: int,
    assessment: Assessment,
    *,
    session: Session,
) -> dict:
    """Return everything the certificate prints, as plain JSON-safe values."""
    holder = session.get(Organisation, product.manufacturer_id)
    plant = session.get(Plant, product.plant_id)
    category = session.get(Category, product.category_id)
    criteria = criteria_of_version(criteria_version_id, session=session)
    return {
        "holder_name_zh": holder.name_zh,
        "holder_name_en": holder.name_en or "",
        "holder_address": holder.address,
        "holder_credit_code": holder.credit_code,
        "manufacturer_name_zh": holder.name_zh,
        "manufacturer_address": holder.address,
        "factory_name": plant.name,
        "factory_address": plant.address,
        "product_name_zh": product.name_zh,
        "product_name_en": product.name_en,
        "series": product.series,
        "model_spec": product.model_spec,
        "category_code": category.code,
        "category_name_zh": category.name_zh,
        "category_name_en": category.name_en,
        "standard": f"{criteria.title_zh} ({criteria.version})",
        # The page shows the criteria's English title to an English reader (the PDF both).
        "standard_en": f"{criteria.title_en} ({criteria.version})",
        "certification_mode": CERTIFICATION_MODE,
        "gwp_a1a3": product.gwp_a1a3,
        "declared_unit": product.declared_unit,
        "gwp_provenance": product.gwp_provenance,
        "body_name_zh": body.name_zh,
        "body_name_en": body.name_en or "",
        "score": assessment.score,
    }


def printed(certificate: Certificate) -> SimpleNamespace:
    """Return the certificate's printed fields as attributes, so `localized()` can read them."""
    return SimpleNamespace(**json.loads(certificate.snapshot))


def _issue_time(today: date) -> datetime | None:
    """Return when an issue dated in the past happened, for its history; None for today."""
    if today == date.today():
        return None
    # An issue dated in the past (demo data, migrated records) shows in history as such.
    return datetime.combine(today, time(9, 0), tzinfo=UTC)


def summarise(certificate: Certificate, *, session: Session) -> None:
    """Copy the certificate's number, stars, status and date onto its catalogue product."""
    set_certification_summary(
        certificate.product_id,
        number=certificate.number,
        stars=certificate.stars,
        status=certificate.status,
        valid_until=certificate.valid_until,
        session=session,
    )


def issue_certificate(
    application: Application,
    assessment: Assessment,
    actor: User,
    *,
    session: Session,
    today: date | None = None,
) -> Certificate:
    """Issue (or, for renewal and change applications, reissue) the application's certificate."""
    today = today or date.today()
    product = session.get(Product, application.product_id)
    body = session.get(Organisation, application.body_id)
    snapshot = certificate_snapshot(
        product, body, application.criteria_version_id, assessment, session=session
    )
    if application.kind != ApplicationKind.INITIAL and application.certificate_id:
        return _reissue(application, assessment, actor, snapshot, today, session=session)
    category = session.get(Category, product.category_id)
    certificate = Certificate(
        number=next_certificate_number(body, category.code, today.year, session=session),
        product_id=product.id,
        holder_id=product.manufacturer_id,
        body_id=body.id,
        category_id=category.id,
        criteria_version_id=application.criteria_version_id,
        application_id=application.id,
        stars=assessment.stars,
        issued_on=today,
        valid_until=today + relativedelta(years=VALIDITY_YEARS, days=-1),
        next_surveillance_due=today + relativedelta(months=FIRST_SURVEILLANCE_MONTHS),
        snapshot=json.dumps(snapshot, ensure_ascii=False),
    )
    apply_move(
        CERTIFICATES,
        certificate,
        "issue",
        actor=actor,
        reason=_("Issued"),
        at=_issue_time(today),
        session=session,
    )
    summarise(certificate, session=session)
    session.flush()
    return certificate


def _reissue(application, assessment, actor, snapshot, today, *, session) -> Certificate:
    certificate = session.get(Certificate, application.certificate_id)
    certificate.stars = assessment.stars
    certificate.criteria_version_id = application.criteria_version_id
    certificate.snapshot = json.dumps(snapshot, ensure_ascii=False)
    if application.kind == ApplicationKind.RENEWAL:
        # Renewal continues the same number with a new five-year term from the old expiry.
        certificate.valid_until = certificate.valid_until + relativedelta(years=VALIDITY_YEARS)
        reason = _("Renewed until %(date)s", date=certificate.valid_until.isoformat())
    else:
        # [official] a change keeps the number and the validity and records the change date.
        certificate.change_date = today
        reason = _("Changed: %(what)s", what=application.change_description)
    apply_move(CERTIFICATES, certificate, "reissue", actor=actor, reason=reason, session=session)
    summarise(certificate, session=session)
    session.flush()
    return certificate
