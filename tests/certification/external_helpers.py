"""Other certification bodies and their certificate rows, for the external-certificate tests."""

import csv
import io
from datetime import date, timedelta

from sqlmodel import Session

from accounts.models import Organisation
from certification.external.records import FIELDS
from tests import factories

COLUMNS = list(FIELDS)


def make_other_body(session: Session, code: str = "CNCA-R-2099-901") -> Organisation:
    """Create another (fictional) certification body with its approval number."""
    body, _ = factories.make_body(session, prefix="OTH")
    body.approval_number = code
    session.flush()
    return body


def row(body: Organisation, number: str, maker_code: str, **overrides) -> dict[str, str]:
    """Return one valid file row of the body's certificate for the maker (cement, 2 stars)."""
    values = {
        "certificate_number": number,
        "body_name": body.name_zh,
        "body_code": body.approval_number,
        "holder_uscc": maker_code,
        "holder_name": "湘外建材有限公司",
        "manufacturer_uscc": maker_code,
        "manufacturer_name": "湘外建材有限公司",
        "product_name": "外省水泥",
        "model": "P·O 42.5",
        "category": "水泥",
        "stars": "2",
        "status": "valid",
        "issued_on": (date.today() - timedelta(days=100)).isoformat(),
        "valid_until": (date.today() + timedelta(days=900)).isoformat(),
        "plant_address": "湖南省长沙市某路1号",
        "gwp": "700",
        "gwp_unit": "t",
    }
    values.update(overrides)
    return values


def csv_file(rows: list[dict[str, str]], encoding: str = "utf-8") -> bytes:
    """Return the rows as a CSV file with the issue's header, in the encoding."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)
