"""certificate sync: event moves, webhook endpoints and their delivery queue

`certificateevent.action` records the move taken (issue, suspend, reinstate, revoke, expire,
reissue), which feeds and webhooks announce. Rows already there get the move their statuses
imply; a suspended certificate made valid again is taken as reinstated (a reissue from
suspension looks the same and cannot be told apart afterwards).

Revision ID: i16w0012
Revises: i15c0011
Create Date: 2026-12-07 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'i16w0012'
down_revision: str | None = 'i15c0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The statuses → move rule of certification.certificates.events.inferred_action, frozen here
# as a migration must not import application code that may change later.
_BACKFILL = (
    ("issue", "from_status IS NULL"),
    ("suspend", "from_status IS NOT NULL AND to_status = 'suspended'"),
    ("revoke", "from_status IS NOT NULL AND to_status = 'revoked'"),
    ("expire", "from_status IS NOT NULL AND to_status = 'expired'"),
    ("reinstate", "from_status = 'suspended' AND to_status = 'valid'"),
    ("reissue", "from_status IS NOT NULL AND from_status <> 'suspended' AND to_status = 'valid'"),
)


def upgrade() -> None:
    op.add_column('certificateevent', sa.Column('action', sa.String(length=20), nullable=True))
    for action, condition in _BACKFILL:
        op.execute(
            sa.text(f"UPDATE certificateevent SET action = :action WHERE {condition}").bindparams(
                action=action
            )
        )
    op.create_table(
        'webhookendpoint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('secret', sa.String(length=64), nullable=False),
        sa.Column('category_code', sa.String(length=40), nullable=True),
        sa.Column('supplier_credit_code', sa.String(length=18), nullable=True),
        sa.Column('kinds', sa.String(length=200), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        op.f('ix_webhookendpoint_organisation_id'), 'webhookendpoint', ['organisation_id']
    )
    op.create_table(
        'webhookdelivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('endpoint_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=32), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_status_code', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=False),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['endpoint_id'], ['webhookendpoint.id']),
        sa.ForeignKeyConstraint(['event_id'], ['certificateevent.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('endpoint_id', 'event_id'),
    )
    op.create_index(op.f('ix_webhookdelivery_endpoint_id'), 'webhookdelivery', ['endpoint_id'])
    op.create_index(op.f('ix_webhookdelivery_state'), 'webhookdelivery', ['state'])
    op.create_index(
        op.f('ix_webhookdelivery_next_attempt_at'), 'webhookdelivery', ['next_attempt_at']
    )
    op.create_table(
        'webhookfanout',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('last_event_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('webhookfanout')
    op.drop_index(op.f('ix_webhookdelivery_next_attempt_at'), table_name='webhookdelivery')
    op.drop_index(op.f('ix_webhookdelivery_state'), table_name='webhookdelivery')
    op.drop_index(op.f('ix_webhookdelivery_endpoint_id'), table_name='webhookdelivery')
    op.drop_table('webhookdelivery')
    op.drop_index(op.f('ix_webhookendpoint_organisation_id'), table_name='webhookendpoint')
    op.drop_table('webhookendpoint')
    with op.batch_alter_table('certificateevent', schema=None) as batch_op:
        batch_op.drop_column('action')
