"""Reactions to catalogue signals: flag list lines whose product's certificate lapsed."""

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from accounts.notifications import notify_organisation, register_messages
from catalog.models import Product
from catalog.signals import certification_changed
from certification.notices import name_argument
from greenbm.models_base import utcnow
from procurement.forms import STATUS_LABELS
from procurement.models import ListLine, ProcurementList, Project
from procurement.rules import LineStatus

LAPSED = frozenset({LineStatus.SUSPENDED, LineStatus.REVOKED, LineStatus.EXPIRED})

# Notification ids are stored: never rename one (see accounts.notifications).
register_messages(
    {
        "procurement.lines_flagged": _l(
            "The certificate %(number)s of %(product)s is now %(status)s: its lines in the"
            " procurement list %(list)s are flagged and no longer count as green."
        ),
        **{f"procurement.status.{code}": STATUS_LABELS[code] for code in LAPSED},
    }
)


def flag_product_lines(product_id: int, status: str | None, *, session: Session) -> list[int]:
    """Flag the product's unflagged lines when its certificate lapses; unflag when valid again.

    Return the ids of the lists that got newly flagged lines. A line already flagged keeps
    its first flag (suspended, then revoked: flagged once, on suspension).
    """
    lines = session.exec(select(ListLine).where(ListLine.product_id == product_id)).all()
    flagged_lists: list[int] = []
    for line in lines:
        if status in LAPSED and line.flagged_at is None:
            line.flagged_at, line.flag_reason = utcnow(), status
            flagged_lists.append(line.list_id)
        elif status == "valid" and line.flagged_at is not None:
            # Reinstated or renewed: the line is green again, and the flag would mislead.
            line.flagged_at, line.flag_reason = None, None
    session.flush()
    return list(dict.fromkeys(flagged_lists))


def _lists_with_agencies(list_ids: list[int], *, session: Session):
    return session.exec(
        select(ProcurementList, Project.agency_id)
        .join(Project, Project.id == ProcurementList.project_id)
        .where(ProcurementList.id.in_(list_ids))
        .order_by(ProcurementList.id)
    ).all()


@certification_changed.connect
def flag_lapsed_lines(
    _sender, *, session: Session, product_id: int, status: str | None, **_extra
) -> None:
    """Flag every line of the product at once and tell each owning agency, list by list."""
    list_ids = flag_product_lines(product_id, status, session=session)
    if not list_ids:
        return
    product = session.get(Product, product_id)
    for item, agency_id in _lists_with_agencies(list_ids, session=session):
        notify_organisation(
            agency_id,
            "procurement.lines_flagged",
            {
                "number": product.cert_number or "",
                "product": name_argument(product),
                "status": {"message": f"procurement.status.{status}"},
                "list": item.name,
            },
            endpoint="procurement.procurement_list",
            endpoint_args={"list_id": item.id},
            session=session,
        )
