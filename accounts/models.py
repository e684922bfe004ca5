"""Organisations, their users and the roles they hold."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from greenbm.models_base import enum_field, timestamp_field


class OrganisationKind(StrEnum):
    """The kinds of organisation that use the catalogue."""

    MANUFACTURER = "manufacturer"
    CERTIFICATION_BODY = "certification_body"
    PROCUREMENT_AGENCY = "procurement_agency"
    CONSTRUCTION_FIRM = "construction_firm"
    ADMINISTRATOR = "administrator"


class Role(StrEnum):
    """What a user may do; each role belongs to one organisation kind."""

    MANUFACTURER = "manufacturer"
    REVIEWER = "reviewer"
    PROCUREMENT_OFFICER = "procurement_officer"
    CONTRACTOR = "contractor"
    ADMINISTRATOR = "administrator"


ROLE_OF_KIND: dict[OrganisationKind, Role] = {
    OrganisationKind.MANUFACTURER: Role.MANUFACTURER,
    OrganisationKind.CERTIFICATION_BODY: Role.REVIEWER,
    OrganisationKind.PROCUREMENT_AGENCY: Role.PROCUREMENT_OFFICER,
    OrganisationKind.CONSTRUCTION_FIRM: Role.CONTRACTOR,
    OrganisationKind.ADMINISTRATOR: Role.ADMINISTRATOR,
}


class Organisation(SQLModel, table=True):
    """A company or public body registered in the catalogue."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = enum_field(OrganisationKind, index=True)
    name_zh: str = Field(max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    credit_code: str = Field(max_length=18, unique=True, index=True)
    division_code: str = Field(max_length=6, index=True)
    address: str = Field(default="", max_length=300)
    contact_name: str = Field(default="", max_length=100)
    contact_phone: str = Field(default="", max_length=40)
    contact_email: str = Field(default="", max_length=200)
    # Certification bodies number their certificates with their own prefix.
    cert_number_prefix: str | None = Field(default=None, max_length=16)
    # A certification body's CNCA approval number (批准号): the code its records are filed under.
    approval_number: str | None = Field(default=None, max_length=40, unique=True, index=True)
    created_at: datetime = timestamp_field()


class User(SQLModel, table=True):
    """A person who signs in on behalf of an organisation."""

    id: int | None = Field(default=None, primary_key=True)
    # Stored lower-cased, so the unique index makes e-mail case-insensitive.
    email: str = Field(max_length=254, unique=True, index=True)
    display_name: str = Field(default="", max_length=100)
    password_hash: str = Field(max_length=200)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    role: str = enum_field(Role)
    disabled: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # Bumped on disable or password change: sessions carrying an older value end at once.
    session_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = timestamp_field()
    last_login_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))

    # The four members Flask-Login expects of a user object.
    @property
    def is_authenticated(self) -> bool:
        """Return True: an instance of this class is always a signed-in user."""
        return True

    @property
    def is_active(self) -> bool:
        """Return whether the user may sign in."""
        return not self.disabled

    @property
    def is_anonymous(self) -> bool:
        """Return False: anonymous visitors are Flask-Login's AnonymousUserMixin."""
        return False

    def get_id(self) -> str:
        """Return the session identifier; it changes when the user is disabled or re-keyed."""
        return f"{self.id}:{self.session_version}"


class Notification(SQLModel, table=True):
    """An in-app message to a user about a change that concerns them."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    # The message as an id and arguments, worded in the reader's language when shown
    # (accounts.notifications); `message` is its English wording, kept as a fallback.
    message: str = Field(sa_type=sa.Text)
    message_id: str | None = Field(default=None, max_length=80)
    message_args: dict | None = Field(default=None, sa_type=sa.JSON)
    link: str = Field(default="", max_length=300)
    # Where the message leads as an endpoint and its arguments, turned into a URL only when
    # the page is rendered (`link` holds the ready path of notifications written before).
    endpoint: str | None = Field(default=None, max_length=80)
    endpoint_args: dict | None = Field(default=None, sa_type=sa.JSON)
    created_at: datetime = timestamp_field()
    read_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class ApiKey(SQLModel, table=True):
    """A key another system of an organisation calls the API with; only its hash is kept."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=100)
    # The key's first characters, shown in lists so that its owner can tell keys apart.
    prefix: str = Field(max_length=16)
    key_hash: str = Field(max_length=64, unique=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = timestamp_field()
    last_used_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
