"""Certificate pages: verification, PDF, criteria, and the reviewer's and holder's lifecycle."""

import json
from datetime import date
from types import SimpleNamespace

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import and_, func, or_
from sqlmodel import select
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from greenbm.accounts.auth import role_required
from greenbm.accounts.models import Role
from greenbm.catalog.models import Category, CategoryVariant
from greenbm.catalog.services import category_variants, list_categories
from greenbm.certification import bp
from greenbm.certification.certificate_files import certificate_pdf, live_status
from greenbm.certification.certificates import (
    change_status,
    check_follow_up,
    get_certificate,
    holder_certificate,
    record_surveillance,
    renewal_open,
)
from greenbm.certification.criteria_store import active_criteria
from greenbm.certification.models import (
    ApplicationKind,
    Certificate,
    CertificateEvent,
    CertificateStatus,
    CriteriaVersion,
    SurveillanceRecord,
    SurveillanceResult,
)
from greenbm.certification.services import certification_bodies, create_application
from greenbm.db import get_session
from greenbm.errors import Invalid, NotFound
from greenbm.forms_util import Page, apply_errors, page_number, select_choices

St = CertificateStatus
# The moves a reviewer may make from each status (certificates.change_status checks them too).
STATUS_ACTIONS = {
    St.VALID: ("suspend", "revoke"),
    St.SUSPENDED: ("reinstate", "revoke"),
}
ACTION_LABELS = {
    "suspend": _l("Suspend"),
    "reinstate": _l("Reinstate"),
    "revoke": _l("Revoke"),
}


# --- forms ----------------------------------------------------------------------------------


class SurveillanceForm(FlaskForm):
    """A surveillance visit and its result."""

    visited_on = DateField(_l("Date of the visit"), validators=[InputRequired()])
    result = SelectField(
        _l("Result"),
        choices=select_choices(
            [
                (SurveillanceResult.PASSED.value, _l("Passed")),
                (SurveillanceResult.FAILED.value, _l("Failed")),
                (SurveillanceResult.REFUSED.value, _l("Refused by the holder")),
            ]
        ),
    )
    notes = TextAreaField(
        _l("Notes"),
        validators=[Length(max=4000)],
        description=_l("Required when the visit did not pass: a failed visit suspends."),
    )


class StatusForm(FlaskForm):
    """Suspend, reinstate or revoke, with the reason."""

    action = SelectField(_l("Action"))
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(), Length(max=4000)])


class ChangeForm(FlaskForm):
    """A change application: what changes, and the body that reviews it."""

    body_id = SelectField(_l("Certification body"), coerce=int)
    description = TextAreaField(
        _l("What changes"),
        validators=[InputRequired(), Length(max=4000)],
        description=_l("The site, process, model or standard that changes, and how."),
    )


# --- public verification --------------------------------------------------------------------


def _snapshot(certificate: Certificate) -> SimpleNamespace:
    """Return the certificate's printed fields as attributes, so `localized()` can read them."""
    return SimpleNamespace(**json.loads(certificate.snapshot))


def _events(certificate: Certificate) -> list[CertificateEvent]:
    query = select(CertificateEvent).where(CertificateEvent.certificate_id == certificate.id)
    return list(get_session().exec(query.order_by(CertificateEvent.id)).all())


@bp.get("/verify")
def verify_lookup():
    """Show the look-up form; a submitted number goes to its verification page."""
    if "number" in request.args:
        number = request.args["number"].strip()
        if number:
            return redirect(url_for("certification.verify_certificate", number=number.upper()))
        return render_template("certification/verify.html", empty=True, unknown=None), 400
    return render_template("certification/verify.html", empty=False, unknown=None)


@bp.get("/verify/<number>")
def verify_certificate(number: str):
    """Show anyone a certificate's live status, holder, product, dates and history."""
    try:
        certificate = get_certificate(get_session(), number)
    except NotFound:
        page = render_template("certification/verify.html", empty=False, unknown=number[:80])
        return page, 404
    if certificate.number != number:  # lower case or spaces typed by hand
        return redirect(url_for("certification.verify_certificate", number=certificate.number))
    return render_template(
        "certification/verify_certificate.html",
        certificate=certificate,
        status=live_status(certificate),
        cert=_snapshot(certificate),
        events=_events(certificate),
    )


def _base_url() -> str:
    return current_app.config.get("PUBLIC_BASE_URL") or request.host_url


@bp.get("/certificates/<number>.pdf")
def certificate_pdf_download(number: str):
    """Download the certificate's signed PDF (rendered on first request, then cached)."""
    try:
        certificate = get_certificate(get_session(), number)
    except NotFound:
        abort(404)
    data = certificate_pdf(
        certificate,
        current_app.config,
        static_dir=current_app.static_folder,
        base_url=_base_url(),
    )
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    # The status printed on it can change any day: always ask again.
    response.headers["Cache-Control"] = "no-cache"
    return response


# --- criteria -------------------------------------------------------------------------------


@bp.get("/criteria")
def criteria_index():
    """List the categories with the version of their active criteria."""
    session = get_session()
    active = {
        row.category_id: row
        for row in session.exec(select(CriteriaVersion).where(CriteriaVersion.active)).all()
    }
    return render_template(
        "certification/criteria_index.html",
        categories=[(c, active.get(c.id)) for c in list_categories(session=session)],
    )


@bp.get("/criteria/<code>")
def criteria_category(code: str):
    """Show a category's active criteria: prerequisites, indicators and their thresholds."""
    session = get_session()
    category = session.exec(select(Category).where(Category.code == code)).first()
    if category is None:
        abort(404)
    try:
        version, criteria = active_criteria(session, category.id)
    except NotFound:
        abort(404)
    variants: dict[str, CategoryVariant] = {
        v.code: v for v in category_variants(session=session, category_id=category.id)
    }
    # Stored criteria come back with their variants sorted by code: show the category's order.
    order = [*variants, *sorted(set(criteria.variants) - set(variants))]
    rows = {
        ind.code: [v for v in order if v in ind.thresholds] or list(ind.thresholds)
        for ind in criteria.indicators
    }
    return render_template(
        "certification/criteria_category.html",
        category=category,
        version=version,
        criteria=criteria,
        variants=variants,
        variant_rows=rows,
    )


# --- reviewers: the body's certificates -----------------------------------------------------


def _live_status_is(status: str, today: date):
    """Return the SQL condition for a live status (see certificate_files.live_status)."""
    past = Certificate.valid_until < today
    if status == St.EXPIRED:
        running = Certificate.status.in_([St.VALID, St.SUSPENDED])
        return or_(Certificate.status == St.EXPIRED, and_(running, past))
    if status in (St.VALID, St.SUSPENDED):
        return and_(Certificate.status == status, ~past)
    return Certificate.status == status


def _certificate_page(where: list, order: list) -> Page:
    session = get_session()
    page, per_page = page_number(), current_app.config["PAGE_SIZE"]
    total = session.exec(select(func.count()).select_from(Certificate).where(*where)).one()
    rows = session.exec(
        select(Certificate)
        .where(*where)
        .order_by(*order)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(list(rows), page, per_page, total)


def _overdue(certificate: Certificate, today: date) -> bool:
    due = certificate.next_surveillance_due
    return due is not None and due < today and live_status(certificate, today) in STATUS_ACTIONS


@bp.get("/review/certificates")
@role_required(Role.REVIEWER)
def review_certificates():
    """List the body's certificates, filtered by live status, overdue surveillance marked."""
    today = date.today()
    status = request.args.get("status", "")
    where = [Certificate.body_id == current_user.organisation_id]
    if status in St.__members__.values():
        where.append(_live_status_is(status, today))
    else:
        status = ""
    page = _certificate_page(where, [Certificate.issued_on.desc(), Certificate.id.desc()])
    return render_template(
        "certification/certificates_review.html",
        page=page,
        status=status,
        statuses=list(St),
        today=today,
        rows=[(c, _snapshot(c), live_status(c, today), _overdue(c, today)) for c in page.items],
    )


def _body_certificate_or_404(certificate_id: int) -> Certificate:
    certificate = get_session().get(Certificate, certificate_id)
    if certificate is None or certificate.body_id != current_user.organisation_id:
        abort(404)
    return certificate


def _status_form(certificate: Certificate, *, blank: bool) -> StatusForm:
    form = StatusForm(formdata=None) if blank else StatusForm()
    actions = STATUS_ACTIONS.get(live_status(certificate), ())
    form.action.choices = select_choices((a, ACTION_LABELS[a]) for a in actions)
    return form


def _review_page(certificate: Certificate, surveillance: SurveillanceForm, status: StatusForm):
    today = date.today()
    records = get_session().exec(
        select(SurveillanceRecord)
        .where(SurveillanceRecord.certificate_id == certificate.id)
        .order_by(SurveillanceRecord.visited_on.desc(), SurveillanceRecord.id.desc())
    )
    return render_template(
        "certification/certificate_review.html",
        certificate=certificate,
        cert=_snapshot(certificate),
        status=live_status(certificate, today),
        overdue=_overdue(certificate, today),
        events=_events(certificate),
        records=list(records.all()),
        surveillance_form=surveillance,
        status_form=status,
    )


@bp.get("/review/certificates/<int:certificate_id>")
@role_required(Role.REVIEWER)
def review_certificate(certificate_id: int):
    """Show one of the body's certificates with its history and the lifecycle forms."""
    certificate = _body_certificate_or_404(certificate_id)
    surveillance = SurveillanceForm(formdata=None, visited_on=date.today())
    return _review_page(certificate, surveillance, _status_form(certificate, blank=True))


def _redirect_to_review(certificate_id: int):
    return redirect(url_for("certification.review_certificate", certificate_id=certificate_id))


@bp.post("/review/certificates/<int:certificate_id>/surveillance")
@role_required(Role.REVIEWER)
def review_record_surveillance(certificate_id: int):
    """Record a surveillance visit; one that did not pass suspends the certificate."""
    certificate = _body_certificate_or_404(certificate_id)
    form = SurveillanceForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            record = record_surveillance(
                session=db,
                actor=current_user,
                certificate_id=certificate.id,
                visited_on=form.visited_on.data,
                result=form.result.data,
                notes=form.notes.data or "",
            )
        except Invalid as exc:
            db.rollback()
            apply_errors(form, exc)
        else:
            db.commit()
            if record.result == SurveillanceResult.PASSED:
                flash(_("Surveillance recorded."), "success")
            else:
                flash(_("Surveillance recorded; the certificate is suspended."), "success")
            return _redirect_to_review(certificate.id)
    return _review_page(certificate, form, _status_form(certificate, blank=True))


@bp.post("/review/certificates/<int:certificate_id>/status")
@role_required(Role.REVIEWER)
def review_change_status(certificate_id: int):
    """Suspend, reinstate or revoke the certificate with a reason."""
    certificate = _body_certificate_or_404(certificate_id)
    form = _status_form(certificate, blank=False)
    if form.validate_on_submit():
        db = get_session()
        try:
            change_status(
                session=db,
                actor=current_user,
                certificate_id=certificate.id,
                action=form.action.data,
                reason=form.reason.data,
            )
        except Invalid as exc:
            db.rollback()
            apply_errors(form, exc)
        else:
            db.commit()
            flash(_("Certificate %(number)s updated.", number=certificate.number), "success")
            return _redirect_to_review(certificate.id)
    surveillance = SurveillanceForm(formdata=None, visited_on=date.today())
    return _review_page(certificate, surveillance, form)


# --- manufacturers: own certificates, renewal and change ------------------------------------


@bp.get("/manufacturer/certificates")
@role_required(Role.MANUFACTURER)
def my_certificates():
    """List the company's certificates with renewal (in its window) and change applications."""
    today = date.today()
    where = [Certificate.holder_id == current_user.organisation_id]
    page = _certificate_page(where, [Certificate.valid_until, Certificate.id])
    return render_template(
        "manufacturer/certificates.html",
        page=page,
        rows=[(c, _snapshot(c), live_status(c, today), renewal_open(c, today)) for c in page.items],
    )


def _holder_certificate_or_404(certificate_id: int) -> Certificate:
    try:
        return holder_certificate(get_session(), current_user, certificate_id)
    except NotFound:
        abort(404)


def _open_application(certificate: Certificate, kind: str, body_id: int, description: str = ""):
    """Open the follow-up application; return its id, or raise Invalid."""
    db = get_session()
    check_follow_up(certificate, kind, date.today())
    application = create_application(
        session=db,
        actor=current_user,
        product_id=certificate.product_id,
        body_id=body_id,
        kind=kind,
        certificate_id=certificate.id,
        change_description=description,
    )
    return application.id


def _to_application(application_id: int):
    # The application pages belong to certification.views; their path is part of the contract.
    return redirect(f"/applications/{application_id}")


@bp.post("/manufacturer/certificates/<int:certificate_id>/renewal")
@role_required(Role.MANUFACTURER)
def apply_renewal(certificate_id: int):
    """Open a renewal application with the certificate's body (within 90 days of expiry)."""
    certificate = _holder_certificate_or_404(certificate_id)
    db = get_session()
    try:
        application_id = _open_application(
            certificate, ApplicationKind.RENEWAL, certificate.body_id
        )
    except Invalid as exc:
        db.rollback()
        for messages in exc.errors.values():
            for message in messages:
                flash(message, "error")
        return redirect(url_for("certification.my_certificates"))
    db.commit()
    flash(_("Renewal application opened. Check the data and submit it."), "success")
    return _to_application(application_id)


@bp.route("/manufacturer/certificates/<int:certificate_id>/change", methods=["GET", "POST"])
@role_required(Role.MANUFACTURER)
def apply_change(certificate_id: int):
    """Apply for a change to a certified product; the certificate keeps its number."""
    certificate = _holder_certificate_or_404(certificate_id)
    db = get_session()
    form = ChangeForm()
    form.body_id.choices = select_choices((b.id, b.name_zh) for b in certification_bodies(db))
    if request.method == "GET":
        form.body_id.data = certificate.body_id
    if form.validate_on_submit():
        try:
            application_id = _open_application(
                certificate, ApplicationKind.CHANGE, form.body_id.data, form.description.data
            )
        except Invalid as exc:
            db.rollback()
            apply_errors(form, exc)
        else:
            db.commit()
            flash(_("Change application opened. Update the data and submit it."), "success")
            return _to_application(application_id)
    return render_template(
        "certification/certificate_change.html",
        form=form,
        certificate=certificate,
        cert=_snapshot(certificate),
        status=live_status(certificate),
    )
