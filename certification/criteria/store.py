"""Criteria versions in the database: loading the shipped files and finding the active one."""

import hashlib
import json
from typing import Any

from sqlmodel import Session, select

from catalog.models import Category
from certification.criteria.model import Criteria, CriteriaError, criteria_to_dict
from certification.criteria.parsing import (
    SHIPPED_CRITERIA_DIR,
    criteria_from_dict,
    load_criteria_dir,
)
from certification.models import CriteriaVersion
from greenbm.audit import AuditAction, record_audit
from greenbm.errors import NotFound
from greenbm.figures import figure_store, kept
from greenbm.models_base import utcnow


def _content(criteria: Criteria) -> str:
    return json.dumps(criteria_to_dict(criteria), ensure_ascii=False, sort_keys=True)


def store_criteria(
    criteria: Criteria, *, session: Session, activate: bool, actor: Any = None
) -> CriteriaVersion:
    """Store a criteria version (once); refuse a different text under an existing version.

    Storing a new version and activating one are audited (actor None: the command line).
    """
    category = session.exec(select(Category).where(Category.code == criteria.category)).first()
    if category is None:
        raise CriteriaError(f"category: unknown category {criteria.category!r}")
    content = _content(criteria)
    digest = hashlib.sha256(content.encode()).hexdigest()
    row = session.exec(
        select(CriteriaVersion).where(
            CriteriaVersion.category_id == category.id,
            CriteriaVersion.version == criteria.version,
        )
    ).first()
    if row is not None and row.sha256 != digest:
        raise CriteriaError(
            f"version: {criteria.category} {criteria.version} already exists with other "
            "content; give the new criteria a new version"
        )
    if row is None:
        row = CriteriaVersion(
            category_id=category.id, version=criteria.version, content=content, sha256=digest
        )
        session.add(row)
        session.flush()
        _audit(
            actor, AuditAction.CRITERIA_UPLOADED, row, category, {"sha256": digest}, session=session
        )
    if activate and not row.active:
        activate_version(row, actor=actor, session=session)
    return row


def _audit(
    actor: Any,
    action: AuditAction,
    row: CriteriaVersion,
    category: Category,
    detail: dict[str, Any],
    *,
    session: Session,
) -> None:
    record_audit(
        actor=actor,
        action=action,
        object_type="criteria_version",
        object_id=row.id,
        label=f"{category.code} {row.version}",
        detail={"category": category.code, "version": row.version, **detail},
        session=session,
    )


def activate_version(version: CriteriaVersion, *, session: Session, actor: Any = None) -> None:
    """Make this version the one new assessments use; older ones stay for their records."""
    previous = session.exec(
        select(CriteriaVersion).where(
            CriteriaVersion.category_id == version.category_id, CriteriaVersion.active
        )
    ).all()
    for other in previous:
        other.active = False
    session.flush()
    version.active = True
    version.activated_at = utcnow()
    category = session.get(Category, version.category_id)
    before = [other.version for other in previous if other.id != version.id]
    detail = {"previous": before[0] if before else None}
    _audit(actor, AuditAction.CRITERIA_ACTIVATED, version, category, detail, session=session)
    session.flush()


def load_shipped_criteria(*, session: Session) -> int:
    """Store the criteria files under seeds/criteria; activate each if its category has none."""
    loaded = load_criteria_dir(SHIPPED_CRITERIA_DIR)
    for criteria in loaded.values():
        category = session.exec(select(Category).where(Category.code == criteria.category)).one()
        has_active = session.exec(
            select(CriteriaVersion.id).where(
                CriteriaVersion.category_id == category.id, CriteriaVersion.active
            )
        ).first()
        store_criteria(criteria, activate=has_active is None, session=session)
    return len(loaded)


# Every category's entry stays kept (40-odd categories; a Criteria is a few kB).
KEPT_CATEGORIES = 128


def active_criteria(category_id: int, *, session: Session) -> tuple[CriteriaVersion, Criteria]:
    """Return the active criteria version of a category, or raise NotFound."""
    row = session.exec(
        select(CriteriaVersion).where(
            CriteriaVersion.category_id == category_id, CriteriaVersion.active
        )
    ).first()
    if row is None:
        raise NotFound()
    return row, criteria_from_dict(json.loads(row.content))


def shown_criteria(category_id: int, *, session: Session) -> tuple[str, Criteria] | None:
    """Return the active criteria's version and content as pages show them, None if none.

    Kept per process under the change counter (greenbm/figures.py): a product page asks for
    its category's on every view, and activating a version is a write that bumps the counter.
    """

    def load() -> tuple[str, Criteria] | None:
        try:
            version, criteria = active_criteria(category_id, session=session)
        except NotFound:
            return None
        return version.version, criteria

    store = figure_store("kept_criteria", KEPT_CATEGORIES)
    return kept(("active criteria", category_id), load, session=session, store=store)


def criteria_of_version(version_id: int, *, session: Session) -> Criteria:
    """Return the criteria stored under a version id."""
    row = session.get(CriteriaVersion, version_id)
    if row is None:
        raise NotFound()
    return criteria_from_dict(json.loads(row.content))


def active_versions(*, session: Session) -> dict[int, CriteriaVersion]:
    """Return the active criteria version of every category that has one, by category id."""
    rows = session.exec(select(CriteriaVersion).where(CriteriaVersion.active)).all()
    return {row.category_id: row for row in rows}
