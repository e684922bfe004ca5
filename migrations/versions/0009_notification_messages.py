"""notification messages

Notifications were stored as text in the language of whoever caused them; from now on as a
message id and its arguments (accounts.notifications), worded in the reader's language when
shown. Existing rows whose text is one of the messages sent so far (in Chinese or English) get
their id and arguments back; product names are looked up again in both languages. Any other
row keeps its text, shown as before.

Revision ID: i13w0009
Revises: i13t0008
Create Date: 2026-12-07 05:00:00.000000
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'i13w0009'
down_revision: str | None = 'i13t0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The messages as they were worded when this migration was written: (id, English, Chinese).
# A frozen copy: the application's wording may change later, old rows were written with this.
MESSAGES = (
    ('application.submitted', 'New application %(id)d: %(product)s', '新申请 %(id)d：%(product)s'),
    ('application.resubmitted', 'Application %(id)d was resubmitted.', '申请 %(id)d 已重新提交。'),
    ('application.under_review', 'Your application %(id)d is under review.', '您的申请 %(id)d 已进入审核。'),
    ('application.question', 'The reviewer asks about application %(id)d: %(q)s', '审核员就申请 %(id)d 提出问题：%(q)s'),
    (
        'application.approved',
        'Application %(id)d approved: certificate %(number)s, %(stars)d star(s).',
        '申请 %(id)d 已批准：证书编号 %(number)s，%(stars)d 星级。',
    ),
    ('application.rejected', 'Application %(id)d was rejected: %(reason)s', '申请 %(id)d 已被驳回：%(reason)s'),
    (
        'certificate.status',
        'Certificate %(number)s is now %(status)s: %(reason)s',
        '证书 %(number)s 的状态已变为“%(status)s”：%(reason)s',
    ),
    (
        'procurement.lines_flagged',
        'The certificate %(number)s of %(product)s is now %(status)s: its lines in the procurement'
        ' list %(list)s are flagged and no longer count as green.',
        '%(product)s 的证书 %(number)s 当前状态为“%(status)s”：其在采购清单 %(list)s 中的清单行已被标记，'
        '不再计为绿色建材。',
    ),
)
# Status words (English and Chinese) back to their codes.
CERTIFICATE_STATUSES = {
    'valid': 'valid', '有效': 'valid', 'suspended': 'suspended', '暂停': 'suspended',
    'revoked': 'revoked', '撤销': 'revoked', 'expired': 'expired', '已过期': 'expired',
}  # fmt: skip
LINE_STATUSES = {'suspended', 'revoked', 'expired'}
_PLACEHOLDER = re.compile(r'%\((\w+)\)([sd])')


def _pattern(template: str) -> re.Pattern:
    parts, last = [], 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        name, kind = match.groups()
        parts.append(f'(?P<{name}>\\d+)' if kind == 'd' else f'(?P<{name}>.*?)')
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile('^' + ''.join(parts) + '$', re.DOTALL)


PATTERNS = [(mid, _pattern(t)) for mid, en, zh in MESSAGES for t in (en, zh)]


def parse(text: str) -> tuple[str, dict] | None:
    """Return the message id and raw arguments of a stored text, or None if unknown."""
    for message_id, pattern in PATTERNS:
        match = pattern.match(text)
        if match:
            args = {k: int(v) if k in ('id', 'stars') else v for k, v in match.groupdict().items()}
            return message_id, args
    return None


def _names(conn, where: str, value) -> dict | None:
    row = conn.execute(
        sa.text(f'SELECT name_zh, name_en FROM product WHERE {where} = :v'), {'v': value}
    ).first()
    return {'zh': row[0], 'en': row[1] or ''} if row else None


def _arguments(conn, message_id: str, args: dict) -> dict | None:
    if 'status' in args:
        code = CERTIFICATE_STATUSES.get(args['status'])
        if code is None:
            return None
        if message_id == 'procurement.lines_flagged':
            if code not in LINE_STATUSES:
                return None
            args['status'] = {'message': f'procurement.status.{code}'}
        else:
            args['status'] = {'message': f'status.{code}'}
    if 'product' in args:
        found = None
        if message_id == 'application.submitted':
            found = _names(
                conn,
                'id',
                conn.execute(
                    sa.text('SELECT product_id FROM application WHERE id = :v'), {'v': args['id']}
                ).scalar(),
            )
        elif args.get('number'):
            found = _names(conn, 'cert_number', args['number'])
        args['product'] = found or {'zh': args['product'], 'en': ''}
    return args


def upgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('message_args', sa.JSON(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text('SELECT id, message FROM notification')).all()
    for note_id, text in rows:
        parsed = parse(text or '')
        if parsed is None:
            continue
        args = _arguments(conn, parsed[0], parsed[1])
        if args is None:
            continue
        conn.execute(
            sa.text(
                'UPDATE notification SET message_id = :m, message_args = :a WHERE id = :i'
            ).bindparams(sa.bindparam('a', type_=sa.JSON)),
            {'m': parsed[0], 'a': args, 'i': note_id},
        )


def downgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('message_args')
        batch_op.drop_column('message_id')
