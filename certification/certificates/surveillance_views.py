"""The reviewer's certificate pages: the body's certificates, surveillance visits, status."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from certification import bp
from certification.certificates.forms import StatusForm, SurveillanceForm
from certification.certificates.issue import printed
from certification.certificates.lifecycle import (
    change_status,
    record_surveillance,
    status_actions,
    surveillance_overdue,
    surveillance_records,
)
from certification.certificates.queries import (
    body_certificate,
    body_certificates,
    certificate_events,
    live_status,
)
from certification.labels import ACTION_LABELS
from certification.models import Certificate, CertificateStatus, SurveillanceResult
from certification.pages import page_args, reviewer_only
from greenbm.db import get_session
from greenbm.errors import NotFound
from greenbm.forms_util import attempt, select_choices

St = CertificateStatus


@bp.get("/review/certificates")
@reviewer_only
def review_certificates():
    """List the body's certificates, filtered by live status, overdue surveillance marked."""
    today = date.today()
    status = request.args.get("status", "")
    if status not in St.__members__.values():
        status = ""
    page = body_certificates(
        current_user, status=status or None, today=today, **page_args(), session=get_session()
    )
    return render_template(
        "certification/certificates_review.html",
        page=page,
        status=status,
        statuses=list(St),
        today=today,
        rows=[
            (c, printed(c), live_status(c, today), surveillance_overdue(c, today))
            for c in page.items
        ],
    )


def _body_certificate_or_404(certificate_id: int) -> Certificate:
    try:
        return body_certificate(current_user, certificate_id, session=get_session())
    except NotFound:
        abort(404)


def _status_form(certificate: Certificate, *, blank: bool) -> StatusForm:
    form = StatusForm(formdata=None) if blank else StatusForm()
    actions = status_actions(live_status(certificate))
    form.action.choices = select_choices((a, ACTION_LABELS[a]) for a in actions)
    return form


def _blank_surveillance_form() -> SurveillanceForm:
    return SurveillanceForm(formdata=None, visited_on=date.today())


def _certificate_page(certificate: Certificate, surveillance: SurveillanceForm, status: StatusForm):
    today = date.today()
    db = get_session()
    return render_template(
        "certification/certificate_review.html",
        certificate=certificate,
        cert=printed(certificate),
        status=live_status(certificate, today),
        overdue=surveillance_overdue(certificate, today),
        events=certificate_events(certificate.id, session=db),
        records=surveillance_records(certificate.id, session=db),
        surveillance_form=surveillance,
        status_form=status,
    )


def _back_to(certificate: Certificate):
    return redirect(url_for(".review_certificate", certificate_id=certificate.id))


@bp.get("/review/certificates/<int:certificate_id>")
@reviewer_only
def review_certificate(certificate_id: int):
    """Show one of the body's certificates with its history and the lifecycle forms."""
    certificate = _body_certificate_or_404(certificate_id)
    status_form = _status_form(certificate, blank=True)
    return _certificate_page(certificate, _blank_surveillance_form(), status_form)


@bp.post("/review/certificates/<int:certificate_id>/surveillance")
@reviewer_only
def review_record_surveillance(certificate_id: int):
    """Record a surveillance visit; one that did not pass suspends the certificate."""
    certificate = _body_certificate_or_404(certificate_id)
    form = SurveillanceForm()
    if form.validate_on_submit():
        record = attempt(
            form,
            lambda: record_surveillance(
                session=get_session(),
                actor=current_user,
                certificate_id=certificate.id,
                visited_on=form.visited_on.data,
                result=form.result.data,
                notes=form.notes.data or "",
            ),
        )
        if record is not None:
            if record.result == SurveillanceResult.PASSED:
                flash(_("Surveillance recorded."), "success")
            else:
                flash(_("Surveillance recorded; the certificate is suspended."), "success")
            return _back_to(certificate)
    return _certificate_page(certificate, form, _status_form(certificate, blank=True))


@bp.post("/review/certificates/<int:certificate_id>/status")
@reviewer_only
def review_change_status(certificate_id: int):
    """Suspend, reinstate or revoke the certificate with a reason."""
    certificate = _body_certificate_or_404(certificate_id)
    form = _status_form(certificate, blank=False)
    if form.validate_on_submit():
        changed = attempt(
            form,
            lambda: change_status(
                session=get_session(),
                actor=current_user,
                certificate_id=certificate.id,
                action=form.action.data,
                reason=form.reason.data,
            ),
        )
        if changed is not None:
            flash(_("Certificate %(number)s updated.", number=certificate.number), "success")
            return _back_to(certificate)
    return _certificate_page(certificate, _blank_surveillance_form(), form)
