"""Reading the API's query parameters: each bad value answered with a 400 naming it."""

from typing import NoReturn

from flask import abort, request


def bad_parameter(name: str, message: str) -> NoReturn:
    """Abort with a 400 problem naming the parameter and what is expected."""
    abort(400, description=f"Parameter {name!r}: {message}")


def query_integer(name: str, default: int, low: int, high: int) -> int:
    """Return the integer query parameter within [low, high], else its default when absent."""
    raw = request.args.get(name)
    if raw is None:
        return default
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        bad_parameter(name, f"an integer from {low} to {high} is expected.")
    return int(raw)


def query_choices(name: str, allowed: set[str]) -> list[str]:
    """Return the parameter's values (repeatable), each one of `allowed`, without repeats."""
    # An empty value (`?category=`) means no filter, as a form left blank would.
    values = [value for value in request.args.getlist(name) if value.strip()]
    for value in values:
        if value not in allowed:
            bad_parameter(name, f"unknown value {value[:40]!r}.")
    return list(dict.fromkeys(values))


def query_one_of(name: str, allowed: tuple[str, ...], default: str) -> str:
    """Return the parameter's value, one of `allowed`, else its default when absent."""
    value = request.args.get(name, default)
    if value not in allowed:
        bad_parameter(name, f"one of {', '.join(allowed)} is expected.")
    return value
