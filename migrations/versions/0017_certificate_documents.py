"""certificate documents

One row per certificate naming its signed PDF, stored under `<EVIDENCE_DIR>/certificates/`,
with the file's sha256 and a hash of what it prints. Documents are made when a certificate is
issued or changes (or on its first download); nothing needs filling in here: a certificate
without a row gets its document from `flask certification documents` or its next download.

Revision ID: i17d0017
Revises: i17f0016
Create Date: 2026-12-07 10:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'i17d0017'
down_revision: str | None = 'i17f0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'certificatedocument',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('certificate_id', sa.Integer(), nullable=False),
        sa.Column('stored_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('printed_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('printed_status', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('rendered_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('certificate_id'),
    )


def downgrade() -> None:
    op.drop_table('certificatedocument')
