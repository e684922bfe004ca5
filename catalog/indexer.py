"""Keep the search index in step with the database: documents, outbox, rebuild, SQL fallback.

Layout of an index directory (one writer at a time, guarded by a lock file)::

    index_dir/CURRENT           name of the generation readers open
    index_dir/gen-<stamp>/      a complete Whoosh index plus `last_applied` (an outbox id)

A rebuild writes a new generation beside the current one and switches CURRENT with an atomic
rename, so a crash mid-rebuild leaves the old index in use. The previous generation is kept
until the next rebuild, so a worker still reading it is not cut off.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from markupsafe import Markup
from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, select

from accounts.divisions import DIVISIONS
from accounts.models import Organisation
from catalog import search
from catalog.models import Category, CategoryVariant, Product, ProductStatus, SearchOutbox
from catalog.search import ProductDocument, SearchResult

logger = logging.getLogger(__name__)

STATE_FILE = "last_applied"
LOCK_FILE = ".lock"
PREFIX = "gen-"
BUILDING = ".building"
# On PostgreSQL an outbox id can become visible after a higher one (transactions commit out
# of order). A gap younger than this is waited for; an older one was a rollback.
GAP_GRACE = timedelta(seconds=60)
STREAM_ROWS = 2000


# Documents ------------------------------------------------------------------------------------


def _variant_of_product():
    return and_(
        CategoryVariant.category_id == Product.category_id,
        CategoryVariant.code == Product.variant,
    )


def _document_query():
    return (
        select(
            Product.id,
            Product.name_zh,
            Product.name_en,
            Product.series,
            Product.model_spec,
            Product.description,
            Category.code,
            Category.name_zh,
            Category.name_en,
            CategoryVariant.name_zh,
            CategoryVariant.name_en,
            Organisation.name_zh,
            Organisation.name_en,
            Organisation.division_code,
            Product.cert_number,
            Product.cert_stars,
            Product.cert_status,
            Product.cert_valid_until,
            Product.gwp_a1a3,
            Product.published_at,
        )
        .join(Category, Category.id == Product.category_id)
        .join(Organisation, Organisation.id == Product.manufacturer_id)
        .outerjoin(CategoryVariant, _variant_of_product())
        .where(Product.status == ProductStatus.PUBLISHED)
    )


def _utc(moment: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes for timezone-aware columns; they were written in UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _document(row: Sequence) -> ProductDocument:
    (pid, name_zh, name_en, series, model, description, cat_code, cat_zh, cat_en, var_zh,
     var_en, org_zh, org_en, division, cert_number, stars, status, valid_until, gwp,
     published_at) = row  # fmt: skip
    division_zh, division_en = DIVISIONS.get(division or "", ("", ""))
    return ProductDocument(
        product_id=pid,
        name_zh=name_zh or "",
        name_en=name_en or "",
        series=series or "",
        model_spec=model or "",
        description=description or "",
        category_code=cat_code,
        category_zh=cat_zh,
        category_en=cat_en,
        variant_zh=var_zh or "",
        variant_en=var_en or "",
        manufacturer_zh=org_zh or "",
        manufacturer_en=org_en or "",
        division_code=division or "",
        division_zh=division_zh,
        division_en=division_en,
        cert_number=cert_number or "",
        cert_stars=stars,
        cert_status=status,
        cert_valid_until=valid_until,
        gwp=float(gwp),
        published_at=_utc(published_at),
    )


def documents(
    session: Session, product_ids: Iterable[int] | None = None
) -> Iterator[ProductDocument]:
    """Yield the documents of published products (all of them, or those given) in one query."""
    query = _document_query()
    if product_ids is not None:
        query = query.where(Product.id.in_(list(product_ids)))
    result = session.execute(query.order_by(Product.id).execution_options(yield_per=STREAM_ROWS))
    # Closing the result also closes PostgreSQL's server-side cursor when a rebuild stops early.
    with result:
        for row in result:
            yield _document(row)


def count_indexable(session: Session) -> int:
    """Return how many products a rebuild will index (for a progress bar)."""
    query = select(func.count()).select_from(Product)
    return session.exec(query.where(Product.status == ProductStatus.PUBLISHED)).one()


# Directory, lock and state -----------------------------------------------------------------


@contextmanager
def _writer_lock(index_dir: Path) -> Iterator[None]:
    # One writer per index directory: `follow` waits while `reindex` runs, and vice versa.
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    for child in path.iterdir():
        with open(child, "rb") as handle:
            os.fsync(handle.fileno())
    _fsync_dir(path)


def last_applied(index_dir: str | Path) -> int:
    """Return the id of the last outbox row applied to the current index (0 if none)."""
    generation = search.current_generation(Path(index_dir))
    try:
        return int((generation / STATE_FILE).read_text().strip() or 0)
    except (OSError, ValueError) as exc:
        raise search.IndexUnavailable(f"no outbox state in {generation}") from exc


def _set_last_applied(generation: Path, outbox_id: int) -> None:
    _write_atomically(generation / STATE_FILE, str(outbox_id))


def _remove_unfinished(index_dir: Path) -> None:
    """Remove what a writer killed half-way left behind (call with the writer lock held)."""
    # No other writer can be running: a `.building` generation or a temporary pointer now
    # belongs to a rebuild that died (power cut, kill -9, out of memory).
    for child in index_dir.iterdir():
        if child.is_dir() and child.name.startswith(PREFIX) and child.name.endswith(BUILDING):
            logger.warning("removing the unfinished index generation %s", child)
            shutil.rmtree(child, ignore_errors=True)
    (index_dir / (search.POINTER + ".tmp")).unlink(missing_ok=True)


def _remove_old_generations(index_dir: Path, keep: set[str]) -> None:
    for child in index_dir.iterdir():
        if child.is_dir() and child.name.startswith(PREFIX) and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)


# Rebuild and outbox ----------------------------------------------------------------------------


def rebuild_index(
    session: Session,
    index_dir: str | Path,
    *,
    progress: Callable[[int], None] | None = None,
    procs: int = 1,
) -> int:
    """Index every published product into a fresh generation and switch to it; return count."""
    index_dir = Path(index_dir)
    with _writer_lock(index_dir):
        _remove_unfinished(index_dir)  # before building: a dead build's disk space comes back
        try:
            previous = search.current_generation(index_dir).name
        except search.IndexUnavailable:
            previous = ""
        # Read before the products: a change committed meanwhile has a higher id and is
        # applied again by the next apply_outbox (applying is idempotent).
        last = session.exec(select(func.max(SearchOutbox.id))).one() or 0
        name = f"{PREFIX}{time.time_ns():x}"
        building = index_dir / (name + BUILDING)
        search.create_index(building)
        stream = documents(session)
        try:
            count = search.write_documents(building, stream, procs=procs, progress=progress)
        finally:
            stream.close()  # a failed build must not leave the database cursor open
        _set_last_applied(building, last)
        _fsync_tree(building)
        os.rename(building, index_dir / name)
        _write_atomically(index_dir / search.POINTER, name)
        _fsync_dir(index_dir)
        _remove_old_generations(index_dir, keep={name, previous})
    return count


def _contiguous_end(last: int, rows: Sequence, now: datetime) -> int:
    """Return the highest outbox id up to which no row can still appear."""
    expected = last + 1
    for outbox_id, _product_id, created_at in rows:
        if outbox_id > expected and now - _utc(created_at) < GAP_GRACE:
            return expected - 1
        expected = outbox_id + 1
    return expected - 1


def _check_not_ahead(session: Session, last: int) -> None:
    newest = session.exec(select(func.max(SearchOutbox.id))).one() or 0
    if last > newest:
        # The index has applied rows this database never had: the database was restored from
        # a backup (or replaced), and the index may show changes it lost. Rebuild.
        raise search.IndexUnavailable(f"the index is ahead of the database ({last} > {newest})")


def apply_outbox(session: Session, index_dir: str | Path, *, batch: int = 500) -> int:
    """Apply outbox rows newer than the index's state, in order; return how many were applied.

    Idempotent: a row applied twice leaves the same document. Raises IndexUnavailable when
    there is no index to update, or when it is ahead of the database (rebuild first).
    """
    index_dir = Path(index_dir)
    applied = 0
    with _writer_lock(index_dir):
        _remove_unfinished(index_dir)
        generation = search.current_generation(index_dir)
        last = last_applied(index_dir)
        while True:
            rows = session.exec(
                select(SearchOutbox.id, SearchOutbox.product_id, SearchOutbox.created_at)
                .where(SearchOutbox.id > last)
                .order_by(SearchOutbox.id)
                .limit(batch)
            ).all()
            if not rows:
                if not applied:
                    _check_not_ahead(session, last)
                break
            product_ids = {product_id for _, product_id, _ in rows}
            upserts = list(documents(session, product_ids))
            removals = product_ids - {doc.product_id for doc in upserts}
            search.update_documents(generation, upserts, removals)
            applied += len(rows)
            end = _contiguous_end(last, rows, datetime.now(UTC))
            if end > last:
                _set_last_applied(generation, end)
            if end < rows[-1][0] or len(rows) < batch:
                break  # waiting for a gap to fill, or caught up
            last = end
    return applied


# SQL fallback ---------------------------------------------------------------------------------


def _status_expression(today: date):
    return case(
        (Product.cert_status.is_(None), "none"),
        (
            and_(Product.cert_status == "valid", Product.cert_valid_until < today),
            "expired",
        ),
        else_=Product.cert_status,
    )


def _word_condition(word: str):
    variants = {word, word.replace(".", "·")} if "." in word else {word}
    columns = (
        Product.name_zh,
        Product.name_en,
        Product.series,
        Product.model_spec,
        Product.description,
        Product.cert_number,
        Organisation.name_zh,
        Organisation.name_en,
        Category.name_zh,
        Category.name_en,
        CategoryVariant.name_zh,
        CategoryVariant.name_en,
    )
    patterns = []
    for variant in variants:
        escaped = variant.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        patterns += [col.ilike(f"%{escaped}%", escape="\\") for col in columns]
    # Division names live in code, not in the database.
    divisions = [
        code
        for code, names in DIVISIONS.items()
        if any(v.lower() in name.lower() for v in variants for name in names)
    ]
    if divisions:
        patterns.append(Organisation.division_code.in_(divisions))
    return or_(*patterns)


def _filter_conditions(filters: dict, status, include_uncertified: bool) -> dict:
    conditions = {}
    if filters.get("category"):
        conditions["category"] = Category.code.in_(filters["category"])
    if filters.get("stars"):
        stars = [int(s) for s in filters["stars"] if s.isdigit()]
        conditions["stars"] = Product.cert_stars.in_(stars)
    if filters.get("division"):
        conditions["division"] = Organisation.division_code.in_(filters["division"])
    statuses = filters.get("status") or ([] if include_uncertified else ["valid"])
    if statuses:
        conditions["status"] = status.in_(statuses)
    low, high = search.gwp_bounds(filters)
    bounds = []
    if low is not None:
        bounds.append(Product.gwp_a1a3 >= low)
    if high is not None:
        bounds.append(Product.gwp_a1a3 <= high)
    if bounds:
        conditions["gwp"] = and_(*bounds)
    return conditions


_ORDER = {
    "relevance": (Product.published_at.desc().nulls_last(), Product.id.desc()),
    "newest": (Product.published_at.desc().nulls_last(), Product.id.desc()),
    "gwp": (Product.gwp_a1a3, Product.id),
    "-stars": (func.coalesce(Product.cert_stars, 0).desc(), Product.gwp_a1a3, Product.id),
}


def database_search(
    session: Session,
    query: str,
    *,
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    include_uncertified: bool = False,
) -> SearchResult:
    """Search with plain SQL (LIKE) when the index is unavailable; same filters and facets.

    Relevance is not computed: "relevance" lists the newest first. The other sorts give the
    same order as the index.
    """
    filters = search.check_arguments(filters, sort)
    parsed = search.parse_query(query)
    status = _status_expression(date.today())
    base = [Product.status == ProductStatus.PUBLISHED]
    base += [_word_condition(word) for word in parsed.words]
    conditions = _filter_conditions(filters, status, include_uncertified)

    def selecting(*columns):
        return (
            select(*columns)
            .select_from(Product)
            .join(Category, Category.id == Product.category_id)
            .join(Organisation, Organisation.id == Product.manufacturer_id)
            .outerjoin(CategoryVariant, _variant_of_product())
        )

    facet_columns = {
        "category": Category.code,
        "stars": Product.cert_stars,
        "division": Organisation.division_code,
        "status": status,
    }
    facets = {}
    for name, column in facet_columns.items():
        others = [c for key, c in conditions.items() if key != name]
        rows = session.exec(
            selecting(column, func.count()).where(*base, *others).group_by(column)
        ).all()
        facets[name] = {str(value): count for value, count in rows if value}
    where = [*base, *conditions.values()]
    total = session.exec(selecting(func.count()).where(*where)).one()
    page, per_page = max(page, 1), max(per_page, 1)
    rows = session.exec(
        selecting(
            Product.id,
            Product.name_zh,
            Product.name_en,
            Product.model_spec,
            Product.cert_number,
            Product.description,
        )  # fmt: skip
        .where(*where)
        .order_by(*_ORDER[sort])
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    highlights: dict[int, str] = {}
    if not parsed.empty:
        terms = frozenset(parsed.terms)
        for pid, *texts in rows:
            snippet: Markup | None = search.highlight(texts, terms)
            if snippet:
                highlights[pid] = snippet
    return SearchResult([row[0] for row in rows], total, facets, highlights)
