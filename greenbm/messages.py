"""Parser and validator errors in words a user reads: one mapping for every page and file.

WTForms' default messages, JSON and TOML syntax errors and pydantic validation errors are
written for developers ("Not a valid float value.", "Expecting property name enclosed in double
quotes", "Value error, Invalid format"). Each is mapped here to a message in the reader's
language that says what is wrong and what to do; a page never shows the parser's own words.
"""

import re

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf.i18n import translations as wtforms_translations

from greenbm.numbers import format_number

_NUMBER = _l("Enter a number, e.g. 1500 or 12.5.")
_CHOICE = _l("Choose one of the options in the list.")
# WTForms' default messages (their msgids) and ours.
FORM_MESSAGES = {
    "Not a valid float value.": _NUMBER,
    "Not a valid decimal value.": _NUMBER,
    "Not a valid integer value.": _l("Enter a whole number, e.g. 2025."),
    "Not a valid date value.": _l("Enter a date as year-month-day, e.g. 2026-03-01."),
    "Not a valid datetime value.": _l("Enter a date and time, e.g. 2026-03-01 09:30."),
    "Not a valid choice.": _CHOICE,
    "Invalid Choice: could not coerce.": _CHOICE,
    "'%(value)s' is not a valid choice for this field.": _CHOICE,
    "Invalid input.": _l("This value cannot be used here: check it and try again."),
    "Invalid email address.": _l("Enter an e-mail address, e.g. name@example.com."),
    "Number must be at least %(min)s.": _l("Enter a number of at least %(min)s."),
    "Number must be at most %(max)s.": _l("Enter a number of at most %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Enter a number from %(min)s to %(max)s."),
    "Field must be between %(min)d and %(max)d characters long.": _l(
        "Enter from %(min)d to %(max)d characters."
    ),
    "Field must be equal to %(other_name)s.": _l("The two entries differ: type the same twice."),
}
_TOO_LONG = "Field cannot be longer than %(max)d character."
_TOO_SHORT = "Field must be at least %(min)d character long."


class FormTranslations:
    """WTForms' translations with its developer messages replaced by FORM_MESSAGES."""

    def gettext(self, string: str) -> str:
        """Return our message for a WTForms default message, else WTForms' translation."""
        if string in FORM_MESSAGES:
            return str(FORM_MESSAGES[string])
        return wtforms_translations.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Return our plural message for a WTForms default one, else WTForms' translation."""
        # Unformatted: WTForms fills in %(min)d / %(max)d itself.
        if singular == _TOO_LONG:
            return get_translations().ungettext(
                "Enter at most %(max)d character.", "Enter at most %(max)d characters.", n
            )
        if singular == _TOO_SHORT:
            return get_translations().ungettext(
                "Enter at least %(min)d character.", "Enter at least %(min)d characters.", n
            )
        return wtforms_translations.ngettext(singular, plural, n)


# The json module's messages (their start) and what they mean for someone who wrote the file.
_JSON_REASONS = {
    "Expecting property name enclosed in double quotes": _l(
        "a name in double quotes was expected here (a comma too many, or a name without quotes?)"
    ),
    "Expecting value": _l("a value was expected here (is something missing, or is it empty?)"),
    "Expecting ',' delimiter": _l("a comma was expected here between two entries"),
    "Expecting ':' delimiter": _l("a colon was expected here between a name and its value"),
    "Unterminated string": _l("a text in quotes is not closed"),
    "Invalid control character": _l("a text holds a line break or tab: write it as \\n or \\t"),
    "Invalid \\escape": _l("a backslash starts an escape that JSON does not know"),
    "Extra data": _l("more text follows the end of the document"),
}


def json_problem(exc) -> str:
    """Return a JSON syntax error (json.JSONDecodeError) as a message with what to fix."""
    reason = next((str(r) for k, r in _JSON_REASONS.items() if exc.msg.startswith(k)), None)
    return str(
        _l(
            "The file is not valid JSON at line %(line)s, column %(column)s: %(reason)s. "
            "Correct the file and upload it again.",
            line=exc.lineno,
            column=exc.colno,
            reason=reason or _l("the text there is not well-formed"),
        )
    )


_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def toml_problem(exc) -> str:
    """Return a TOML syntax error (tomllib.TOMLDecodeError) as a message with what to fix."""
    match = _TOML_AT.search(str(exc))
    if match is None:
        return str(_l("The file is not valid TOML. Correct the file and upload it again."))
    return str(
        _l(
            "The file is not valid TOML at line %(line)s, column %(column)s: check the quotes, "
            "the = signs and the brackets there, then upload it again.",
            line=match.group(1),
            column=match.group(2),
        )
    )


# pydantic error types and what is wrong with the value.
_PYDANTIC = {
    "missing": _l("is missing: add it"),
    "string_type": _l("must be text in quotes"),
    "float_type": _l("must be a number"),
    "float_parsing": _l("must be a number"),
    "int_type": _l("must be a whole number"),
    "int_parsing": _l("must be a whole number"),
    "bool_type": _l("must be true or false"),
    "bool_parsing": _l("must be true or false"),
    "date_from_datetime_parsing": _l("must be a date such as 2026-03-01"),
    "date_parsing": _l("must be a date such as 2026-03-01"),
    "datetime_parsing": _l("must be a date such as 2026-03-01"),
    "datetime_from_date_parsing": _l("must be a date such as 2026-03-01"),
    "dict_type": _l("must be an object with named entries"),
    "list_type": _l("must be a list"),
    "extra_forbidden": _l("is not expected here: remove it"),
    "string_too_long": _l("must be at most %(max_length)s characters long"),
    "string_too_short": _l("must be at least %(min_length)s characters long"),
    "greater_than": _l("must be greater than %(gt)s"),
    "greater_than_equal": _l("must be at least %(ge)s"),
    "less_than": _l("must be less than %(lt)s"),
    "less_than_equal": _l("must be at most %(le)s"),
}


def pydantic_problem(error: dict) -> str:
    """Return what is wrong with one value of a pydantic error (its `type` and `ctx`)."""
    message = _PYDANTIC.get(error.get("type", ""))
    if message is None:
        return str(_l("has a value in a form that cannot be read: check it against the format"))
    ctx = {key: format_number(value) for key, value in (error.get("ctx") or {}).items()}
    return str(message) % ctx if "%(" in str(message) else str(message)
