"""plant confirmation

Who confirmed a plant's capacity and each of its energy figures, and when. A plant and a
figure count in the provincial figures (the dashboard) only once confirmed by a certification
body's reviewer or an administrator; a change by the manufacturer clears the confirmation.

Existing rows are marked confirmed by this migration itself (confirmed_by_id NULL,
confirmed_at the time of the upgrade), so that today's dashboard keeps its figures; every
row written afterwards starts unconfirmed.

Revision ID: 5c0e9f7a2d31
Revises: b173a71d4755
Create Date: 2026-12-07 03:30:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


revision: str = '5c0e9f7a2d31'
down_revision: str | None = 'b173a71d4755'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('plant', 'plantenergyfigure')


def upgrade() -> None:
    # Plain ADD COLUMN with an inline REFERENCES, not a batch copy: on SQLite a batch would
    # drop and recreate `plant`, which products and figures reference (foreign keys are on).
    for table in TABLES:
        op.add_column(table, sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
        op.add_column(
            table,
            sa.Column('confirmed_by_id', sa.Integer(), sa.ForeignKey('user.id'), nullable=True),
            inline_references=True,
        )
    # The rows already there are taken as confirmed (by the migration: no user), see above.
    now = datetime.now(UTC)
    for table in TABLES:
        rows = sa.table(table, sa.column('confirmed_at', sa.DateTime(timezone=True)))
        op.execute(rows.update().values(confirmed_at=now))


def downgrade() -> None:
    # Dropping the column drops its unnamed foreign key with it (PostgreSQL; SQLite copies).
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('confirmed_by_id')
            batch_op.drop_column('confirmed_at')
