"""The reviewer's pages: the queue, an application under review, its evidence, the decision."""

from datetime import datetime
from pathlib import Path

from flask import abort, current_app, flash, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from accounts.models import Role
from catalog.categories import list_categories
from catalog.evidence import product_evidence
from certification import bp
from certification.applications.forms import (
    APPROVE,
    NOT_PASSED,
    PASSED,
    REQUEST_INFORMATION,
    WAITING_FOR_REVIEWER,
    DecisionForm,
    LockedForm,
    QueueFilterForm,
    review_form_class,
)
from certification.applications.page import ApplicationPage, load_application_page
from certification.applications.queries import queued_applications, reviewable_evidence
from certification.applications.review import (
    Correction,
    Judgement,
    decide_application,
    record_review,
    request_information,
    start_review,
)
from certification.applications.view_steps import fresh_lock, reviewable_or_404, workflow_step
from certification.labels import STATE_LABELS
from certification.models import Application, ApplicationState, Certificate
from certification.pages import page_args, reviewer_only
from certification.states import APPLICATIONS
from greenbm.db import get_session
from greenbm.errors import NotFound
from greenbm.i18n import localized
from greenbm.models_base import as_utc, utcnow

S = ApplicationState
REVIEW_PAGE = ".review_application"


def days_since(moment: datetime | None) -> int | None:
    """Return whole days from a stored timestamp to now (SQLite returns them without a zone)."""
    if moment is None:
        return None
    return (utcnow() - as_utc(moment)).days


@bp.get("/review/queue")
@reviewer_only
def review_queue():
    """List the body's applications, oldest submission first, with filters."""
    db = get_session()
    form = QueueFilterForm(
        [(c.code, localized(c)) for c in list_categories(session=db)],
        STATE_LABELS,
        formdata=request.args,
    )
    form.validate()
    filters = form.filters()
    page = queued_applications(
        current_user,
        states=(filters["state"],) if filters["state"] else WAITING_FOR_REVIEWER,
        category=filters["category"],
        age=filters["age"],
        **page_args(),
        session=db,
    )
    return render_template(
        "certification/queue.html",
        form=form,
        page=page,
        filters={k: v for k, v in filters.items() if v is not None},
        days_since=days_since,
    )


def _review_form_class(page: ApplicationPage):
    criteria = page.criteria
    indicators = [i for i in criteria.indicators if i.applies_to(page.product.declared_unit)]
    return review_form_class(indicators, list(criteria.prerequisites), localized), indicators


def _review_data(page: ApplicationPage) -> dict:
    data = {"lock_version": page.application.lock_version}
    for ind in page.criteria.indicators:
        row = page.reviewed.get(ind.code)
        data[f"value_{ind.code}"] = row.confirmed_value if row else page.declared.get(ind.code)
        data[f"reason_{ind.code}"] = row.reason if row else ""
    for prereq in page.criteria.prerequisites:
        judged = page.judgements.get(prereq.code)
        verdict = "" if judged is None else PASSED if judged.passed else NOT_PASSED
        data[f"prereq_{prereq.code}"] = verdict
        data[f"prereq_reason_{prereq.code}"] = judged.reason if judged else ""
    return data


def _review_page(item: Application, *, review_form=None, decision_form=None, status=200):
    db = get_session()
    page = load_application_page(item, preview=False, session=db)
    form_class, indicators = _review_form_class(page)
    return render_template(
        "certification/review.html",
        page=page,
        review_form=review_form or form_class(formdata=None, data=_review_data(page)),
        review_indicators=indicators,
        decision_form=decision_form or fresh_lock(DecisionForm, item),
        start_form=fresh_lock(LockedForm, item),
        can_start=APPLICATIONS.allows(item.state, "start_review", Role.REVIEWER),
        evidence=product_evidence(session=db, product_id=item.product_id),
    ), status


@bp.get("/review/applications/<int:application_id>")
@reviewer_only
def review_application(application_id: int):
    """Show an application to a reviewer of its body, with the review and decision forms."""
    return _review_page(reviewable_or_404(application_id))


@bp.post("/review/applications/<int:application_id>/start")
@reviewer_only
def review_start(application_id: int):
    """Take a submitted or resubmitted application under review."""
    item = reviewable_or_404(application_id)
    form = LockedForm()
    if not form.validate_on_submit():
        abort(400)
    done = _("Review started; the manufacturer has been told.")
    answer = workflow_step(start_review, item, form, endpoint=REVIEW_PAGE, done=done)
    return answer or _review_page(item, status=400)


@bp.post("/review/applications/<int:application_id>/review")
@reviewer_only
def review_record(application_id: int):
    """Store the confirmed or corrected values and the prerequisite judgements."""
    item = reviewable_or_404(application_id)
    page = load_application_page(item, preview=False, session=get_session())
    form_class, indicators = _review_form_class(page)
    form = form_class()
    if form.validate_on_submit():
        corrections = {
            ind.code: Correction(
                form[f"value_{ind.code}"].data, form[f"reason_{ind.code}"].data or ""
            )
            for ind in indicators
            if form[f"value_{ind.code}"].data is not None
        }
        judgements = {
            p.code: Judgement(
                form[f"prereq_{p.code}"].data == PASSED,
                form[f"prereq_reason_{p.code}"].data or "",
            )
            for p in page.criteria.prerequisites
            if form[f"prereq_{p.code}"].data
        }
        answer = workflow_step(
            record_review,
            item,
            form,
            endpoint=REVIEW_PAGE,
            done=_("Review saved: the assessment now uses the confirmed values."),
            corrections=corrections,
            judgements=judgements,
        )
        if answer is not None:
            return answer
    flash(_("The review was not saved: see the marked rows."), "error")
    return _review_page(item, review_form=form, status=400)


@bp.post("/review/applications/<int:application_id>/decide")
@reviewer_only
def review_decide(application_id: int):
    """Approve (issuing the certificate), reject, or ask the manufacturer a question."""
    item = reviewable_or_404(application_id)
    form = DecisionForm()
    if form.validate_on_submit():
        reason = form.reason.data or ""
        if form.decision.data == REQUEST_INFORMATION:
            service, arguments = request_information, {"question": reason}
        else:
            approve = form.decision.data == APPROVE
            service = decide_application
            arguments = {"approve": approve, "reason": reason}
        answer = workflow_step(
            service,
            item,
            form,
            endpoint=REVIEW_PAGE,
            done=lambda: _decision_message(item),
            **arguments,
        )
        if answer is not None:
            return answer
    return _review_page(item, decision_form=form, status=400)


def _decision_message(item: Application) -> str:
    if item.state == S.APPROVED:
        number = get_session().get(Certificate, item.certificate_id).number
        return _("Approved: certificate %(number)s has been issued.", number=number)
    if item.state == S.REJECTED:
        return _("Rejected; the manufacturer has been told.")
    return _("Your question was sent to the manufacturer.")


@bp.get("/review/evidence/<int:evidence_id>")
@reviewer_only
def review_evidence(evidence_id: int):
    """Serve an evidence PDF inline, framed by this site only, to reviewers who need it."""
    try:
        evidence = reviewable_evidence(current_user, evidence_id, session=get_session())
    except NotFound:
        abort(404)
    path = Path(current_app.config["EVIDENCE_DIR"]) / evidence.stored_name
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="application/pdf", download_name=evidence.original_name)
    # The review page frames this PDF: loosen the global DENY for this response only.
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    response.headers["Cache-Control"] = "private, no-store"
    return response
