"""Importing a file of other bodies' certificates: read its rows, upsert each good one."""

import csv
import io
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _
from openpyxl import load_workbook
from sqlmodel import Session

from accounts.models import User
from certification.external.records import (
    FIELDS,
    REQUIRED,
    body_with_code,
    category_finder,
    parse_record,
    upsert_external,
)
from certification.models import CertificateSource
from greenbm.audit import AuditAction, record_audit
from greenbm.errors import Invalid
from greenbm.spreadsheets import csv_bytes
from greenbm.table_files import (
    NOT_XLSX,
    OLE_MAGIC,
    ZIP_MAGIC,
    FileProblem,
    cell_text,
    check_unpacked_size,
    decode_text,
    header_key,
)

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 50_000
# Chinese names the national database's exports and body spreadsheets give the columns.
ALIASES = {
    "certificate_number": {"证书编号", "证书号"},
    "body_name": {"认证机构", "认证机构名称", "发证机构"},
    "body_code": {"认证机构批准号", "批准号", "机构批准号", "认证机构代码"},
    "holder_uscc": {"持证人统一社会信用代码", "委托人统一社会信用代码", "持证人信用代码"},
    "holder_name": {"持证人", "持证人名称", "委托人名称"},
    "manufacturer_uscc": {"生产者统一社会信用代码", "生产企业统一社会信用代码", "生产者信用代码"},
    "manufacturer_name": {"生产者", "生产者名称", "生产企业", "生产企业名称"},
    "product_name": {"产品名称"},
    "model": {"型号", "规格型号", "型号规格"},
    "category": {"产品类别", "类别", "类别代码"},
    "stars": {"星级", "等级", "认证等级"},
    "status": {"证书状态", "状态"},
    "issued_on": {"发证日期", "颁证日期"},
    "valid_until": {"有效期至", "证书有效期至", "到期日期"},
    "plant_address": {"生产厂地址", "工厂地址", "生产地址"},
    "gwp": {"碳足迹", "gwp"},
    "gwp_unit": {"声明单位", "gwpunit"},
}
HEADERS = {name: {header_key(name), *map(header_key, ALIASES[name])} for name in FIELDS}


@dataclass
class ImportReport:
    """What an import did: counts by outcome and every refused row with its reasons."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row", "field", "message"}

    @property
    def refused(self) -> int:
        """Return the number of rows refused."""
        return len({e["row"] for e in self.errors})


def _csv_rows(data: bytes) -> Iterator[list]:
    text = decode_text(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(data: bytes) -> Iterator[tuple]:
    check_unpacked_size(data)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            yield from workbook.worksheets[0].iter_rows(values_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise FileProblem(str(NOT_XLSX)) from exc


def read_external_file(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """Return the numbered data rows of a CSV or XLSX file as {column: text}; FileProblem else."""
    if not data:
        raise FileProblem(_("The file is empty."))
    if len(data) > MAX_IMPORT_BYTES or data.startswith(OLE_MAGIC):
        raise FileProblem(_("Upload a CSV or XLSX file of at most 20 MB."))
    try:
        rows = _xlsx_rows(data) if data.startswith(ZIP_MAGIC) else _csv_rows(data)
        numbered = enumerate(rows, start=1)
        header = next(((n, r) for n, r in numbered if any(cell_text(c) for c in r)), None)
        if header is None:
            raise FileProblem(_("The file has no data rows."))
        keys = [header_key(cell) for cell in header[1]]
        columns = {f: keys.index(k) for f, names in HEADERS.items() for k in keys if k in names}
        missing = [f for f in REQUIRED if f not in columns]
        if missing:
            raise FileProblem(
                _("The first row lacks the columns: %(names)s.", names=", ".join(missing))
            )
        result = []
        for number, row in numbered:
            cells = {f: cell_text(row[i]) if i < len(row) else "" for f, i in columns.items()}
            if any(cells.values()):
                result.append((number, cells))
            if len(result) > MAX_IMPORT_ROWS:
                raise FileProblem(
                    _("The file has more than %(max)s rows.", max=f"{MAX_IMPORT_ROWS:,}")
                )
    except csv.Error as exc:
        raise FileProblem(_("The CSV file cannot be read: %(error)s", error=str(exc))) from exc
    if not result:
        raise FileProblem(_("The file has no data rows."))
    return result


def import_rows(
    rows: list[tuple[int, dict[str, str]]],
    *,
    session: Session,
    actor: User | None,
    filename: str,
    report: ImportReport | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Upsert each good row (in its own savepoint, so a bad row writes nothing); report the rest."""
    report = report or ImportReport()
    find = category_finder(session=session)
    who = actor.email if actor is not None else _("the command line")
    reason = _("Imported from %(file)s by %(who)s", file=filename[:120], who=who)
    for number, values in rows:
        report.rows += 1
        try:
            record = parse_record(values, find)
            body = body_with_code(record.body_code, session=session)
            if body is None:
                raise Invalid(
                    {
                        "body_code": [
                            _(
                                "No certification body has the approval number %(code)s: "
                                "an administrator registers it first.",
                                code=record.body_code[:40],
                            )
                        ]
                    }
                )
            with session.begin_nested():
                outcome = upsert_external(
                    session=session,
                    body=body,
                    record=record,
                    source=CertificateSource.IMPORTED,
                    reason=reason,
                    actor=actor,
                )
        except Invalid as exc:
            report.errors += [
                {"row": number, "field": name, "message": message}
                for name, messages in exc.errors.items()
                for message in messages
            ]
        else:
            setattr(report, outcome, getattr(report, outcome) + 1)
        if progress is not None:
            progress(1)
    return report


def audit_import(
    report: ImportReport, *, session: Session, actor: User | None, filename: str
) -> None:
    """Record the import in the audit trail with its counts."""
    record_audit(
        session=session,
        actor=actor,
        action=AuditAction.EXTERNAL_CERTIFICATES_IMPORTED,
        object_type="file",
        object_id=None,
        label=filename,
        detail={
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "refused": report.refused,
        },
    )


def error_report_csv(report: ImportReport) -> bytes:
    """Return the refused rows as CSV (row, column, what is wrong), for Excel."""
    header = [_("Row"), _("Column"), _("Problem")]
    return csv_bytes(header, [[e["row"], e["field"] or "", e["message"]] for e in report.errors])
