"""Organisations known from other bodies' certificates: bodies' numbers, recorded makers."""

from flask_babel import gettext as _
from sqlmodel import Session, select

from accounts.credit_code import CreditCodeError, normalize_credit_code
from accounts.models import Organisation, OrganisationKind, User
from greenbm.errors import Duplicate, Invalid


def unclaimed_manufacturer(credit_code: str, *, session: Session) -> Organisation | None:
    """Return the manufacturer with this credit code that has no user yet (recorded), or None."""
    try:
        code = normalize_credit_code(credit_code)
    except CreditCodeError:
        return None
    has_user = select(User.id).where(User.organisation_id == Organisation.id).exists()
    query = select(Organisation).where(
        Organisation.credit_code == code,
        Organisation.kind == OrganisationKind.MANUFACTURER,
        ~has_user,
    )
    return session.exec(query).first()


def manufacturer_of_record(
    credit_code: str, name: str, *, session: Session, field: str
) -> Organisation:
    """Return the manufacturer with this (valid) credit code, recording it first if unknown.

    The region code of a new one is the code's characters 3 to 8 (GB 32100-2015), so a
    manufacturer from another province counts in no Guizhou division.
    """
    existing = session.exec(
        select(Organisation).where(Organisation.credit_code == credit_code)
    ).first()
    if existing is not None:
        if existing.kind != OrganisationKind.MANUFACTURER:
            raise Invalid(
                {
                    field: [
                        _("This credit code belongs to an organisation that is not a manufacturer.")
                    ]
                }
            )
        return existing
    organisation = Organisation(
        kind=OrganisationKind.MANUFACTURER,
        name_zh=name,
        credit_code=credit_code,
        division_code=credit_code[2:8],
    )
    session.add(organisation)
    session.flush()
    return organisation


def checked_approval_number(kind: str, text: str | None, *, session: Session) -> str | None:
    """Return a body's CNCA approval number normalised (None if empty); refuse a taken one."""
    approval = " ".join((text or "").split()).upper() or None
    if approval and kind != OrganisationKind.CERTIFICATION_BODY:
        raise Invalid({"approval_number": [_("Only certification bodies have one.")]})
    taken = select(Organisation.id).where(Organisation.approval_number == approval)
    if approval and session.exec(taken).first():
        raise Duplicate({"approval_number": [_("Another body has this approval number.")]})
    return approval
