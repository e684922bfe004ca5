"""Use cases of the console: editing a category, uploading and activating criteria versions."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import Session, select

from accounts.models import User
from accounts.services import require_administrator
from admin.queries import criteria_version
from catalog.categories import get_category
from catalog.models import (
    Category,
    CategoryIndicator,
    CategoryVariant,
    ProcurementClass,
    Product,
)
from catalog.search import queue_for_index
from catalog.units import parse_unit
from certification.criteria.model import Criteria, CriteriaError
from certification.criteria.parsing import parse_criteria
from certification.criteria.problems import criteria_problem
from certification.criteria.store import activate_version, store_criteria
from certification.models import CriteriaVersion
from greenbm.audit import AuditAction, changes, record_audit
from greenbm.errors import Invalid
from greenbm.untrusted import Unreadable

CRITERIA_MAX_BYTES = 256 * 1024  # the shipped files are about 4 KB
INDEXED_CATEGORY_FIELDS = ("name_zh", "name_en")  # what the search documents copy


@dataclass
class CategoryInput:
    """The fields of a category an administrator may change."""

    name_zh: str
    name_en: str
    declared_unit: str
    procurement_class: str


def _check_category(category: Category, data: CategoryInput, *, session: Session) -> None:
    errors: dict[str, list[str]] = {}
    for name in ("name_zh", "name_en"):
        if not getattr(data, name).strip():
            errors[name] = [_("A name is required.")]
    if data.procurement_class not in ProcurementClass.__members__.values():
        errors["procurement_class"] = [_("Choose mandatory or optional.")]
    unit = data.declared_unit.strip()
    if unit != category.declared_unit:
        try:
            parse_unit(unit)
        except ValueError:
            errors["declared_unit"] = [_("Unknown unit %(unit)s.", unit=unit)]
        else:
            in_old_unit = session.exec(
                select(func.count())
                .select_from(Product)
                .where(
                    Product.category_id == category.id,
                    Product.declared_unit == category.declared_unit,
                )
            ).one()
            if in_old_unit:
                # Their GWP and values are per the old unit: relabelling them would be wrong.
                errors["declared_unit"] = [
                    _(
                        "%(n)d product(s) are declared per %(unit)s: their GWP and values are "
                        "per that unit, so the declared unit cannot change while they exist.",
                        n=in_old_unit,
                        unit=category.declared_unit,
                    )
                ]
            elif unit in category.allowed_units:
                errors["declared_unit"] = [_("This unit is already an alternative unit.")]
    if errors:
        raise Invalid(errors)


def update_category(
    *, session: Session, actor: User, category_id: int, data: CategoryInput
) -> dict[str, dict]:
    """Change a category's names, declared unit or procurement class; return what changed."""
    require_administrator(actor)
    category = get_category(session=session, category_id=category_id)
    _check_category(category, data, session=session)
    fields = ("name_zh", "name_en", "declared_unit", "procurement_class")
    before = {name: getattr(category, name) for name in fields}
    after = {name: str(getattr(data, name)).strip() for name in fields}
    changed = changes(before, after)
    if not changed:
        return {}
    for name, change in changed.items():
        setattr(category, name, change["after"])
    if any(name in changed for name in INDEXED_CATEGORY_FIELDS):
        product_ids = session.exec(select(Product.id).where(Product.category_id == category.id))
        for product_id in product_ids.all():
            queue_for_index(product_id, session=session)
    record_audit(
        actor=actor,
        action=AuditAction.CATEGORY_EDITED,
        object_type="category",
        object_id=category.id,
        label=category.code,
        detail=changed,
        session=session,
    )
    session.flush()
    return changed


def criteria_fit_problems(category: Category, criteria: Criteria, *, session: Session) -> list[str]:
    """Return why criteria do not fit the category's declared indicators and variants."""
    problems = []
    declared = {
        i.code: i
        for i in session.exec(
            select(CategoryIndicator).where(CategoryIndicator.category_id == category.id)
        ).all()
    }
    for ind in criteria.indicators:
        if ind.code == "gwp":
            continue  # every product declares its GWP in its own field
        known = declared.get(ind.code)
        if known is None:
            problems.append(
                _(
                    "Indicator %(code)s: products of this category do not declare it "
                    "(declared: %(known)s).",
                    code=ind.code,
                    known=", ".join(sorted(declared)) or "—",
                )
            )
        elif not _same_unit(known.unit, ind.unit):
            problems.append(
                _(
                    "Indicator %(code)s: unit %(unit)s does not match the declared %(declared)s.",
                    code=ind.code,
                    unit=ind.unit,
                    declared=known.unit,
                )
            )
    if criteria.variant_attribute != category.variant_attribute:
        problems.append(
            _(
                "variant_attribute: expected %(expected)s, got %(got)s.",
                expected=category.variant_attribute or "—",
                got=criteria.variant_attribute or "—",
            )
        )
    variants = set(
        session.exec(select(CategoryVariant.code).where(CategoryVariant.category_id == category.id))
    )
    unknown = sorted(set(criteria.variants) - variants)
    if unknown:
        problems.append(_("Unknown variants: %(codes)s.", codes=", ".join(unknown)))
    return problems


def _same_unit(a: str, b: str) -> bool:
    try:
        return a == b or parse_unit(a) == parse_unit(b)
    except ValueError:
        return False


def _parse_upload(category: Category, data: bytes, *, session: Session) -> Criteria:
    if not data.strip():
        raise Invalid({"file": [_("The file is empty.")]})
    if len(data) > CRITERIA_MAX_BYTES:
        raise Invalid(
            {"file": [_("The file is too large: at most %(n)d KB.", n=CRITERIA_MAX_BYTES // 1024)]}
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Invalid(
            {"file": [_("The file is not UTF-8 text (byte %(pos)d).", pos=exc.start)]}
        ) from None
    try:
        criteria = parse_criteria(text.removeprefix("\ufeff"))
    except Unreadable as exc:
        raise Invalid({"file": [str(exc)]}) from None
    except CriteriaError as exc:
        raise Invalid({"file": [criteria_problem(exc)]}) from None
    if criteria.category != category.code:
        other = session.exec(select(Category).where(Category.code == criteria.category)).first()
        message = (
            _("category: unknown category %(code)s.", code=criteria.category)
            if other is None
            else _(
                "category: the file is for %(code)s, not %(page)s.",
                code=criteria.category,
                page=category.code,
            )
        )
        raise Invalid({"file": [message]})
    problems = criteria_fit_problems(category, criteria, session=session)
    if problems:
        raise Invalid({"file": problems})
    return criteria


def upload_criteria(
    *, session: Session, actor: User, category_id: int, data: bytes
) -> tuple[CriteriaVersion, bool]:
    """Store an uploaded criteria file as an inactive version; return it and whether it is new."""
    require_administrator(actor)
    category = get_category(session=session, category_id=category_id)
    criteria = _parse_upload(category, data, session=session)
    existing = session.exec(
        select(CriteriaVersion.id).where(
            CriteriaVersion.category_id == category.id,
            CriteriaVersion.version == criteria.version,
        )
    ).first()
    try:
        row = store_criteria(criteria, activate=False, actor=actor, session=session)
    except CriteriaError:
        raise Invalid(
            {
                "file": [
                    _(
                        "Version %(version)s is already stored with other content: give the "
                        "new criteria a new version.",
                        version=criteria.version,
                    )
                ]
            }
        ) from None
    return row, existing is None


def activate_criteria(
    *, session: Session, actor: User, category_id: int, version_id: int
) -> CriteriaVersion:
    """Make a version of the category the one new assessments use; certificates keep theirs."""
    require_administrator(actor)
    row = criteria_version(session=session, category_id=category_id, version_id=version_id)
    if not row.active:
        activate_version(row, actor=actor, session=session)
    return row
