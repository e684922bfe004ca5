"""Session hooks that keep the peer groups current with every write of products.

Any session (request, command, seed, import, bench generator) notes the groups its flushed
products left or joined, and those of bulk INSERT/UPDATE/DELETE statements on products; the
groups are refreshed in the same transaction, just before it commits (catalog/peer_groups.py).
"""

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session

from catalog.models import Product, ProductStatus
from catalog.peer_groups import ALL, PENDING, PeerKey, peer_key, refresh_pending

# What a product's place among its peers depends on: a change to any of these refreshes them.
WATCHED = (
    "status",
    "category_id",
    "variant",
    "declared_unit",
    "gwp_a1a3",
    "cert_status",
    "cert_valid_until",
)


def _pending(info: dict) -> set:
    return info.setdefault(PENDING, set())


def _published_key(values: dict) -> set[PeerKey]:
    if values["status"] != ProductStatus.PUBLISHED:
        return set()
    return {peer_key(values["category_id"], values["variant"], values["declared_unit"])}


def changed_groups(product: Product, *, new: bool = False, deleted: bool = False) -> set:
    """Return the groups a product about to be flushed leaves and joins."""
    after = {name: getattr(product, name) for name in WATCHED}
    if new:
        return _published_key(after)
    state = inspect(product)
    before = {}
    for name in WATCHED:
        history = state.attrs[name].history
        before[name] = history.deleted[0] if history.deleted else after[name]
    if deleted:
        return _published_key(before)
    if before == after:
        return set()
    return _published_key(before) | _published_key(after)


def _load_old_values(_target, _value, _old, _initiator) -> None:
    return None


# The old value of a watched attribute must be known when it is set, even if it was not
# loaded (expired after a commit): otherwise the group a product leaves would go unnoticed.
for _name in WATCHED:
    event.listen(getattr(Product, _name), "set", _load_old_values, active_history=True)


@event.listens_for(Session, "before_flush")
def _note_flushed_products(flushing: Session, _context, _instances) -> None:
    # Before the flush, not after: a deleted product's values can still be loaded.
    pending = _pending(flushing.info)
    for product in flushing.new:
        if isinstance(product, Product):
            pending |= changed_groups(product, new=True)
    for product in flushing.dirty:
        if isinstance(product, Product):
            pending |= changed_groups(product)
    for product in flushing.deleted:
        if isinstance(product, Product):
            pending |= changed_groups(product, deleted=True)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_statements(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    # ORM statements name an annotated copy of the table: compare by name.
    if getattr(getattr(state.statement, "table", None), "name", None) != Product.__tablename__:
        return
    rows = state.parameters
    rows = [rows] if isinstance(rows, dict) else list(rows or [])
    if state.is_insert and rows and all("category_id" in r and "declared_unit" in r for r in rows):
        _pending(state.session.info).update(
            peer_key(r["category_id"], r.get("variant"), r["declared_unit"]) for r in rows
        )
    else:
        _pending(state.session.info).add(ALL)  # which rows an UPDATE or DELETE hits is unknown here


@event.listens_for(Session, "before_commit")
def _refresh_before_commit(committing: Session) -> None:
    refresh_pending(session=committing)


@event.listens_for(Session, "after_transaction_end")
def _forget_after_the_transaction(ending: Session, transaction) -> None:
    if transaction.parent is None:
        ending.info.pop(PENDING, None)
