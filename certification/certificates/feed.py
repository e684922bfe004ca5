"""An Atom feed of certificate status changes, for everyone, per category or per supplier."""

from feedgen.feed import FeedGenerator
from flask import Response, abort, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from catalog.models import Category
from certification import bp
from certification.certificates.events import EventFilter, PublicEvent, latest_events
from certification.labels import event_kind_label
from greenbm.db import get_session
from greenbm.models_base import as_utc, utcnow

FEED_LENGTH = 100
ATOM_MEDIA_TYPE = "application/atom+xml"


def _filter() -> EventFilter:
    """Return the filter the query string asks for; 404 for an unknown category or supplier."""
    category = request.args.get("category", "").strip() or None
    supplier = request.args.get("supplier", "").strip().upper() or None
    if category is not None:
        known = get_session().exec(select(Category.id).where(Category.code == category)).first()
        if known is None:
            abort(404)
    if supplier is not None and not (len(supplier) == 18 and supplier.isalnum()):
        abort(404)
    return EventFilter(category=category, supplier=supplier)


def _entry(feed, item: PublicEvent) -> None:
    certificate, event = item.certificate, item.event
    entry = feed.add_entry(order="append")
    entry.id(
        url_for("certification.verify_certificate", number=certificate.number, _external=True)
        + f"#event-{event.id}"
    )
    entry.title(
        _(
            "Certificate %(number)s %(kind)s",
            number=certificate.number,
            kind=event_kind_label(item.kind),
        )
    )
    entry.link(
        href=url_for("certification.verify_certificate", number=certificate.number, _external=True)
    )
    entry.updated(as_utc(event.at))
    entry.category(term=item.kind, label=event_kind_label(item.kind))
    entry.category(term=item.category_code)
    if event.reason:
        entry.summary(event.reason)


@bp.get("/certificates/feed.atom")
def certificate_feed():
    """Return the latest certificate status changes as an Atom feed, newest first."""
    wanted = _filter()
    items = latest_events(wanted, FEED_LENGTH, session=get_session())
    self_url = url_for(".certificate_feed", _external=True, **request.args.to_dict())
    feed = FeedGenerator()
    feed.id(self_url)
    title = _("Green building-material certificates: status changes")
    if wanted.category:
        title += f" · {wanted.category}"
    if wanted.supplier:
        title += f" · {wanted.supplier}"
    feed.title(title)
    feed.link(href=self_url, rel="self", type=ATOM_MEDIA_TYPE)
    feed.link(href=url_for("certification.verify_lookup", _external=True), rel="alternate")
    feed.author(name=_("Guizhou green building materials register"))
    feed.updated(as_utc(items[0].event.at) if items else utcnow())
    for item in items:
        _entry(feed, item)
    response = Response(feed.atom_str(pretty=False), mimetype=ATOM_MEDIA_TYPE)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
