"""Importing other bodies' certificates: idempotent upsert, bad rows, encodings, status moves."""

import io
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from sqlmodel import Session, func, select

from accounts.models import Organisation
from catalog.models import Product, ProductStatus
from certification.external.importing import import_rows, read_external_file
from certification.models import Certificate, CertificateEvent
from greenbm.table_files import FileProblem
from tests import factories
from tests.certification.external_helpers import COLUMNS, csv_file, make_other_body, row


def _import(session: Session, data: bytes, name: str = "f.csv"):
    report = import_rows(read_external_file(data, name), session=session, actor=None, filename=name)
    session.flush()
    return report


def _counts(session: Session) -> tuple:
    return tuple(
        session.exec(select(func.count()).select_from(model)).one()
        for model in (Certificate, CertificateEvent, Product, Organisation)
    )


def test_a_row_creates_certificate_manufacturer_and_recorded_product(app, session, client):
    body = make_other_body(session)
    code = factories.credit_code("430100")
    report = _import(session, csv_file([row(body, "HN-2026-0001", code)]))
    assert (report.created, report.refused) == (1, 0)
    certificate = session.exec(
        select(Certificate).where(Certificate.number == "HN-2026-0001")
    ).one()
    assert (certificate.source, certificate.status, certificate.body_id) == (
        "imported",
        "valid",
        body.id,
    )
    assert certificate.application_id is None and certificate.last_confirmed_at is not None
    maker = session.get(Organisation, certificate.holder_id)
    assert (maker.credit_code, maker.division_code) == (code, "430100")
    product = session.get(Product, certificate.product_id)
    assert (product.recorded_from_id, product.status, product.cert_status) == (
        body.id,
        ProductStatus.PUBLISHED,
        "valid",
    )
    session.commit()
    page = client.get(f"/catalog/products/{product.id}").get_data(as_text=True)
    assert 'data-testid="recorded-from"' in page and body.name_zh in page


def test_importing_the_same_file_twice_changes_nothing(app, session):
    body = make_other_body(session)
    data = csv_file(
        [row(body, f"HN-2026-{n:04d}", factories.credit_code("430100")) for n in range(3)]
    )
    _import(session, data)
    before = _counts(session)
    again = _import(session, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert _counts(session) == before


def test_a_later_file_that_says_suspended_suspends_with_history(app, session):
    body = make_other_body(session)
    code = factories.credit_code("430100")
    _import(session, csv_file([row(body, "HN-2026-0009", code)]))
    report = _import(session, csv_file([row(body, "HN-2026-0009", code, status="suspended")]))
    assert report.updated == 1
    certificate = session.exec(
        select(Certificate).where(Certificate.number == "HN-2026-0009")
    ).one()
    assert certificate.status == "suspended"
    assert session.get(Product, certificate.product_id).cert_status == "suspended"
    moves = session.exec(
        select(CertificateEvent.from_status, CertificateEvent.to_status)
        .where(CertificateEvent.certificate_id == certificate.id)
        .order_by(CertificateEvent.id)
    ).all()
    assert [tuple(m) for m in moves] == [(None, "valid"), ("valid", "suspended")]


def test_a_bad_row_writes_nothing_and_is_reported_with_its_column(app, session):
    body = make_other_body(session)
    good = row(body, "HN-2026-0100", factories.credit_code("430100"))
    bad = row(body, "HN-2026-0101", "91430100MA00000000", stars="5", issued_on="2026/01/01")
    before = _counts(session)
    report = _import(session, csv_file([good, bad]))
    assert (report.created, report.refused) == (1, 1)
    assert {(e["row"], e["field"]) for e in report.errors} == {
        (3, "holder_uscc"),
        (3, "manufacturer_uscc"),
        (3, "stars"),
        (3, "issued_on"),
    }
    assert _counts(session)[0] == before[0] + 1


def test_an_unknown_body_or_another_bodys_number_is_refused(app, session):
    body = make_other_body(session)
    other = make_other_body(session, code="CNCA-R-2099-902")
    code = factories.credit_code("430100")
    _import(session, csv_file([row(body, "HN-2026-0200", code)]))
    report = _import(
        session,
        csv_file(
            [
                row(other, "HN-2026-0200", code, status="revoked"),
                row(body, "HN-2026-0201", code, body_code="CNCA-R-0000-000"),
            ]
        ),
    )
    assert [(e["row"], e["field"]) for e in report.errors] == [
        (2, "certificate_number"),
        (3, "body_code"),
    ]
    certificate = session.exec(
        select(Certificate).where(Certificate.number == "HN-2026-0200")
    ).one()
    assert certificate.status == "valid"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_utf8_or_gb18030_reads_the_same(app, session, encoding):
    body = make_other_body(session)
    data = csv_file([row(body, "HN-2026-0300", factories.credit_code("430100"))], encoding)
    rows = read_external_file(data, "f.csv")
    assert rows[0][1]["holder_name"] == "湘外建材有限公司"


def test_xlsx_with_chinese_headers_reads_the_same(app, session):
    body = make_other_body(session)
    values = row(body, "HN-2026-0400", factories.credit_code("430100"))
    chinese = [
        "证书编号",
        "认证机构",
        "批准号",
        "持证人统一社会信用代码",
        "持证人",
        "生产者统一社会信用代码",
        "生产者",
        "产品名称",
        "型号",
        "产品类别",
        "星级",
        "证书状态",
        "发证日期",
        "有效期至",
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(chinese)
    sheet.append([values[c] for c in COLUMNS[: len(chinese)]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = _import(session, buffer.getvalue(), "f.xlsx")
    assert (report.created, report.refused) == (1, 0)


def test_a_file_without_the_columns_is_refused_whole():
    with pytest.raises(FileProblem) as refused:
        read_external_file("证书编号,星级\nX,2\n".encode(), "f.csv")
    assert "body_name" in str(refused.value)


def test_a_record_past_its_end_date_stays_expired_on_reimport(app, session):
    from certification.certificates.lifecycle import expire_certificates

    body = make_other_body(session)
    code = factories.credit_code("430100")
    past = row(
        body,
        "HN-2026-0500",
        code,
        issued_on="2020-01-01",
        valid_until=(date.today() - timedelta(days=1)).isoformat(),
    )
    _import(session, csv_file([past]))
    expire_certificates(session=session)
    before = _counts(session)
    assert _import(session, csv_file([past])).unchanged == 1
    assert _counts(session) == before
