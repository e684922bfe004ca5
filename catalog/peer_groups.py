"""Kept peer groups: each category's published GWP per variant and unit, sorted, in one row.

The product page ranks a product among its peers and the category statistics spread their
values; both read one `PeerGroup` row instead of the GWP of every peer. The rows are derived
from the products by `refresh_peer_groups` only, in the transaction that changes them: the
session hooks of catalog/peer_hooks.py note the groups any flushed product (or a bulk
INSERT/UPDATE/DELETE of products through a session) touches, and refresh them before the
commit, or before a read in the same transaction. SQL run outside any session (migrations)
must call `rebuild_peer_groups`, or leave it to `flask catalog rebuild-peers`.

Certificates end by date: a group keeps each peer's stored status and end date, and the
reader applies the live-status rule for the day it asks (catalog/certificate_status.py).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from catalog.certificate_status import NOT_CERTIFIED, CertificateStatus, live_status_codes
from catalog.models import Category, PeerGroup, Product, ProductStatus
from greenbm.figures import figure_store, kept
from greenbm.models_base import utcnow

# (category id, variant or "" for none, declared unit)
PeerKey = tuple[int, str, str]

# The status codes packed in a group; any other stored text counts as OTHER (never valid).
STATUS_CODES = {
    NOT_CERTIFIED: 0,
    CertificateStatus.VALID: 1,
    CertificateStatus.SUSPENDED: 2,
    CertificateStatus.REVOKED: 3,
    CertificateStatus.EXPIRED: 4,
}
OTHER = 5
_ID, _GWP, _STATUS, _UNTIL = np.dtype("<i8"), np.dtype("<f8"), np.dtype("u1"), np.dtype("<i4")
COLUMNS = {"product_id": _ID, "gwp": _GWP, "cert_status": _STATUS, "cert_valid_until": _UNTIL}
# In session.info: the keys of the groups this transaction changed (ALL: unknown, rebuild).
PENDING = "peer_groups_pending"
# Unpacked groups each process keeps: every group of a large catalogue (~100 at 100,000
# products, 21 bytes a peer: about 2 MB in all).
KEPT_GROUPS = 512
ALL = "all"


@dataclass(frozen=True)
class PeerValues:
    """A group's peers sorted by GWP (then id): ids, GWP, stored status codes and end dates."""

    product_id: np.ndarray
    gwp: np.ndarray
    cert_status: np.ndarray
    cert_valid_until: np.ndarray

    def published(self) -> list[float]:
        """Return the GWP of every published peer, lowest first."""
        return self.gwp.tolist()

    def _valid(self, today: date) -> np.ndarray:
        live = live_status_codes(self.cert_status, self.cert_valid_until, today, STATUS_CODES)
        return live == STATUS_CODES[CertificateStatus.VALID]

    def certified(self, today: date) -> list[float]:
        """Return the GWP of the peers whose certificate is valid on `today`, lowest first."""
        return self.gwp[self._valid(today)].tolist()

    def lower_certified(self, product_id: int, gwp: float, today: date, limit: int) -> list[int]:
        """Return up to `limit` ids of peers below `gwp` with a valid certificate, lowest first."""
        below = int(np.searchsorted(self.gwp, gwp, side="left"))
        chosen = self._valid(today)[:below] & (self.product_id[:below] != product_id)
        return self.product_id[:below][chosen][:limit].tolist()


def peer_key(category_id: int, variant: str | None, unit: str) -> PeerKey:
    """Return the key of a product's group (a missing variant is kept as "")."""
    return (category_id, variant or "", unit)


def peer_conditions(
    category_id: int, variant: str | None, unit: str, *, by_variant: bool = True
) -> list:
    """Return the SQL conditions of a group's published products: the live question."""
    where = [
        Product.category_id == category_id,
        Product.status == ProductStatus.PUBLISHED,
        Product.declared_unit == unit,
    ]
    if by_variant:
        where.append(
            Product.variant == variant
            if variant
            else or_(Product.variant.is_(None), Product.variant == "")
        )
    return where


def live_peer_rows(key: PeerKey, *, session: Session) -> list[tuple]:
    """Return (id, GWP, status, end date) of the group's published products, by GWP then id."""
    query = (
        select(Product.id, Product.gwp_a1a3, Product.cert_status, Product.cert_valid_until)
        .where(*peer_conditions(*key))
        .order_by(Product.gwp_a1a3, Product.id)
    )
    return list(session.connection().execute(query).all())


def pack(rows: list[tuple]) -> dict:
    """Return a group's columns from its rows as live_peer_rows gives them."""
    arrays = {
        "product_id": [r[0] for r in rows],
        "gwp": [r[1] for r in rows],
        "cert_status": [STATUS_CODES.get(r[2] or NOT_CERTIFIED, OTHER) for r in rows],
        "cert_valid_until": [r[3].toordinal() if r[3] else 0 for r in rows],
    }
    packed = {name: np.array(arrays[name], dtype).tobytes() for name, dtype in COLUMNS.items()}
    return {"count": len(rows), **packed}


def unpack(groups: Iterable) -> PeerValues:
    """Return the peers of one or more kept rows (a category without variants: every variant)."""
    groups = list(groups)
    arrays = {
        name: np.concatenate(
            [np.frombuffer(getattr(g, name), dtype) for g in groups] or [np.empty(0, dtype)]
        )
        for name, dtype in COLUMNS.items()
    }
    if len(groups) > 1:
        order = np.lexsort((arrays["product_id"], arrays["gwp"]))
        arrays = {name: values[order] for name, values in arrays.items()}
    for values in arrays.values():
        values.setflags(write=False)  # kept and shared by every page of the process
    return PeerValues(**arrays)


def _lock_group(key: PeerKey, *, session: Session) -> None:
    # Insert-or-touch takes the row's lock: a concurrent writer of the same group waits for
    # this transaction, then reads the products afresh (READ COMMITTED: a new snapshot for
    # each statement), so neither overwrites the other's products with a stale array.
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    category_id, variant, unit = key
    statement = insert(PeerGroup).values(
        category_id=category_id, variant=variant, declared_unit=unit, updated_at=utcnow()
    )
    statement = statement.on_conflict_do_update(
        index_elements=["category_id", "declared_unit", "variant"],
        set_={"updated_at": statement.excluded.updated_at},
    )
    session.connection().execute(statement)


def refresh_peer_groups(keys: Iterable[PeerKey], *, session: Session) -> None:
    """Recompute the groups from their products, in this transaction (sorted: no deadlock)."""
    for key in sorted(set(keys)):
        _lock_group(key, session=session)
        category_id, variant, unit = key
        session.connection().execute(
            update(PeerGroup)
            .where(
                PeerGroup.category_id == category_id,
                PeerGroup.variant == variant,
                PeerGroup.declared_unit == unit,
            )
            .values(**pack(live_peer_rows(key, session=session)), updated_at=utcnow())
        )


def rebuild_peer_groups(*, session: Session) -> int:
    """Recompute every group any product or kept row names; return how many there are."""
    connection = session.connection()
    products = connection.execute(
        select(Product.category_id, Product.variant, Product.declared_unit)
        .where(Product.status == ProductStatus.PUBLISHED)
        .distinct()
    )
    kept = connection.execute(
        select(PeerGroup.category_id, PeerGroup.variant, PeerGroup.declared_unit)
    )
    keys = {peer_key(*row) for row in products} | {tuple(row) for row in kept}
    refresh_peer_groups(keys, session=session)
    return len(keys)


def peer_values(
    category: Category, variant: str | None, unit: str, *, session: Session
) -> PeerValues:
    """Return the kept values of a category's variant and unit (every variant if it has none)."""
    refresh_pending(session=session, flush=session.autoflush)
    # Columns, not entities: a PeerGroup held in the identity map would hide a refresh.
    columns = [getattr(PeerGroup, name) for name in COLUMNS]
    query = select(*columns).where(
        PeerGroup.category_id == category.id, PeerGroup.declared_unit == unit
    )
    by_variant = bool(category.variant_attribute)
    if by_variant:
        query = query.where(PeerGroup.variant == (variant or ""))
    # A group of 10,000 peers is some 200 kB to fetch and unpack on every product page: each
    # process keeps the unpacked arrays under the change counter (any product or certificate
    # write moves it), in a store of their own so that they never push the pages' figures out.
    what = ("peers", category.id, (variant or "") if by_variant else None, unit)
    return kept(
        what,
        lambda: unpack(session.execute(query).all()),
        session=session,
        store=figure_store("kept_peers", KEPT_GROUPS),
    )


def refresh_pending(*, session: Session, flush: bool = True) -> None:
    """Flush, then refresh the groups this transaction has changed so far."""
    if flush:
        session.flush()
    pending = session.info.pop(PENDING, set())
    if ALL in pending:
        rebuild_peer_groups(session=session)
    elif pending:
        refresh_peer_groups(pending, session=session)
