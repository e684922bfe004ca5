"""material types and EPDs as they come

Categories gain their source (the national catalogue item they come from), whether this
project has its own criteria for them (without: certificate-only) and which GWP their
criteria grade (total or fossil). Products gain the EPD's verifier and which GWP was read
from an imported EPD under which LCIA method.

Existing categories are the ten with criteria here: own_criteria defaults to true.

Revision ID: i15c0011
Revises: i15x0010
Create Date: 2026-12-07 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "i15c0011"
down_revision: str | None = 'i15x0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CATEGORY_COLUMNS = (
    (
        "source",
        lambda: sa.Column(
            "source",
            sqlmodel.sql.sqltypes.AutoString(length=300),
            nullable=False,
            server_default="",
        ),
    ),
    (
        "own_criteria",
        lambda: sa.Column("own_criteria", sa.Boolean(), nullable=False, server_default=sa.true()),
    ),
    (
        "gwp_indicator",
        lambda: sa.Column(
            "gwp_indicator",
            sqlmodel.sql.sqltypes.AutoString(length=20),
            nullable=False,
            server_default="gwp",
        ),
    ),
)
PRODUCT_COLUMNS = (
    (
        "epd_verifier",
        lambda: sa.Column(
            "epd_verifier",
            sqlmodel.sql.sqltypes.AutoString(length=200),
            nullable=False,
            server_default="",
        ),
    ),
    (
        "gwp_indicator",
        lambda: sa.Column(
            "gwp_indicator",
            sqlmodel.sql.sqltypes.AutoString(length=20),
            nullable=False,
            server_default="",
        ),
    ),
    (
        "gwp_lcia_method",
        lambda: sa.Column(
            "gwp_lcia_method",
            sqlmodel.sql.sqltypes.AutoString(length=40),
            nullable=False,
            server_default="",
        ),
    ),
)


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): category and product are referenced by many tables.
    for _name, column in CATEGORY_COLUMNS:
        op.add_column("category", column())
    for _name, column in PRODUCT_COLUMNS:
        op.add_column("product", column())


def downgrade() -> None:
    with op.batch_alter_table("product") as batch_op:
        for name, _column in reversed(PRODUCT_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("category") as batch_op:
        for name, _column in reversed(CATEGORY_COLUMNS):
            batch_op.drop_column(name)
