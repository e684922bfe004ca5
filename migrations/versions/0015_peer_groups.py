"""peer groups

Each category's published GWP per variant and declared unit, kept sorted in one row
(catalog/peer_groups.py), so that a product page reads one row instead of its ten thousand
peers. The rows are filled here from the products. Migrations do not import the application,
so the packing is spelled out: per group, sorted by GWP then id, little-endian int64 ids,
float64 GWP, uint8 status codes (none 0, valid 1, suspended 2, revoked 3, expired 4, other 5)
and int32 end-date ordinals (0: none). `flask catalog rebuild-peers` recomputes the same rows.

Revision ID: i17p0015
Revises: i18r0014
Create Date: 2026-12-07 10:30:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import groupby

import numpy as np
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'i17p0015'
down_revision: str | None = 'i18r0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUS_CODES = {'': 0, 'valid': 1, 'suspended': 2, 'revoked': 3, 'expired': 4}
OTHER = 5


def upgrade() -> None:
    peergroup = op.create_table('peergroup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('variant', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('declared_unit', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.LargeBinary(), nullable=False),
    sa.Column('gwp', sa.LargeBinary(), nullable=False),
    sa.Column('cert_status', sa.LargeBinary(), nullable=False),
    sa.Column('cert_valid_until', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('category_id', 'declared_unit', 'variant')
    )
    rows = op.get_bind().execute(sa.text(
        "SELECT category_id, COALESCE(variant, '') AS variant, declared_unit, id, gwp_a1a3,"
        " cert_status, cert_valid_until FROM product WHERE status = 'published'"
        " ORDER BY category_id, COALESCE(variant, ''), declared_unit, gwp_a1a3, id"
    )).all()
    now = datetime.now(UTC)
    groups = []
    for key, members in groupby(rows, key=lambda r: (r[0], r[1], r[2])):
        members = list(members)
        groups.append({
            'category_id': key[0],
            'variant': key[1],
            'declared_unit': key[2],
            'count': len(members),
            'product_id': np.array([r[3] for r in members], '<i8').tobytes(),
            'gwp': np.array([r[4] for r in members], '<f8').tobytes(),
            'cert_status': np.array(
                [STATUS_CODES.get(r[5] or '', OTHER) for r in members], 'u1'
            ).tobytes(),
            'cert_valid_until': np.array(
                [_ordinal(r[6]) for r in members], '<i4'
            ).tobytes(),
            'updated_at': now,
        })
    if groups:
        op.bulk_insert(peergroup, groups)


def _ordinal(value) -> int:
    if value is None:
        return 0
    if isinstance(value, str):  # SQLite hands a raw text SELECT's dates back as text
        return datetime.strptime(value[:10], '%Y-%m-%d').date().toordinal()
    return value.toordinal()


def downgrade() -> None:
    op.drop_table('peergroup')
