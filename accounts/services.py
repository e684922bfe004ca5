"""Use cases of accounts: registering organisations and users, signing in, disabling."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from accounts.credit_code import CreditCodeError, normalize_credit_code
from accounts.divisions import DIVISIONS
from accounts.models import ROLE_OF_KIND, Organisation, OrganisationKind, Role, User
from accounts.passwords import hash_password, verify_password
from accounts.recorded import checked_approval_number, unclaimed_manufacturer
from greenbm.audit import AuditAction, record_audit
from greenbm.errors import Duplicate, Invalid, NotAllowed
from greenbm.models_base import utcnow

MIN_PASSWORD_LENGTH = 8


@dataclass
class OrganisationData:
    """The fields of a new organisation, as entered."""

    kind: str
    name_zh: str
    credit_code: str
    division_code: str
    name_en: str | None = None
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    cert_number_prefix: str | None = None
    approval_number: str | None = None


class EmailTaken(Duplicate):
    """The e-mail address already belongs to a user."""

    def __init__(self) -> None:
        super().__init__({"email": [_("This e-mail address is already registered.")]})


def normalize_email(email: str) -> str:
    """Return the e-mail trimmed and lower-cased, the form it is stored and compared in."""
    return (email or "").strip().lower()


def _check_organisation(
    data: OrganisationData, *, session: Session, claiming: bool = False
) -> Organisation:
    errors: dict[str, list[str]] = {}
    if data.kind not in OrganisationKind.__members__.values():
        errors["kind"] = [_("Unknown organisation kind.")]
    if not data.name_zh.strip():
        errors["name_zh"] = [_("The Chinese name is required.")]
    if data.division_code not in DIVISIONS:
        errors["division_code"] = [_("Choose one of Guizhou's nine divisions.")]
    try:
        code = normalize_credit_code(data.credit_code)
    except CreditCodeError as exc:
        errors["credit_code"] = [str(exc)]
        code = None
    if errors:
        raise Invalid(errors)
    approval = checked_approval_number(data.kind, data.approval_number, session=session)
    taken = select(Organisation.id).where(Organisation.credit_code == code)
    if not claiming and session.exec(taken).first():
        raise Duplicate(
            {"credit_code": [_("An organisation with this credit code is registered.")]}
        )
    return Organisation(
        kind=data.kind,
        name_zh=data.name_zh.strip(),
        name_en=(data.name_en or "").strip() or None,
        credit_code=code,
        division_code=data.division_code,
        address=data.address.strip(),
        contact_name=data.contact_name.strip(),
        contact_phone=data.contact_phone.strip(),
        contact_email=normalize_email(data.contact_email),
        cert_number_prefix=(data.cert_number_prefix or "").strip().upper() or None,
        approval_number=approval,
    )


def _check_new_user(email: str, password: str, *, session: Session) -> None:
    """Refuse a short password, then an e-mail address that has an account (EmailTaken)."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise Invalid({"password": [_("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)]})
    email = normalize_email(email)
    if session.exec(select(User.id).where(func.lower(User.email) == email)).first():
        raise EmailTaken()


def _new_user(
    organisation: Organisation, email: str, password: str, display_name: str, *, session: Session
) -> User:
    _check_new_user(email, password, session=session)
    return User(
        email=normalize_email(email),
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        organisation_id=organisation.id,
        role=ROLE_OF_KIND[OrganisationKind(organisation.kind)],
    )


def _flush_unique(*, session: Session) -> None:
    """Flush; a unique clash with a concurrent registration becomes a clear Duplicate."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        text = str(exc.orig).lower()
        if "credit_code" in text:
            message = _("An organisation with this credit code is registered.")
            raise Duplicate({"credit_code": [message]}) from exc
        if "email" in text:
            raise EmailTaken() from exc
        raise


def register_manufacturer(
    *,
    session: Session,
    organisation: OrganisationData,
    email: str,
    password: str,
    display_name: str = "",
) -> User:
    """Register a manufacturer organisation together with its first user.

    Raises EmailTaken when the e-mail address already has an account: the registration page
    must answer it as it answers a registration, so that it does not tell who has an account.
    """
    organisation.kind = OrganisationKind.MANUFACTURER
    # A manufacturer first recorded from another body's certificate takes over that entry,
    # with its products and certificates, when it registers with the same credit code.
    recorded = unclaimed_manufacturer(organisation.credit_code, session=session)
    org = _check_organisation(organisation, session=session, claiming=recorded is not None)
    try:
        _check_new_user(email, password, session=session)
    except EmailTaken:
        # The work of a registration all the same: the time of the answer must not tell either.
        hash_password(password)
        raise
    if recorded is not None:
        for name in OrganisationData.__dataclass_fields__:
            setattr(recorded, name, getattr(org, name))
        org = recorded
    session.add(org)
    _flush_unique(session=session)
    user = _new_user(org, email, password, display_name, session=session)
    session.add(user)
    _flush_unique(session=session)
    return user


def require_administrator(actor: User) -> None:
    """Raise NotAllowed unless the actor is an enabled administrator."""
    if actor.role != Role.ADMINISTRATOR or actor.disabled:
        raise NotAllowed()


def create_organisation(
    *, session: Session, actor: User | None, organisation: OrganisationData
) -> Organisation:
    """Create an organisation of any kind (administrators, or the CLI with actor None)."""
    if actor is not None:
        require_administrator(actor)
    org = _check_organisation(organisation, session=session)
    session.add(org)
    _flush_unique(session=session)
    record_audit(
        actor=actor,
        action=AuditAction.ORGANISATION_CREATED,
        object_type="organisation",
        object_id=org.id,
        label=org.name_zh,
        detail={
            "kind": org.kind,
            "name_zh": org.name_zh,
            "name_en": org.name_en,
            "credit_code": org.credit_code,
            "division_code": org.division_code,
            "cert_number_prefix": org.cert_number_prefix,
            "approval_number": org.approval_number,
        },
        subject_organisation_id=org.id,
        session=session,
    )
    session.flush()
    return org


def create_user(
    *,
    session: Session,
    actor: User | None,
    organisation_id: int,
    email: str,
    password: str,
    display_name: str = "",
) -> User:
    """Create a user in an organisation; the role follows the organisation's kind."""
    if actor is not None:
        require_administrator(actor)
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise Invalid({"organisation_id": [_("No such organisation.")]})
    user = _new_user(org, email, password, display_name, session=session)
    session.add(user)
    _flush_unique(session=session)
    record_audit(
        actor=actor,
        action=AuditAction.USER_CREATED,
        object_type="user",
        object_id=user.id,
        label=user.email,
        detail={"email": user.email, "role": user.role, "organisation_id": org.id},
        subject_organisation_id=org.id,
        session=session,
    )
    session.flush()
    return user


def _audit_user(actor: User | None, action: AuditAction, user: User, *, session: Session) -> None:
    record_audit(
        actor=actor,
        action=action,
        object_type="user",
        object_id=user.id,
        label=user.email,
        subject_organisation_id=user.organisation_id,
        session=session,
    )


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    """Return the enabled user with these credentials, else None (same answer for any cause)."""
    user = session.exec(select(User).where(User.email == normalize_email(email))).first()
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or user.disabled:
        return None
    user.last_login_at = utcnow()
    return user


def set_user_disabled(
    *, session: Session, actor: User | None, user_id: int, disabled: bool
) -> User:
    """Disable or enable a user; disabling ends the user's sessions at once."""
    if actor is not None:
        require_administrator(actor)
    user = session.get(User, user_id)
    if user is None:
        raise Invalid({"user_id": [_("No such user.")]})
    if user.disabled == disabled:
        return user  # nothing changes, so nothing is audited
    user.disabled = disabled
    user.session_version += 1
    action = AuditAction.USER_DISABLED if disabled else AuditAction.USER_ENABLED
    _audit_user(actor, action, user, session=session)
    session.flush()
    return user


def set_password(*, session: Session, actor: User | None, user_id: int, password: str) -> User:
    """Set a new password (administrator reset); other sessions of the user end."""
    if actor is not None and actor.id != user_id:
        require_administrator(actor)
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise Invalid({"password": [_("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)]})
    user = session.get(User, user_id)
    if user is None:
        raise Invalid({"user_id": [_("No such user.")]})
    user.password_hash = hash_password(password)
    user.session_version += 1
    own = actor is not None and actor.id == user_id
    action = AuditAction.PASSWORD_CHANGED if own else AuditAction.PASSWORD_RESET
    _audit_user(actor, action, user, session=session)
    session.flush()
    return user


def end_sessions(*, session: Session, user: User) -> None:
    """End every session of the user, this one included (sign-out)."""
    # Sessions live in signed cookies: a copy taken before sign-out would stay valid unless
    # the version it carries stops matching.
    user.session_version += 1
    session.flush()
