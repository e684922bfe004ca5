"""Numbers as people write them: Babel's format in the reader's locale, never "1.5e+06"."""

from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal
from flask_babel import get_locale


def _decimal(value) -> Decimal | None:
    # Through str(): a float's shortest representation (0.1 stays 0.1, not 0.1000000000000000055).
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def format_number(value, *, grouping: bool = True) -> str:
    """Return a number in the reader's locale: every significant digit, thousands grouped."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    number = _decimal(value)
    if number is None:
        return str(value)
    locale = get_locale() or "zh_CN"
    return format_decimal(
        number.normalize() if number != 0 else Decimal(0),
        locale=locale,
        decimal_quantization=False,
        group_separator=grouping,
    )


def plain_number(value) -> str:
    """Return a number as a form field shows it back: digits and a point, no grouping, no exponent.

    What the user typed is what they see again (99999999999 stays 99999999999), and the
    field reads it back unchanged on the next submit.
    """
    if value is None:
        return ""
    number = _decimal(value)
    if number is None:
        return str(value)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def format_fixed(value, digits: int) -> str:
    """Return a number rounded to `digits` decimals, thousands grouped, in the reader's locale."""
    # Rounded as Python's f"{:.Nf}" rounds (the CSV's digits), then only grouped by Babel.
    number = _decimal(f"{value:.{digits}f}") if isinstance(value, float) else _decimal(value)
    if number is None:
        return str(value)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(number, format=pattern, locale=get_locale() or "zh_CN")
