"""A bulk eligibility check: reading its rows, checking them with progress, storing the result.

A stored row is the answer's JSON form (see `answers`) with its row number and the
credit code asked about, or for a malformed row
`{"row", "input": {"supplier", "category", "min_stars"}, "errors": [{"parameter", "message"}]}`.
The pages and downloads are in `bulk`; the stored files in `result_store`.
"""

from collections.abc import Iterator
from datetime import date

from flask import current_app
from flask_babel import gettext as _

from eligibility.answers import answer_json
from eligibility.files import RawRow
from eligibility.queries import Categories, Query, parse_query
from eligibility.result_store import save_result
from eligibility.services import load_records
from greenbm.db import get_session
from greenbm.errors import Invalid
from greenbm.forms_util import Page

PROGRESS_EVERY = 1_000  # rows between two progress lines of a bulk check
RESULT_PAGE_SIZE = 100


def bulk_rate_limit() -> str:
    """Return the rate limit of bulk checks, by page or API (each one is up to 10,000 rows)."""
    return current_app.config.get("ELIGIBILITY_BULK_RATE_LIMIT", "60 per hour")


class BulkResult:
    """A stored bulk result: its summary and its rows, a page at a time."""

    def __init__(self, token: str, data: dict):
        self.token = token
        self.data = data
        self.summary = data["summary"]
        self.filename = data["filename"]
        self.rows = data["rows"]

    def page(self, number: int, show: str) -> Page:
        """Return one page of the rows, all of them or only the not eligible or malformed."""
        rows = self.rows
        if show == "malformed":
            rows = [r for r in rows if r.get("errors")]
        elif show == "not_eligible":
            rows = [r for r in rows if not r.get("errors") and not r["eligible"]]
        start = (number - 1) * RESULT_PAGE_SIZE
        return Page(rows[start : start + RESULT_PAGE_SIZE], number, RESULT_PAGE_SIZE, len(rows))


class BulkRun:
    """One bulk check, run while its page streams: `steps` yields progress lines."""

    def __init__(self, rows: list[RawRow], filename: str, categories: Categories):
        self.rows = rows
        self.filename = filename
        self.categories = categories
        self.result: BulkResult | None = None

    def steps(self) -> Iterator[str]:
        """Check every row, yielding a progress line now and then; store the result."""
        total = len(self.rows)
        parsed = [parse_row(raw, self.categories) for raw in self.rows]
        queries = [item for item in parsed if isinstance(item, Query)]
        yield _(
            "Rows read: %(rows)s, of which malformed: %(bad)s.",
            rows=f"{total:,}",
            bad=f"{total - len(queries):,}",
        )
        records = load_records(session=get_session(), queries=queries)
        yield _(
            "Suppliers found: %(found)s of %(asked)s; their certificates in the categories asked "
            "about: %(certificates)s.",
            found=f"{len(records.suppliers):,}",
            asked=f"{len({q.credit_code for q in queries}):,}",
            certificates=f"{sum(len(c) for c in records.certificates.values()):,}",
        )
        today = date.today()
        rows = []
        for done, (raw, item) in enumerate(zip(self.rows, parsed, strict=True), start=1):
            if isinstance(item, Query):
                answer = answer_json(records.answer(item, today))
                rows.append({"row": raw.number, "uscc": item.credit_code, **answer})
            else:
                rows.append(item)
            if done % PROGRESS_EVERY == 0 and done < total:
                yield _("Checked %(done)s of %(total)s rows…", done=f"{done:,}", total=f"{total:,}")
        summary = {
            "rows": total,
            "eligible": sum(1 for r in rows if r.get("eligible")),
            "malformed": sum(1 for r in rows if r.get("errors")),
        }
        summary["not_eligible"] = total - summary["eligible"] - summary["malformed"]
        data = {
            "filename": self.filename,
            "checked_on": today.isoformat(),
            "summary": summary,
            "rows": rows,
        }
        token = save_result(current_app.config["INSTANCE_DIR"], data)
        self.result = BulkResult(token, data)
        yield _(
            "Checked all %(total)s rows: %(eligible)s eligible, %(not_eligible)s not eligible, "
            "%(malformed)s malformed.",
            total=f"{total:,}",
            eligible=f"{summary['eligible']:,}",
            not_eligible=f"{summary['not_eligible']:,}",
            malformed=f"{summary['malformed']:,}",
        )


def parse_row(raw: RawRow, categories: Categories) -> Query | dict:
    """Return the row's query, or the malformed row with its reasons."""
    given = {"supplier": raw.uscc, "category": raw.category, "min_stars": _given(raw.min_stars)}
    if raw.empty:
        errors = [{"parameter": None, "message": _("The row is empty.")}]
        return {"row": raw.number, "input": given, "errors": errors}
    try:
        return parse_query(
            supplier=raw.uscc, category=raw.category, min_stars=raw.min_stars, categories=categories
        )
    except Invalid as exc:
        errors = []
        for parameter, messages in exc.errors.items():
            for message in messages:
                if parameter == "supplier" and raw.code_was_number:
                    message += " " + _(
                        "The cell holds a number, of which Excel keeps only 15 digits: "
                        "format the column as text and type the code again."
                    )
                errors.append({"parameter": parameter, "message": message})
        return {"row": raw.number, "input": given, "errors": errors}


def _given(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
