"""Pages of the certification workflow: applying, the application, the review queue and review."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func
from sqlmodel import Session, select

from greenbm.accounts.auth import role_required
from greenbm.accounts.models import Notification, Organisation, Role, User
from greenbm.accounts.notifications import mark_all_read, unread_count
from greenbm.catalog.evidence import product_evidence
from greenbm.catalog.models import Category, CategoryVariant, EvidenceFile, Plant, Product
from greenbm.catalog.services import list_categories, own_product
from greenbm.catalog.units import format_unit
from greenbm.certification import bp
from greenbm.certification.certificates import issue_certificate
from greenbm.certification.criteria import Criteria
from greenbm.certification.criteria_store import active_criteria, criteria_of_version
from greenbm.certification.forms import (
    APPROVE,
    KIND_LABELS,
    NOT_PASSED,
    PASSED,
    REQUEST_INFORMATION,
    STATE_LABELS,
    WAITING_FOR_REVIEWER,
    AnswerForm,
    ApplyForm,
    DecisionForm,
    LockedForm,
    QueueFilterForm,
    review_form_class,
)
from greenbm.certification.models import (
    Application,
    ApplicationEvent,
    ApplicationState,
    Certificate,
    PrerequisiteJudgement,
    ReviewedValue,
)
from greenbm.certification.rules import AssessmentError, assessment_to_dict
from greenbm.certification.services import (
    Correction,
    Judgement,
    assess_application,
    certification_bodies,
    create_application,
    decide_application,
    declared_values,
    get_application,
    missing_for_application,
    record_review,
    request_information,
    resubmit_application,
    start_review,
    submit_application,
)
from greenbm.certification.workflow import FINAL_STATES, InvalidTransition, allowed_targets
from greenbm.db import get_session
from greenbm.errors import Conflict, Invalid, NotAllowed, NotFound
from greenbm.forms_util import Page, apply_errors, page_number, select_choices
from greenbm.i18n import localized
from greenbm.models_base import utcnow

S = ApplicationState
manufacturer_only = role_required(Role.MANUFACTURER)
reviewer_only = role_required(Role.REVIEWER)


@bp.context_processor
def _labels() -> dict:
    return {"state_labels": STATE_LABELS, "kind_labels": KIND_LABELS}


@bp.app_context_processor
def _unread_notifications() -> dict:
    """Offer `unread_notifications()` to every template (the header shows the count)."""

    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        if "unread_notifications" not in g:
            g.unread_notifications = unread_count(get_session(), current_user.id)
        return g.unread_notifications

    return {"unread_notifications": unread_notifications}


# --- what an application page shows -----------------------------------------------------------
# Read-only queries; candidates for services.py (or a certification/queries.py).


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator of an assessment, with the reviewer's correction if there is one."""

    code: str
    name: str
    group: str
    unit: str
    direction: str
    value: float | None
    level: int | None
    thresholds: list[float]
    declared: float | None
    correction_reason: str

    @property
    def corrected(self) -> bool:
        """Return whether the reviewer changed the declared value."""
        return self.correction_reason != "" or (
            self.declared is not None and self.value is not None and self.declared != self.value
        )


@dataclass(frozen=True)
class PrerequisiteRow:
    """One prerequisite of an assessment: met or not, and why, in words for people."""

    code: str
    name: str
    passed: bool
    note: str


@dataclass(frozen=True)
class ShortfallRow:
    """How far one indicator is from the next star's threshold."""

    name: str
    value: float | None
    needed: float
    gap: float | None
    unit: str
    direction: str


@dataclass
class ApplicationPage:
    """Everything the application and review pages show."""

    application: Application
    product: Product
    category: Category
    variant: CategoryVariant | None
    plant: Plant
    manufacturer: Organisation
    body: Organisation
    criteria: Criteria | None
    events: list[tuple[ApplicationEvent, str]]
    conversation: list[tuple[ApplicationEvent, str]]
    missing: list[str]
    certificate: Certificate | None
    declared: dict[str, float | None]
    reviewed: dict[str, ReviewedValue]
    judgements: dict[str, PrerequisiteJudgement]
    assessment: dict | None = None
    decided: bool = False
    indicators: tuple[IndicatorRow, ...] = ()
    prerequisites: tuple[PrerequisiteRow, ...] = ()
    shortfalls: tuple[ShortfallRow, ...] = ()
    blocking: tuple[PrerequisiteRow, ...] = ()


def _criteria(session: Session, application: Application, product: Product) -> Criteria | None:
    if application.criteria_version_id:
        return criteria_of_version(session, application.criteria_version_id)
    try:
        return active_criteria(session, product.category_id)[1]
    except NotFound:
        return None


def _actor_name(user: User | None, organisation: Organisation | None) -> str:
    if user is None:
        return _("System")
    name = user.display_name or localized(organisation)
    return f"{name} · {localized(organisation)}" if user.display_name else name


def _events(session: Session, application_id: int) -> list[tuple[ApplicationEvent, str]]:
    rows = session.exec(
        select(ApplicationEvent, User, Organisation)
        .outerjoin(User, User.id == ApplicationEvent.actor_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(ApplicationEvent.application_id == application_id)
        .order_by(ApplicationEvent.at, ApplicationEvent.id)
    ).all()
    return [(event, _actor_name(user, org)) for event, user, org in rows]


def _limit_note(limits: tuple[str, ...], indicators: dict[str, IndicatorRow]) -> str:
    """Say, in the reader's language, which indicators miss their mandatory limit."""
    problems = []
    for code in limits:
        row = indicators.get(code)
        if row is None or row.level is None:
            continue  # not applicable to this product
        unit = format_unit(row.unit)
        limit = f"{row.thresholds[0]:g} {unit}"
        if row.value is None:
            problems.append(
                _("%(name)s: no value to compare with %(limit)s", name=row.name, limit=limit)
            )
        elif row.level == 0:
            problems.append(
                _(
                    "%(name)s: %(value)s misses the limit %(limit)s",
                    name=row.name,
                    value=f"{row.value:g} {unit}",
                    limit=limit,
                )
            )
    return "; ".join(problems) or _("Within the mandatory limit.")


def _prerequisite_note(
    prereq, passed: bool, judgement, preview: bool, indicators: dict[str, IndicatorRow]
) -> str:
    if judgement is not None:
        verdict = (
            _("Met, says the reviewer") if judgement.passed else _("Not met, says the reviewer")
        )
        return f"{verdict}: {judgement.reason}" if judgement.reason else verdict
    if prereq.check == "evidence":
        return (
            _("The document is attached.") if passed else _("The document is missing or too old.")
        )
    if prereq.check == "reviewer":
        if preview:
            return _("The reviewer judges this; the preview assumes it is met.")
        return _("Not judged yet.")
    if prereq.limit_indicators:
        return _limit_note(prereq.limit_indicators, indicators)
    # The one data check without limits: the GWP with its provenance (see assess_application).
    return _("Declared.") if passed else _("Not declared.")


def _fill_assessment(view: ApplicationPage, assessment: dict, *, preview: bool) -> None:
    criteria = view.criteria
    names = {i.code: localized(i) for i in criteria.indicators} if criteria else {}
    prereqs = {p.code: p for p in criteria.prerequisites} if criteria else {}
    view.assessment = assessment
    view.indicators = tuple(
        IndicatorRow(
            code=row["code"],
            name=names.get(row["code"], row["code"]),
            group=row["group"],
            unit=row["unit"],
            direction=row["direction"],
            value=row["value"],
            level=row["level"] if row["applicable"] else None,
            thresholds=row["thresholds"],
            declared=view.declared.get(row["code"]) if row["code"] in view.reviewed else None,
            correction_reason=getattr(view.reviewed.get(row["code"]), "reason", ""),
        )
        for row in assessment["indicators"]
    )
    by_code = {row.code: row for row in view.indicators}
    rows = []
    for row in assessment["prerequisites"]:
        prereq = prereqs.get(row["code"])
        note = (
            _prerequisite_note(
                prereq, row["passed"], view.judgements.get(row["code"]), preview, by_code
            )
            if prereq
            else ""
        )
        rows.append(
            PrerequisiteRow(
                row["code"],
                localized(prereq) if prereq else row["code"],
                row["passed"],
                note or row["reason"],
            )
        )
    view.prerequisites = tuple(rows)
    next_star = assessment["next_star"]
    if next_star:
        direction = {r["code"]: r["direction"] for r in assessment["indicators"]}
        view.shortfalls = tuple(
            ShortfallRow(
                names.get(s["code"], s["code"]),
                s["value"],
                s["needed"],
                s["gap"],
                s["unit"],
                direction[s["code"]],
            )
            for s in next_star["indicators"]
        )
        failed = {p["code"] for p in next_star["prerequisites"]}
        view.blocking = tuple(p for p in view.prerequisites if p.code in failed)


def load_application_page(
    session: Session, application: Application, *, preview: bool
) -> ApplicationPage:
    """Gather what the application page shows; `preview` is the manufacturer's assessment."""
    product = session.get(Product, application.product_id)
    category = session.get(Category, product.category_id)
    variant = (
        session.exec(
            select(CategoryVariant).where(
                CategoryVariant.category_id == category.id, CategoryVariant.code == product.variant
            )
        ).first()
        if product.variant
        else None
    )
    events = _events(session, application.id)
    conversation = [
        (e, who) for e, who in events if e.to_state in (S.INFORMATION_REQUESTED, S.RESUBMITTED)
    ]
    final = application.state in FINAL_STATES
    view = ApplicationPage(
        application=application,
        product=product,
        category=category,
        variant=variant,
        plant=session.get(Plant, product.plant_id),
        manufacturer=session.get(Organisation, application.manufacturer_id),
        body=session.get(Organisation, application.body_id),
        criteria=_criteria(session, application, product),
        events=events,
        conversation=conversation,
        missing=[] if final else _missing(session, product),
        certificate=session.get(Certificate, application.certificate_id)
        if application.certificate_id and application.state == S.APPROVED
        else None,
        declared=declared_values(session, product),
        reviewed={
            r.indicator_code: r
            for r in session.exec(
                select(ReviewedValue).where(ReviewedValue.application_id == application.id)
            ).all()
        },
        judgements={
            j.code: j
            for j in session.exec(
                select(PrerequisiteJudgement).where(
                    PrerequisiteJudgement.application_id == application.id
                )
            ).all()
        },
    )
    if application.assessment:
        view.decided = True
        _fill_assessment(view, json.loads(application.assessment), preview=False)
    else:
        try:
            live = assess_application(session, application, preview=preview)
        except (AssessmentError, NotFound):
            return view  # incomplete data: the missing list says what to add
        _fill_assessment(view, assessment_to_dict(live), preview=preview)
    return view


def _missing(session: Session, product: Product) -> list[str]:
    try:
        return missing_for_application(session, product)
    except NotFound:
        return [_("This category has no certification criteria yet.")]


def _open_application(session: Session, product_id: int) -> Application | None:
    return session.exec(
        select(Application).where(
            Application.product_id == product_id, Application.state.not_in(list(FINAL_STATES))
        )
    ).first()


def _paginate(session: Session, query, count_query) -> Page:
    page, per_page = page_number(), current_app.config["PAGE_SIZE"]
    total = session.exec(count_query).one()
    rows = session.exec(query.offset((page - 1) * per_page).limit(per_page)).all()
    return Page(list(rows), page, per_page, total)


def days_since(moment: datetime | None) -> int | None:
    """Return whole days from a stored timestamp to now (SQLite returns them without a zone)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (utcnow() - moment).days


# --- common answers ---------------------------------------------------------------------------


def _fresh_lock(form_class, application: Application, **data):
    return form_class(formdata=None, data={"lock_version": application.lock_version, **data})


def _conflict(application: Application, endpoint: str):
    """Answer 409: someone else changed the application since the page was loaded."""
    get_session().rollback()
    return (
        render_template(
            "certification/conflict.html",
            link=url_for(endpoint, application_id=application.id),
        ),
        409,
    )


def _not_now(application: Application, endpoint: str):
    """The action does not fit the application's current state (or the user's role)."""
    get_session().rollback()
    flash(_("That is not possible in the application's current state."), "error")
    return redirect(url_for(endpoint, application_id=application.id))


# --- manufacturer -----------------------------------------------------------------------------


@bp.route("/manufacturer/products/<int:product_id>/apply", methods=["GET", "POST"])
@manufacturer_only
def apply(product_id: int):
    """Show what the product lacks and what it would score; open a draft application."""
    db = get_session()
    try:
        product = own_product(session=db, actor=current_user, product_id=product_id)
    except NotFound:
        abort(404)
    form = ApplyForm()
    form.body_id.choices = select_choices(
        (b.id, localized(b)) for b in certification_bodies(session=db)
    )
    if form.validate_on_submit():
        try:
            item = create_application(
                session=db, actor=current_user, product_id=product.id, body_id=form.body_id.data
            )
        except Invalid as exc:
            db.rollback()
            apply_errors(form, exc)
        else:
            db.commit()
            flash(_("Draft application opened: check it, then submit it."), "success")
            return redirect(url_for(".application", application_id=item.id))
    # The same page as an application's, before there is one: a draft that is never stored.
    draft = Application(product_id=product.id, manufacturer_id=product.manufacturer_id, body_id=0)
    status = 400 if form.errors else 200
    return render_template(
        "certification/apply.html",
        form=form,
        product=product,
        page=load_application_page(db, draft, preview=True),
        open_application=_open_application(db, product.id),
    ), status


@bp.get("/applications")
@role_required(Role.MANUFACTURER, Role.REVIEWER)
def applications():
    """List the manufacturer's applications, latest change first."""
    if current_user.role == Role.REVIEWER:
        return redirect(url_for(".review_queue"))
    db = get_session()
    where = Application.manufacturer_id == current_user.organisation_id
    query = (
        select(Application, Product, Organisation)
        .join(Product, Product.id == Application.product_id)
        .join(Organisation, Organisation.id == Application.body_id)
        .where(where)
        .order_by(Application.updated_at.desc(), Application.id.desc())
    )
    count = select(func.count()).select_from(Application).where(where)
    return render_template("certification/applications.html", page=_paginate(db, query, count))


def _own_application(application_id: int) -> Application:
    try:
        return get_application(
            session=get_session(), actor=current_user, application_id=application_id
        )
    except NotFound:
        abort(404)


@bp.get("/applications/<int:application_id>")
@role_required(Role.MANUFACTURER, Role.REVIEWER)
def application(application_id: int):
    """Show an application to its manufacturer (reviewers go to the review page)."""
    if current_user.role == Role.REVIEWER:  # notifications link here for both sides
        item = _reviewable(application_id)
        return redirect(url_for(".review_application", application_id=item.id))
    return _application_page(_own_application(application_id))


def _application_page(item: Application, *, submit_form=None, answer_form=None, status=200):
    page = load_application_page(get_session(), item, preview=True)
    return render_template(
        "certification/application.html",
        page=page,
        submit_form=submit_form or _fresh_lock(LockedForm, item),
        answer_form=answer_form or _fresh_lock(AnswerForm, item),
    ), status


@bp.post("/applications/<int:application_id>/submit")
@manufacturer_only
def submit(application_id: int):
    """Submit a draft to its certification body, or list everything that is missing."""
    db = get_session()
    item = _own_application(application_id)
    form = LockedForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        # submit_application takes no lock_version: compare here.
        if form.lock_version.data != item.lock_version:
            raise Conflict()
        submit_application(session=db, actor=current_user, application_id=item.id)
    except Conflict:
        return _conflict(item, ".application")
    except Invalid as exc:
        db.rollback()
        apply_errors(form, exc)
        flash(_("The application is not complete: add what is listed, then submit again."), "error")
        return _application_page(item, submit_form=form, status=400)
    except (InvalidTransition, NotAllowed):
        return _not_now(item, ".application")
    db.commit()
    flash(_("Application submitted to the certification body."), "success")
    return redirect(url_for(".application", application_id=item.id))


@bp.post("/applications/<int:application_id>/resubmit")
@manufacturer_only
def resubmit(application_id: int):
    """Answer the reviewer's question and send the application back."""
    db = get_session()
    item = _own_application(application_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            resubmit_application(
                session=db,
                actor=current_user,
                application_id=item.id,
                answer=form.reason.data or "",
                lock_version=form.lock_version.data,
            )
        except Conflict:
            return _conflict(item, ".application")
        except Invalid as exc:
            db.rollback()
            apply_errors(form, exc)
        except (InvalidTransition, NotAllowed):
            return _not_now(item, ".application")
        else:
            db.commit()
            flash(_("Your answer was sent; the application is back with the reviewer."), "success")
            return redirect(url_for(".application", application_id=item.id))
    return _application_page(item, answer_form=form, status=400)


# --- reviewer ---------------------------------------------------------------------------------


def _reviewable(application_id: int) -> Application:
    """Return an application of the reviewer's body that has been submitted, or 404."""
    item = _own_application(application_id)
    if current_user.role != Role.REVIEWER or item.state == S.DRAFT:
        abort(404)  # a draft has not been sent to the body yet
    return item


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
    body_id = current_user.organisation_id
    where = [
        Application.body_id == body_id,
        Application.manufacturer_id != body_id,
        Application.state.in_([filters["state"]] if filters["state"] else WAITING_FOR_REVIEWER),
    ]
    if filters["category"]:
        where.append(Category.code == filters["category"])
    if filters["age"] is not None:
        where.append(Application.submitted_at <= utcnow() - timedelta(days=filters["age"]))
    query = (
        select(Application, Product, Category, Organisation)
        .join(Product, Product.id == Application.product_id)
        .join(Category, Category.id == Product.category_id)
        .join(Organisation, Organisation.id == Application.manufacturer_id)
        .where(*where)
        .order_by(Application.submitted_at, Application.id)
    )
    count = (
        select(func.count())
        .select_from(Application)
        .join(Product, Product.id == Application.product_id)
        .join(Category, Category.id == Product.category_id)
        .where(*where)
    )
    return render_template(
        "certification/queue.html",
        form=form,
        page=_paginate(db, query, count),
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
    page = load_application_page(db, item, preview=False)
    form_class, indicators = _review_form_class(page)
    return render_template(
        "certification/review.html",
        page=page,
        review_form=review_form or form_class(formdata=None, data=_review_data(page)),
        review_indicators=indicators,
        decision_form=decision_form or _fresh_lock(DecisionForm, item),
        start_form=_fresh_lock(LockedForm, item),
        can_start=S.UNDER_REVIEW in allowed_targets(item.state, Role.REVIEWER),
        evidence=product_evidence(session=db, product_id=item.product_id),
    ), status


@bp.get("/review/applications/<int:application_id>")
@reviewer_only
def review_application(application_id: int):
    """Show an application to a reviewer of its body, with the review and decision forms."""
    return _review_page(_reviewable(application_id))


@bp.post("/review/applications/<int:application_id>/start")
@reviewer_only
def review_start(application_id: int):
    """Take a submitted or resubmitted application under review."""
    db = get_session()
    item = _reviewable(application_id)
    form = LockedForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        start_review(
            session=db,
            actor=current_user,
            application_id=item.id,
            lock_version=form.lock_version.data,
        )
    except Conflict:
        return _conflict(item, ".review_application")
    except (InvalidTransition, NotAllowed):
        return _not_now(item, ".review_application")
    db.commit()
    flash(_("Review started; the manufacturer has been told."), "success")
    return redirect(url_for(".review_application", application_id=item.id))


@bp.post("/review/applications/<int:application_id>/review")
@reviewer_only
def review_record(application_id: int):
    """Store the confirmed or corrected values and the prerequisite judgements."""
    db = get_session()
    item = _reviewable(application_id)
    page = load_application_page(db, item, preview=False)
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
        try:
            record_review(
                session=db,
                actor=current_user,
                application_id=item.id,
                corrections=corrections,
                judgements=judgements,
                lock_version=form.lock_version.data,
            )
        except Conflict:
            return _conflict(item, ".review_application")
        except Invalid as exc:
            db.rollback()
            apply_errors(form, exc)
        except (InvalidTransition, NotAllowed):
            return _not_now(item, ".review_application")
        else:
            db.commit()
            flash(_("Review saved: the assessment now uses the confirmed values."), "success")
            return redirect(url_for(".review_application", application_id=item.id))
    flash(_("The review was not saved: see the marked rows."), "error")
    return _review_page(item, review_form=form, status=400)


@bp.post("/review/applications/<int:application_id>/decide")
@reviewer_only
def review_decide(application_id: int):
    """Approve (issuing the certificate), reject, or ask the manufacturer a question."""
    db = get_session()
    item = _reviewable(application_id)
    form = DecisionForm()
    if form.validate_on_submit():
        reason = form.reason.data or ""
        try:
            if form.decision.data == REQUEST_INFORMATION:
                request_information(
                    session=db,
                    actor=current_user,
                    application_id=item.id,
                    question=reason,
                    lock_version=form.lock_version.data,
                )
            else:
                decide_application(
                    session=db,
                    actor=current_user,
                    application_id=item.id,
                    approve=form.decision.data == APPROVE,
                    reason=reason,
                    lock_version=form.lock_version.data,
                    issue=issue_certificate,
                )
        except Conflict:
            return _conflict(item, ".review_application")
        except Invalid as exc:
            db.rollback()
            apply_errors(form, exc)
        except AssessmentError as exc:  # data that cannot be assessed: say so at the form
            db.rollback()
            form.form_errors.append(str(exc))
        except (InvalidTransition, NotAllowed):
            return _not_now(item, ".review_application")
        else:
            db.commit()
            flash(_decision_message(db, item), "success")
            return redirect(url_for(".review_application", application_id=item.id))
    return _review_page(item, decision_form=form, status=400)


def _decision_message(session: Session, item: Application) -> str:
    if item.state == S.APPROVED:
        number = session.get(Certificate, item.certificate_id).number
        return _("Approved: certificate %(number)s has been issued.", number=number)
    if item.state == S.REJECTED:
        return _("Rejected; the manufacturer has been told.")
    return _("Your question was sent to the manufacturer.")


def _body_reviews_product(session: Session, product_id: int) -> bool:
    """Return whether the reviewer's body has a submitted application for the product."""
    body_id = current_user.organisation_id
    found = session.exec(
        select(Application.id)
        .where(
            Application.product_id == product_id,
            Application.body_id == body_id,
            Application.manufacturer_id != body_id,
            Application.state != S.DRAFT,
        )
        .limit(1)
    ).first()
    return found is not None


@bp.get("/review/evidence/<int:evidence_id>")
@reviewer_only
def review_evidence(evidence_id: int):
    """Serve an evidence PDF inline, framed by this site only, to reviewers who need it."""
    db = get_session()
    evidence = db.get(EvidenceFile, evidence_id)
    if evidence is None or not _body_reviews_product(db, evidence.product_id):
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


# --- notifications ----------------------------------------------------------------------------


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def notifications():
    """List the signed-in user's notifications, newest first; POST marks them all read."""
    db = get_session()
    form = FlaskForm()
    if form.validate_on_submit():
        mark_all_read(db, current_user.id)
        db.commit()
        flash(_("All notifications marked as read."), "success")
        return redirect(url_for(".notifications"))
    where = Notification.user_id == current_user.id
    query = (
        select(Notification)
        .where(where)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    count = select(func.count()).select_from(Notification).where(where)
    return render_template("notifications.html", page=_paginate(db, query, count), form=form)
