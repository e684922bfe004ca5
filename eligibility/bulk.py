"""The bulk eligibility pages: upload a CSV or XLSX file, watch it run, see and download the result.

The routes are on the package's `eligibility` blueprint; the run itself is in `bulk_run`, the
stored result in `result_store`.
"""

from collections.abc import Iterable, Iterator

from flask import Response, abort, current_app, render_template, request, stream_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from eligibility import bp
from eligibility.answers import (
    explain,
    reason_codes,
    result_label,
    stars_text,
    status_label,
    supplier_name,
)
from eligibility.bulk_run import BulkResult, BulkRun, bulk_rate_limit
from eligibility.files import (
    MAX_UPLOAD_BYTES,
    FileProblem,
    read_upload,
)
from eligibility.queries import Categories
from eligibility.result_store import load_result
from eligibility.services import MAX_ROWS, load_categories
from greenbm.db import get_session
from greenbm.extensions import limiter
from greenbm.forms_util import Form, page_number
from greenbm.i18n import localized
from greenbm.spreadsheets import Sheet, csv_bytes, xlsx_bytes

SHOW = ("all", "not_eligible", "malformed")


class BulkForm(Form):
    """The bulk check: one CSV or XLSX file."""

    file = FileField(
        _l("CSV or XLSX file"),
        validators=[FileRequired(_l("Choose a CSV or XLSX file."))],
        render_kw={"accept": ".csv,.xlsx,text/csv"},
    )


# --- the pages --------------------------------------------------------------------------------


def _bulk_page(form: BulkForm, status: int = 200):
    page = render_template(
        "procurement/eligibility_bulk.html",
        form=form,
        max_rows=MAX_ROWS,
        max_mb=MAX_UPLOAD_BYTES // (1024 * 1024),
    )
    return page, status


@bp.get("/bulk")
def bulk():
    """Show the upload form of the bulk check."""
    return _bulk_page(BulkForm())


@bp.post("/bulk")
@limiter.limit(bulk_rate_limit, methods=["POST"])
def bulk_run():
    """Check every row of an uploaded file; the page streams progress, then the result."""
    form = BulkForm()
    if not form.validate_on_submit():
        return _bulk_page(form, 400)
    upload = form.file.data
    try:
        rows = read_upload(
            upload.read(MAX_UPLOAD_BYTES + 1), upload.filename or "", max_rows=MAX_ROWS
        )
    except FileProblem as exc:
        form.file.errors = [str(exc)]
        return _bulk_page(form, 400)
    categories = load_categories(session=get_session())
    run = BulkRun(rows, (upload.filename or "")[:120], categories)
    # The generator runs as the page is sent: the progress lines reach the browser as they
    # come, and the table follows once `run.result` exists.
    stream = stream_template(
        "procurement/eligibility_bulk_result.html",
        run=run,
        progress=run.steps(),
        **_result_context(categories, show="all", page=1),
    )
    response = Response(_coalesce(stream), mimetype="text/html")
    response.headers["X-Accel-Buffering"] = "no"  # tell nginx not to hold the stream back
    response.headers["Cache-Control"] = "no-store"
    return response


# Where the streamed page is sent on at once: the start of the progress list and each line.
_FLUSH_AFTER = ('data-testid="bulk-progress"', "</li>")


def _coalesce(pieces: Iterable[str], size: int = 16_384) -> Iterator[str]:
    """Join the template's many small pieces, but send each progress line as it is written."""
    buffer, length = [], 0
    for piece in pieces:
        buffer.append(piece)
        length += len(piece)
        if length >= size or any(marker in piece for marker in _FLUSH_AFTER):
            yield "".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer)


def _result_context(categories: Categories, *, show: str, page: int) -> dict:
    return {
        "category_names": {c.code: localized(c) for c in categories.all},
        "explain": explain,
        "reason_codes": reason_codes,
        "result_label": result_label,
        "status_label": status_label,
        "supplier_name": supplier_name,
        "show": show,
        "page_number": page,
        "shows": SHOW,
    }


def _stored(token: str) -> BulkResult:
    data = load_result(current_app.config["INSTANCE_DIR"], token)
    if data is None:
        abort(404)
    return BulkResult(token, data)


class _DoneRun:
    """A finished run, for showing a stored result with the same template."""

    def __init__(self, result: BulkResult):
        self.result = result
        self.filename = result.filename


@bp.get("/bulk/<token>")
def bulk_result(token: str):
    """Show a page of a stored bulk result."""
    result = _stored(token)
    show = request.args.get("show", "all")
    show = show if show in SHOW else "all"
    categories = load_categories(session=get_session())
    return render_template(
        "procurement/eligibility_bulk_result.html",
        run=_DoneRun(result),
        progress=(),
        **_result_context(categories, show=show, page=page_number()),
    )


# --- the downloads ----------------------------------------------------------------------------


def download_table(result: BulkResult) -> tuple[list[str], list[list]]:
    """Return the header and rows of a result's download, in the current language."""
    names = {c.code: localized(c) for c in load_categories(session=get_session()).all}
    header = [
        _("Row"),
        _("Credit code"),
        _("Category"),
        _("Minimum stars"),
        _("Supplier"),
        _("Result"),
        _("Reason"),
        _("Certificates"),
    ]
    rows = []
    for row in result.rows:
        if row.get("errors"):
            given = row["input"]
            category = given["category"]
            cells = [given["supplier"], category, given["min_stars"], ""]
            certificates = ""
        else:
            supplier = row["supplier"]
            category = names.get(row["category"], row["category"])
            name = supplier_name(supplier) if supplier else ""
            cells = [row["uscc"], category, row["min_stars"], name]
            certificates = "; ".join(
                f"{c['number']} ({stars_text(c['stars'])}, {status_label(c['status'])}, "
                f"{c['valid_until']})"
                for c in row["certificates"]
            )
        reason = explain(row, category)
        rows.append([row["row"], *cells, result_label(row), reason, certificates])
    return header, rows


def _download_name(result: BulkResult, extension: str) -> str:
    return f"eligibility-{result.data['checked_on']}.{extension}"


def _attachment(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/bulk/<token>/results.csv")
def bulk_csv(token: str):
    """Download a bulk result as CSV (UTF-8 with BOM, for Excel)."""
    result = _stored(token)
    header, rows = download_table(result)
    return _attachment(
        csv_bytes(header, rows), "text/csv; charset=utf-8", _download_name(result, "csv")
    )


@bp.get("/bulk/<token>/results.xlsx")
def bulk_xlsx(token: str):
    """Download a bulk result as an XLSX workbook."""
    result = _stored(token)
    header, rows = download_table(result)
    widths = (6, 22, 16, 10, 30, 14, 60, 70)
    data = xlsx_bytes(Sheet(_("Eligibility"), rows, header=header, widths=widths))
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _attachment(data, mimetype, _download_name(result, "xlsx"))


@bp.get("/bulk/template.csv")
def bulk_template():
    """Download an empty bulk-check file with the header row filled in."""
    data = csv_bytes(["统一社会信用代码", "类别", "最低星级"], [])
    return _attachment(data, "text/csv; charset=utf-8", "eligibility-template.csv")
