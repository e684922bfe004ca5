"""The demo history adds up: criteria, products, applications and certificates in order."""

from datetime import UTC, date, datetime

from dateutil.relativedelta import relativedelta
from sqlmodel import select

from catalog.models import EvidenceFile, Product
from certification.certificates.lifecycle import SUSPENSION_MONTHS
from certification.models import (
    Application,
    ApplicationEvent,
    Certificate,
    CertificateEvent,
    CriteriaVersion,
)
from seeds.certification_demo import load_demo_certificates
from seeds.loader import load_demo

REPORT_MAX_AGE = relativedelta(months=12)  # [official] type-test report within 12 months


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _in_order(moments) -> bool:
    moments = [_aware(m) for m in moments]
    return moments == sorted(moments)


def test_the_demo_history_reads_in_order(session, tmp_path):
    load_demo(echo=lambda *a, **k: None, session=session)
    today = date.today()
    load_demo_certificates(str(tmp_path), today=today, session=session)
    session.commit()
    now = datetime.now(UTC)
    certificates = session.exec(select(Certificate)).all()
    assert certificates
    for certificate in certificates:
        number = certificate.number
        version = session.get(CriteriaVersion, certificate.criteria_version_id)
        assert _aware(version.activated_at).date() <= certificate.issued_on, number
        application = session.get(Application, certificate.application_id)
        product = session.get(Product, certificate.product_id)
        opened, submitted = application.created_at, application.submitted_at
        assert _in_order([product.published_at, opened, submitted, application.decided_at]), number
        assert _aware(application.decided_at).date() <= certificate.issued_on, number
        files = session.exec(select(EvidenceFile).where(EvidenceFile.product_id == product.id))
        for evidence in files:
            assert _in_order([evidence.uploaded_at, submitted]), number
            if evidence.test_date:
                assert submitted.date() - REPORT_MAX_AGE <= evidence.test_date, number
        events = session.exec(
            select(CertificateEvent)
            .where(CertificateEvent.certificate_id == certificate.id)
            .order_by(CertificateEvent.id)
        ).all()
        assert _in_order([e.at for e in events] + [now]), number
        assert _aware(events[0].at).date() == certificate.issued_on, number
        by_status = {e.to_status: _aware(e.at) for e in events}
        if certificate.status == "revoked":
            # Revoked "after the suspension period": the period really passed in between.
            suspended = by_status["suspended"]
            assert by_status["revoked"] >= suspended + relativedelta(months=SUSPENSION_MONTHS)
        if certificate.status == "suspended":
            # Still suspended: the period has not run out, else it would have been revoked.
            assert by_status["suspended"] + relativedelta(months=SUSPENSION_MONTHS) > now
        if certificate.status == "expired":
            assert certificate.valid_until < today
    for application in session.exec(select(Application)).all():
        events = session.exec(
            select(ApplicationEvent)
            .where(ApplicationEvent.application_id == application.id)
            .order_by(ApplicationEvent.id)
        ).all()
        moments = [application.created_at, *(e.at for e in events), now]
        assert _in_order(moments), application.id
