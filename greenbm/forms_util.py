"""Helpers shared by views: running a service for a form, safe redirects, pagination."""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from math import ceil
from typing import TypeVar

from flask import request
from flask_wtf import FlaskForm
from wtforms import DecimalField, FloatField, PasswordField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from greenbm.db import discard_changes
from greenbm.errors import Invalid
from greenbm.messages import FormTranslations
from greenbm.numbers import plain_number
from greenbm.text import normalise_text, text_problem

T = TypeVar("T")


def select_choices(pairs) -> list[SelectChoice]:
    """Return (value, label) pairs as the SelectChoice objects WTForms expects."""
    return [SelectChoice(value, label) for value, label in pairs]


def _refuse_invisible(form, field) -> None:
    problem = text_problem(
        field.data, field=str(field.label.text), multiline=isinstance(field, TextAreaField)
    )
    if problem:
        raise StopValidation(problem)


class Form(FlaskForm):
    """The base of every form: its text fields are NFC and refuse invisible characters."""

    class Meta:
        def get_translations(self, form):
            """Return WTForms' messages with the developer ones in the reader's words."""
            return FORM_TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            """Bind the field; a text field gets the NFC filter and the character check.

            A number field shows a stored value back as digits ("1500000", never "1.5e+06").
            """
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, FloatField | DecimalField):
                field._value = functools.partial(_plain_value, field)
            # Passwords are hashed, never shown: normalising them would lock out a password
            # typed in decomposed form before this rule existed.
            if isinstance(field, StringField) and not isinstance(field, PasswordField):
                field.filters = (normalise_text, *field.filters)
                field.validators = [_refuse_invisible, *field.validators]
            return field


def _plain_value(field) -> str:
    # What the user typed is shown back as typed; a stored value as plain digits.
    if field.raw_data:
        return field.raw_data[0]
    return plain_number(field.data)


FORM_TRANSLATIONS = FormTranslations()


def apply_errors(form: FlaskForm, error: Invalid) -> None:
    """Attach a service's field errors to the matching form fields (others to the form)."""
    for field_name, messages in error.errors.items():
        field = form._fields.get(field_name)
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            form.form_errors.extend(messages)


def attempt(form: FlaskForm, call: Callable[[], T]) -> T | None:
    """Run a service call for the form; if it refuses the input, undo and mark the form.

    On `Invalid` the request's changes so far are discarded (the unit of work must not commit
    half of a refused change), the errors go onto the form's fields, and None is returned for
    the view to show the form again.
    """
    try:
        return call()
    except Invalid as exc:
        discard_changes()
        apply_errors(form, exc)
        return None


def is_local_path(target: str) -> bool:
    """Return whether the target is a path on this site (never another host, however written)."""
    # Browsers drop tabs and newlines inside URLs and read "\\" as "/": "/\t/evil.example"
    # and "/\\evil.example" both mean //evil.example. So no control character, no backslash.
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    return all(" " <= c != "\x7f" for c in target)


def safe_next(default: str) -> str:
    """Return the `next` parameter if it is a path on this site, else the default."""
    target = request.values.get("next") or ""
    return target if is_local_path(target) else default


@dataclass
class Page:
    """One page of a list, with what the pager needs."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """Return the number of pages (at least one)."""
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        """Return whether a previous page exists."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Return whether a next page exists."""
        return self.page < self.pages


def page_number() -> int:
    """Return the requested page number, 1 for anything that is not a positive integer."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


def paginate(query, count_query, page: int, per_page: int, *, session) -> Page:
    """Return one page of a query's rows; `count_query` counts all of them."""
    total = session.exec(count_query).one()
    rows = session.exec(query.offset((page - 1) * per_page).limit(per_page)).all()
    return Page(list(rows), page, per_page, total)
