"""Console: import a file of other bodies' certificates, a chunk of rows per request."""

from dataclasses import asdict

from flask import Response, abort, current_app, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired

from admin import bp
from admin.import_jobs import job_report, load_job, save_job, start_job
from certification.external.importing import (
    MAX_IMPORT_BYTES,
    audit_import,
    error_report_csv,
    import_rows,
    read_external_file,
)
from greenbm.db import after_commit, get_session
from greenbm.forms_util import Form
from greenbm.table_files import FileProblem

CHUNK_ROWS = 200  # rows per request: each request is one short transaction


class ExternalImportForm(Form):
    """The file to import."""

    file = FileField(
        _l("CSV or XLSX file"),
        validators=[FileRequired(_l("Choose a CSV or XLSX file."))],
        render_kw={"accept": ".csv,.xlsx,text/csv"},
    )


class ContinueForm(Form):
    """Go on with the next rows: the CSRF token only."""


def _job(token: str) -> dict:
    job = load_job(current_app.config["INSTANCE_DIR"], token)
    if job is None:
        abort(404)
    return job


@bp.route("/external-certificates/import", methods=["GET", "POST"])
def external_import():
    """Upload a file of other bodies' certificates; its rows are then imported with progress."""
    form = ExternalImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        name = (upload.filename or "")[:120]
        try:
            rows = read_external_file(upload.read(MAX_IMPORT_BYTES + 1), name)
        except FileProblem as exc:
            form.file.errors = [str(exc)]
        else:
            token = start_job(current_app.config["INSTANCE_DIR"], name, rows)
            return redirect(url_for("admin.external_import_status", token=token))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/external_import.html", form=form), status


@bp.get("/external-certificates/import/<token>")
def external_import_status(token: str):
    """Show the import's progress bar, or its result when done."""
    job = _job(token)
    return render_template(
        "admin/external_import_status.html",
        token=token,
        job=job,
        total=len(job["rows"]),
        report=job_report(job),
        form=ContinueForm(),
    )


@bp.post("/external-certificates/import/<token>")
def external_import_next(token: str):
    """Import the next rows of the job (nothing written for a bad row), then show progress."""
    job = _job(token)
    if not ContinueForm().validate_on_submit():
        abort(400)
    total = len(job["rows"])
    if job["done"] < total:
        chunk = [tuple(r) for r in job["rows"][job["done"] : job["done"] + CHUNK_ROWS]]
        session = get_session()
        report = import_rows(
            chunk,
            session=session,
            actor=current_user,
            filename=job["filename"],
            report=job_report(job),
        )
        job["done"] += len(chunk)
        job["report"] = asdict(report)
        if job["done"] >= total:
            audit_import(report, session=session, actor=current_user, filename=job["filename"])
        # The progress is stored only once the rows are: a failed commit retries the chunk.
        instance_dir = current_app.config["INSTANCE_DIR"]
        after_commit(lambda: save_job(instance_dir, token, job))
    return redirect(url_for("admin.external_import_status", token=token))


@bp.get("/external-certificates/import/<token>/errors.csv")
def external_import_errors(token: str):
    """Download the refused rows of the import, with what is wrong in each."""
    report = job_report(_job(token))
    response = Response(error_report_csv(report), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="import-errors.csv"'
    return response
