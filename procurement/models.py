"""Government-investment projects, their procurement lists and the lines of those lists."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from greenbm.models_base import enum_field, timestamp_field


class ProjectType(StrEnum):
    """The kinds of government-investment project the procurement standards cover [official]."""

    HOSPITAL = "hospital"
    SCHOOL = "school"
    OFFICE = "office"
    COMPLEX = "complex"
    EXHIBITION_CENTRE = "exhibition_centre"
    GYMNASIUM = "gymnasium"
    AFFORDABLE_HOUSING = "affordable_housing"
    URBAN_RENEWAL = "urban_renewal"
    OTHER = "other"


class Project(SQLModel, table=True):
    """A government-investment construction project of a procurement agency."""

    __table_args__ = (sa.UniqueConstraint("agency_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)
    code: str = Field(max_length=60)
    project_type: str = enum_field(ProjectType)
    division_code: str = Field(max_length=6)
    owner_unit: str = Field(default="", max_length=200)
    budget: Decimal | None = Field(default=None, max_digits=16, decimal_places=2)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class ProcurementList(SQLModel, table=True):
    """A material list of a project, checked against the green-procurement rules."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class ListLine(SQLModel, table=True):
    """A line of a list: a catalogue product, or a material that is not in the catalogue.

    `category_id` is set on both kinds, so that the rules group lines without a join through
    the product. The `cert_*_at_add` columns record what the product's certificate was when
    the line was added; `flagged_at` is set when that certificate lapses afterwards.
    """

    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="ck_listline_quantity_positive"),
        sa.CheckConstraint("unit_price >= 0", name="ck_listline_unit_price_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="procurementlist.id", index=True, ondelete="CASCADE")
    product_id: int | None = Field(default=None, foreign_key="product.id", index=True)
    category_id: int = Field(foreign_key="category.id", index=True)
    description: str = Field(default="", max_length=300)
    supplier_name: str = Field(default="", max_length=200)
    quantity: Decimal = Field(max_digits=18, decimal_places=3)
    unit: str = Field(max_length=20)
    unit_price: Decimal = Field(max_digits=16, decimal_places=2)
    added_at: datetime = timestamp_field()
    added_by_id: int | None = Field(default=None, foreign_key="user.id")
    cert_number_at_add: str | None = Field(default=None, max_length=40)
    cert_stars_at_add: int | None = None
    cert_status_at_add: str | None = Field(default=None, max_length=20)
    flagged_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # The certificate status that caused the flag (suspended, revoked, expired).
    flag_reason: str | None = Field(default=None, max_length=20)
