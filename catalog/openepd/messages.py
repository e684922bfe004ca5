"""openEPD validation errors as messages for people: the field and what is wrong with it."""

from typing import Any

from flask_babel import gettext as _

_SHOWN_MAX = 40  # characters of a wrong value quoted back


def field_path(loc: tuple) -> str:
    """Return an error location as the document's field path, e.g. "declared_unit.qty"."""
    return ".".join(str(part) for part in loc) or _("(the whole document)")


def _shown(value: Any) -> str:
    if isinstance(value, dict | list):
        return _("an object") if isinstance(value, dict) else _("a list")
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 1] + "…"


def readable_error(error: dict[str, Any]) -> str:
    """Return one pydantic error as a sentence in the reader's language, without parser text."""
    field = field_path(tuple(error.get("loc", ())))
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    found = _shown(error.get("input"))
    if kind in {"greater_than_equal", "greater_than"}:
        return _(
            "Field %(field)s must be at least %(limit)s, found %(found)s.",
            field=field,
            limit=ctx.get("ge", ctx.get("gt")),
            found=found,
        )
    if kind in {"less_than_equal", "less_than"}:
        return _(
            "Field %(field)s must be at most %(limit)s, found %(found)s.",
            field=field,
            limit=ctx.get("le", ctx.get("lt")),
            found=found,
        )
    if kind.startswith(("float_", "int_", "decimal_")) or kind == "finite_number":
        return _("Field %(field)s must be a number, found %(found)s.", field=field, found=found)
    if kind.startswith(("datetime_", "date_", "time_")):
        return _(
            "Field %(field)s must be a date such as 2024-03-15, found %(found)s.",
            field=field,
            found=found,
        )
    if kind == "string_too_long":
        return _(
            "Field %(field)s is longer than %(limit)s characters.",
            field=field,
            limit=ctx.get("max_length"),
        )
    if kind == "string_type":
        return _("Field %(field)s must be text, found %(found)s.", field=field, found=found)
    if kind == "missing":
        return _("Field %(field)s is missing.", field=field)
    if kind.startswith("bool_"):
        return _(
            "Field %(field)s must be true or false, found %(found)s.", field=field, found=found
        )
    if kind.startswith("url_"):
        return _(
            "Field %(field)s must be a web address, found %(found)s.", field=field, found=found
        )
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return _("Field %(field)s must be an object, found %(found)s.", field=field, found=found)
    if kind in {"list_type", "tuple_type", "set_type"}:
        return _("Field %(field)s must be a list, found %(found)s.", field=field, found=found)
    if kind in {"enum", "literal_error"}:
        return _(
            "Field %(field)s must be one of %(expected)s, found %(found)s.",
            field=field,
            expected=ctx.get("expected", "…"),
            found=found,
        )
    return _(
        "Field %(field)s holds a value openEPD does not accept: %(found)s.",
        field=field,
        found=found,
    )
