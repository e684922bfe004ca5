"""publish certified products

A product holding a valid certificate is public (README, "Publish rule"): issuing a certificate
publishes its product, and a certified product cannot be withdrawn while the certificate is
valid. Before this rule, a certificate could be issued for a draft, which then answered 404
while /verify/<number> said "valid". This migration publishes those drafts and queues them for
the search index. It changes data only; downgrade leaves the products published (nothing
records which were drafts, and hiding a certified product again would be the bug itself).

Revision ID: i13t0008
Revises: 5c0e9f7a2d31
Create Date: 2026-12-07 05:00:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = 'i13t0008'
down_revision: str | None = '5c0e9f7a2d31'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    now = datetime.now(UTC)
    # The live-status rule (catalog/certificate_status.py): valid and not past its end date.
    # Migrations do not import the application, so the condition is spelled out here.
    drafts = sa.text(
        "SELECT id FROM product WHERE status = 'draft' AND cert_status = 'valid' "
        "AND cert_valid_until IS NOT NULL AND cert_valid_until >= :today"
    )
    ids = [row[0] for row in bind.execute(drafts, {'today': date.today()})]
    for product_id in ids:
        bind.execute(
            sa.text(
                "UPDATE product SET status = 'published', "
                "published_at = COALESCE(published_at, :now), updated_at = :now WHERE id = :id"
            ),
            {'now': now, 'id': product_id},
        )
        bind.execute(
            sa.text("INSERT INTO searchoutbox (product_id, created_at) VALUES (:id, :now)"),
            {'id': product_id, 'now': now},
        )


def downgrade() -> None:
    pass
