"""external certificates and API keys

Certificates issued by other certification bodies live in the certificate table: they say
where the record came from (`source`: issued here, imported from a file, pushed through the
API) and when the issuing body last confirmed it, and they have no application or criteria
version here (both columns become nullable). A certification body carries its CNCA approval
number; a product recorded from another body's certificate names that body; organisations
get API keys, of which only a hash is kept.

Revision ID: i15x0010
Revises: i13w0009
Create Date: 2026-12-07 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'i15x0010'
down_revision: str | None = 'i13w0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _foreign_keys(on: bool) -> None:
    # SQLite makes a column nullable by copying the table, and dropping the old `certificate`
    # fails while its events, surveillance records and applications refer to it with foreign
    # keys enforced. The app's engine turns them on for every connection; they are turned off
    # around the copy (the copy keeps every id, so every reference holds again after). The
    # pragma has no effect inside a transaction: the statements alembic ran before (its
    # version row) are committed first. SQLite DDL under pysqlite is not transactional anyway.
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    if not on and bind.connection.driver_connection.in_transaction:
        bind.connection.driver_connection.commit()
    op.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
    if on:
        broken = bind.exec_driver_sql('PRAGMA foreign_key_check').all()
        if broken:
            raise RuntimeError(f'foreign keys broken by the certificate copy: {broken[:5]}')


def upgrade() -> None:
    op.create_table(
        'apikey',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key_hash'),
    )
    with op.batch_alter_table('apikey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_apikey_organisation_id'), ['organisation_id'])
    # Plain ADD COLUMN (no table copy) for tables that many others reference.
    op.add_column('organisation', sa.Column('approval_number', sa.String(length=40)))
    op.create_index(
        'ix_organisation_approval_number', 'organisation', ['approval_number'], unique=True
    )
    op.add_column(
        'product',
        sa.Column('recorded_from_id', sa.Integer(), sa.ForeignKey('organisation.id')),
        inline_references=True,
    )
    op.add_column(
        'certificate',
        sa.Column('source', sa.String(length=32), server_default='issued', nullable=False),
    )
    op.add_column(
        'certificate', sa.Column('last_confirmed_at', sa.DateTime(timezone=True), nullable=True)
    )
    _foreign_keys(on=False)
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.alter_column('criteria_version_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('application_id', existing_type=sa.Integer(), nullable=True)
    _foreign_keys(on=True)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM certificateevent WHERE certificate_id IN "
                       "(SELECT id FROM certificate WHERE source <> 'issued')"))
    op.execute(sa.text("DELETE FROM certificate WHERE source <> 'issued'"))
    _foreign_keys(on=False)
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.alter_column('application_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('criteria_version_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('last_confirmed_at')
        batch_op.drop_column('source')
    _foreign_keys(on=True)
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_column('recorded_from_id')
    op.drop_index('ix_organisation_approval_number', table_name='organisation')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('approval_number')
    with op.batch_alter_table('apikey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_apikey_organisation_id'))
    op.drop_table('apikey')
