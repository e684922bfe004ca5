"""The manufacturer's evidence files: attach a PDF to a product, download, remove."""

from flask import current_app, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalog import manufacturer_bp as bp
from catalog.evidence import delete_evidence, discard_evidence_file, own_evidence, store_evidence
from catalog.forms import EvidenceForm
from catalog.manufacturer_access import own_or_404
from catalog.product_views import render_own_product
from catalog.services import own_product
from greenbm.db import after_commit, after_rollback, discard_changes, get_session
from greenbm.errors import Invalid
from greenbm.forms_util import apply_errors


@bp.post("/products/<int:product_id>/evidence")
def upload_evidence(product_id: int):
    """Attach a PDF to a product."""
    db = get_session()
    item = own_or_404(own_product, product_id=product_id)
    form = EvidenceForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            evidence = store_evidence(
                session=db,
                actor=current_user,
                product_id=item.id,
                kind=form.kind.data,
                stream=upload.stream,
                filename=upload.filename or "",
                evidence_dir=current_app.config["EVIDENCE_DIR"],
                test_date=form.test_date.data,
            )
        except Invalid as exc:
            discard_changes()
            apply_errors(form, exc)
        else:
            # If the row is not saved after all, its file must not stay behind as an orphan.
            evidence_dir = current_app.config["EVIDENCE_DIR"]
            after_rollback(lambda: discard_evidence_file(evidence, evidence_dir))
            flash(_("Document attached."), "success")
            return redirect(url_for("manufacturer.product", product_id=item.id))
    return render_own_product(item, form), 400


@bp.get("/evidence/<int:evidence_id>")
def download_evidence(evidence_id: int):
    """Download one of the company's evidence files."""
    evidence, path = own_or_404(
        own_evidence, evidence_id=evidence_id, evidence_dir=current_app.config["EVIDENCE_DIR"]
    )
    return send_file(
        path, mimetype="application/pdf", as_attachment=True, download_name=evidence.original_name
    )


@bp.post("/evidence/<int:evidence_id>/delete")
def remove_evidence(evidence_id: int):
    """Delete one of the company's evidence files."""
    evidence, path = own_or_404(
        delete_evidence, evidence_id=evidence_id, evidence_dir=current_app.config["EVIDENCE_DIR"]
    )
    after_commit(lambda: path.unlink(missing_ok=True))  # only once the record is gone for good
    flash(_("Document removed."), "success")
    return redirect(url_for("manufacturer.product", product_id=evidence.product_id))
