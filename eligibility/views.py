"""Public supplier-eligibility pages: one check, and finding a supplier by name.

The bulk check of a file, its stored result and downloads are in `bulk`, on the same
blueprint; the JSON API is in `api`.
"""

import re
from datetime import date

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import SelectField, StringField

from accounts.credit_code import CreditCodeError, normalize_credit_code
from eligibility import bp
from eligibility.answers import (
    answer_json,
    explain,
    reason_codes,
    status_label,
)
from eligibility.queries import Categories, Query, parse_query
from eligibility.services import check_eligibility, load_categories
from eligibility.suppliers import (
    find_suppliers,
    supplier_suggestions,
    suppliers_named,
    valid_certificate_counts,
)
from greenbm.db import get_session
from greenbm.errors import Invalid
from greenbm.forms_util import Form, page_number, select_choices
from greenbm.i18n import localized

_SUGGESTION = re.compile(r".*[(（]\s*([0-9A-Za-z]{18})\s*[)）]\s*", re.S)
# Looks like an attempt at a credit code (not a name): Latin letters and digits only.
_CODE_LIKE = re.compile(r"[0-9A-Za-z\s\-]*\d[0-9A-Za-z\s\-]*")


class CheckForm(Form):
    """The single check: a GET form anyone may bookmark or share, so no CSRF token."""

    class Meta:
        csrf = False

    supplier = StringField(
        _l("Supplier"),
        description=_l(
            "The 18-character unified social credit code (统一社会信用代码), or the "
            "supplier's registered name."
        ),
        render_kw={"list": "supplier-names", "autocomplete": "off", "maxlength": 200},
    )
    category = SelectField(_l("Category"), validate_choice=False)
    min_stars = SelectField(_l("Minimum star level"), default="1", validate_choice=False)


def _star_choices():
    return select_choices(
        (str(n), ngettext("at least %(num)d star", "at least %(num)d stars", n)) for n in (1, 2, 3)
    )


def _supplier_code(text: str, *, session) -> tuple[str, list[str]]:
    """Return the credit code the text gives (a code or an exact name), and any errors."""
    # "name (code)" as the suggestion list fills it in, or the bare code.
    suggested = _SUGGESTION.fullmatch(text)
    try:
        return normalize_credit_code(suggested[1] if suggested else text), []
    except CreditCodeError:
        pass
    named = suppliers_named(session=session, name=text) if text.strip() else []
    if len(named) == 1:
        return named[0].credit_code, []
    if len(named) > 1:
        return text, [
            _("Several suppliers are named “%(name)s”: enter the credit code.", name=text)
        ]
    if not text.strip() or _CODE_LIKE.fullmatch(text):
        return text, []  # the credit-code check says what is wrong with it
    message = _(
        "No supplier has the credit code or name “%(name)s”. Enter the 18-character code, or "
        "search for the supplier by part of its name.",
        name=text[:60],
    )
    return text, [message]


@bp.get("")
def check():
    """Answer whether a supplier is eligible in a category, why, and with which certificates."""
    session = get_session()
    categories = load_categories(session=session)
    form = CheckForm(request.args)
    form.category.choices = select_choices(
        [("", _("Choose a category")), *((c.code, localized(c)) for c in categories.all)]
    )
    form.min_stars.choices = _star_choices()
    answer, status = None, 200
    if "category" in request.args:
        try:
            query = _query(form, categories, session=session)
        except Invalid as exc:
            for name, messages in exc.errors.items():
                form[name].errors = list(messages)
            status = 400
        else:
            form.supplier.data = query.credit_code
            form.category.data = query.category.code
            answer = check_eligibility(session=session, query=query)
    page = render_template(
        "procurement/eligibility.html",
        form=form,
        answer=answer,
        answer_data=answer_json(answer) if answer else None,
        explain=explain,
        reason_codes=reason_codes,
        status_label=status_label,
        today=date.today(),
        suggestions=supplier_suggestions(session=session),
    )
    return page, status


def _query(form: CheckForm, categories: Categories, *, session) -> Query:
    code, supplier_errors = _supplier_code((form.supplier.data or "").strip(), session=session)
    try:
        query = parse_query(
            supplier=code,
            category=form.category.data,
            min_stars=form.min_stars.data,
            categories=categories,
        )
    except Invalid as exc:
        if supplier_errors:
            exc.errors["supplier"] = supplier_errors
        raise
    if supplier_errors:
        raise Invalid({"supplier": supplier_errors})
    return query


@bp.get("/suppliers")
def suppliers():
    """List the manufacturers whose name contains the words typed, with their credit codes."""
    text = request.args.get("q", "").strip()[:100]
    page = counts = None
    if text:
        session = get_session()
        page = find_suppliers(session=session, text=text, page=page_number(), per_page=20)
        counts = valid_certificate_counts(session=session, supplier_ids=[s.id for s in page.items])
    return render_template(
        "procurement/eligibility_suppliers.html", q=text, page=page, counts=counts
    )
