"""figures version

The change counter the kept figures (home, dashboard, category overview) are cached under: one
row, bumped by every committed transaction that writes a table the figures may read.

Revision ID: i17f0016
Revises: i17p0015
Create Date: 2026-12-07 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i17f0016"
down_revision: str | None = "i17p0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "figuresversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "value": 0}])


def downgrade() -> None:
    op.drop_table("figuresversion")
