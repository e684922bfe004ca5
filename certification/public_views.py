"""Public certificate pages: verification by number, the signed PDF, the criteria."""

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from sqlmodel import select

from catalog.categories import category_variants, list_categories
from catalog.models import Category, CategoryVariant
from certification import bp
from certification.certificate_files import certificate_pdf
from certification.certificates import certificate_events, get_certificate, live_status
from certification.criteria_store import active_criteria, active_versions
from certification.view_helpers import printed
from greenbm.db import get_session
from greenbm.errors import NotFound

# --- public verification --------------------------------------------------------------------


@bp.get("/verify")
def verify_lookup():
    """Show the look-up form; a submitted number goes to its verification page."""
    if "number" in request.args:
        number = request.args["number"].strip()
        if number:
            return redirect(url_for(".verify_certificate", number=number.upper()))
        return render_template("certification/verify.html", empty=True, unknown=None), 400
    return render_template("certification/verify.html", empty=False, unknown=None)


@bp.get("/verify/<number>")
def verify_certificate(number: str):
    """Show anyone a certificate's live status, holder, product, dates and history."""
    db = get_session()
    try:
        certificate = get_certificate(db, number)
    except NotFound:
        page = render_template("certification/verify.html", empty=False, unknown=number[:80])
        return page, 404
    if certificate.number != number:  # lower case or spaces typed by hand
        return redirect(url_for(".verify_certificate", number=certificate.number))
    return render_template(
        "certification/verify_certificate.html",
        certificate=certificate,
        status=live_status(certificate),
        cert=printed(certificate),
        events=certificate_events(db, certificate.id),
    )


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
        base_url=current_app.config.get("PUBLIC_BASE_URL") or request.host_url,
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
    active = active_versions(session)
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
