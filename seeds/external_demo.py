"""Demo certificates of other certification bodies, loaded through the real import."""

import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select

from accounts.credit_code import make_credit_code
from accounts.models import Organisation, OrganisationKind
from certification.external.importing import import_rows
from certification.models import Certificate

DATA = Path(__file__).with_name("external_certificates.toml")


def _body(item: dict, *, session: Session) -> Organisation:
    body = session.exec(
        select(Organisation).where(Organisation.approval_number == item["approval_number"])
    ).first()
    if body is None:
        # Out-of-province bodies: created directly, since the console form offers only
        # Guizhou's divisions.
        body = Organisation(
            kind=OrganisationKind.CERTIFICATION_BODY,
            name_zh=item["name_zh"],
            name_en=item["name_en"],
            credit_code=make_credit_code(item["credit17"]),
            division_code=item["division_code"],
            approval_number=item["approval_number"],
        )
        session.add(body)
        session.flush()
    return body


def load_external_demo(*, session: Session, today: date) -> dict[str, int]:
    """Load the demo bodies and import their certificates (again: nothing changes)."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    bodies = {item["key"]: _body(item, session=session) for item in data["body"]}
    rows = []
    for number, item in enumerate(data["certificate"], start=2):
        body = bodies[item["body"]]
        maker = make_credit_code(item["maker17"])
        values = {
            "certificate_number": item["certificate_number"],
            "body_name": body.name_zh,
            "body_code": body.approval_number,
            "holder_uscc": maker,
            "holder_name": item["maker_name"],
            "manufacturer_uscc": maker,
            "manufacturer_name": item["maker_name"],
            "product_name": item["product_name"],
            "model": item["model"],
            "category": item["category"],
            "stars": str(item["stars"]),
            "status": item["status"],
            "issued_on": (today + timedelta(days=item["issued"])).isoformat(),
            "valid_until": (today + timedelta(days=item["until"])).isoformat(),
            "plant_address": item.get("plant_address", ""),
            "gwp": str(item["gwp"]) if "gwp" in item else "",
        }
        rows.append((number, values))
    report = import_rows(rows, session=session, actor=None, filename=DATA.name)
    for item in data["certificate"]:
        if "confirmed" in item:
            certificate = session.exec(
                select(Certificate).where(Certificate.number == item["certificate_number"])
            ).one()
            confirmed = today + timedelta(days=item["confirmed"])
            certificate.last_confirmed_at = datetime(
                confirmed.year, confirmed.month, confirmed.day, 9, tzinfo=UTC
            )
    session.flush()
    return {"created": report.created, "refused": report.refused}
