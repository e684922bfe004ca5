"""The manufacturer's pages: apply, applications, submit, answer; certificates, renewal, change."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.auth import role_required
from accounts.models import Role
from catalog.services import own_product
from certification import bp
from certification.applications.forms import AnswerForm, ApplyForm, ChangeForm, LockedForm
from certification.applications.page import load_application_page, load_preview_page
from certification.applications.queries import manufacturer_applications
from certification.applications.services import (
    certificate_only_refusal,
    certification_bodies,
    create_application,
    open_application,
    resubmit_application,
    submit_application,
)
from certification.applications.view_steps import (
    application_or_404,
    fresh_lock,
    reviewable_or_404,
    workflow_step,
)
from certification.certificates.issue import printed
from certification.certificates.lifecycle import renewal_open
from certification.certificates.queries import held_certificates, holder_certificate, live_status
from certification.models import Application, ApplicationKind, Certificate
from certification.pages import manufacturer_only, page_args
from greenbm.db import discard_changes, get_session
from greenbm.errors import Invalid, NotFound
from greenbm.forms_util import attempt, select_choices
from greenbm.i18n import localized

# --- applications -----------------------------------------------------------------------------


@bp.route("/manufacturer/products/<int:product_id>/apply", methods=["GET", "POST"])
@manufacturer_only
def apply(product_id: int):
    """Show what the product lacks and what it would score; open a draft application."""
    db = get_session()
    try:
        product = own_product(session=db, actor=current_user, product_id=product_id)
    except NotFound:
        abort(404)
    if refusal := certificate_only_refusal(product, session=db):
        # Said before any form: nothing can be applied for, whatever is posted.
        status = 409 if request.method == "POST" else 200
        return render_template(
            "certification/apply_refused.html", product=product, refusal=refusal
        ), status
    form = ApplyForm()
    form.body_id.choices = select_choices(
        (b.id, localized(b)) for b in certification_bodies(session=db)
    )
    if form.validate_on_submit():
        item = attempt(
            form,
            lambda: create_application(
                session=db, actor=current_user, product_id=product.id, body_id=form.body_id.data
            ),
        )
        if item is not None:
            flash(_("Draft application opened: check it, then submit it."), "success")
            return redirect(url_for(".application", application_id=item.id))
    return render_template(
        "certification/apply.html",
        form=form,
        product=product,
        page=load_preview_page(product, session=db),
        open_application=open_application(product.id, session=db),
    ), 400 if form.errors else 200


@bp.get("/applications")
@role_required(Role.MANUFACTURER, Role.REVIEWER)
def applications():
    """List the manufacturer's applications, latest change first."""
    if current_user.role == Role.REVIEWER:
        return redirect(url_for(".review_queue"))
    page = manufacturer_applications(current_user, **page_args(), session=get_session())
    return render_template("certification/applications.html", page=page)


@bp.get("/applications/<int:application_id>")
@role_required(Role.MANUFACTURER, Role.REVIEWER)
def application(application_id: int):
    """Show an application to its manufacturer (reviewers go to the review page)."""
    if current_user.role == Role.REVIEWER:  # notifications link here for both sides
        item = reviewable_or_404(application_id)
        return redirect(url_for(".review_application", application_id=item.id))
    return _application_page(application_or_404(application_id))


def _application_page(item: Application, *, submit_form=None, answer_form=None, status=200):
    page = load_application_page(item, preview=True, session=get_session())
    return render_template(
        "certification/application.html",
        page=page,
        submit_form=submit_form or fresh_lock(LockedForm, item),
        answer_form=answer_form or fresh_lock(AnswerForm, item),
    ), status


@bp.post("/applications/<int:application_id>/submit")
@manufacturer_only
def submit(application_id: int):
    """Submit a draft to its certification body, or list everything that is missing."""
    item = application_or_404(application_id)
    form = LockedForm()
    if not form.validate_on_submit():
        abort(400)
    done = _("Application submitted to the certification body.")
    answer = workflow_step(submit_application, item, form, endpoint=".application", done=done)
    if answer is not None:
        return answer
    flash(_("The application is not complete: add what is listed, then submit again."), "error")
    return _application_page(item, submit_form=form, status=400)


@bp.post("/applications/<int:application_id>/resubmit")
@manufacturer_only
def resubmit(application_id: int):
    """Answer the reviewer's question and send the application back."""
    item = application_or_404(application_id)
    form = AnswerForm()
    if form.validate_on_submit():
        answer = workflow_step(
            resubmit_application,
            item,
            form,
            endpoint=".application",
            done=_("Your answer was sent; the application is back with the reviewer."),
            answer=form.reason.data or "",
        )
        if answer is not None:
            return answer
    return _application_page(item, answer_form=form, status=400)


# --- certificates held: renewal and change ----------------------------------------------------


@bp.get("/manufacturer/certificates")
@manufacturer_only
def my_certificates():
    """List the company's certificates with renewal (in its window) and change applications."""
    today = date.today()
    page = held_certificates(current_user, **page_args(), session=get_session())
    return render_template(
        "manufacturer/certificates.html",
        page=page,
        rows=[(c, printed(c), live_status(c, today), renewal_open(c, today)) for c in page.items],
    )


def _held_or_404(certificate_id: int) -> Certificate:
    try:
        return holder_certificate(current_user, certificate_id, session=get_session())
    except NotFound:
        abort(404)


def _open_follow_up(certificate: Certificate, kind: str, body_id: int, description: str = ""):
    """Open the renewal or change application; return its id, or raise Invalid."""
    application = create_application(
        session=get_session(),
        actor=current_user,
        product_id=certificate.product_id,
        body_id=body_id,
        kind=kind,
        certificate_id=certificate.id,
        change_description=description,
    )
    return application.id


@bp.post("/manufacturer/certificates/<int:certificate_id>/renewal")
@manufacturer_only
def apply_renewal(certificate_id: int):
    """Open a renewal application with the certificate's body (within 90 days of expiry)."""
    certificate = _held_or_404(certificate_id)
    try:
        application_id = _open_follow_up(certificate, ApplicationKind.RENEWAL, certificate.body_id)
    except Invalid as exc:
        discard_changes()
        for messages in exc.errors.values():
            for message in messages:
                flash(message, "error")
        return redirect(url_for(".my_certificates"))
    flash(_("Renewal application opened. Check the data and submit it."), "success")
    return redirect(url_for(".application", application_id=application_id))


@bp.route("/manufacturer/certificates/<int:certificate_id>/change", methods=["GET", "POST"])
@manufacturer_only
def apply_change(certificate_id: int):
    """Apply for a change to a certified product; the certificate keeps its number."""
    certificate = _held_or_404(certificate_id)
    form = ChangeForm()
    bodies = certification_bodies(session=get_session())
    form.body_id.choices = select_choices((b.id, b.name_zh) for b in bodies)
    if request.method == "GET":
        form.body_id.data = certificate.body_id
    if form.validate_on_submit():
        application_id = attempt(
            form,
            lambda: _open_follow_up(
                certificate, ApplicationKind.CHANGE, form.body_id.data, form.description.data
            ),
        )
        if application_id is not None:
            flash(_("Change application opened. Update the data and submit it."), "success")
            return redirect(url_for(".application", application_id=application_id))
    return render_template(
        "certification/certificate_change.html",
        form=form,
        certificate=certificate,
        cert=printed(certificate),
        status=live_status(certificate),
    )
