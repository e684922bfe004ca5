"""Parsing text from outside (JSON, TOML): the failures that are not syntax errors, named."""

import json
import tomllib
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l

# The parsers' own syntax errors (and a decoding error) subclass ValueError too: they are the
# caller's to report with their line and column, so they pass through unchanged.
_SYNTAX_ERRORS = (json.JSONDecodeError, tomllib.TOMLDecodeError, UnicodeDecodeError)


class Unreadable(ValueError):
    """The text is well formed but beyond what is read; the message says so, translated."""


class TooDeep(Unreadable):
    """Arrays or tables nested deeper than the parser can follow."""


class NumberTooLong(Unreadable):
    """An integer of more than 4,300 digits."""


def load_untrusted(load: Callable[[Any], Any], text: str | bytes) -> Any:
    """Return `load(text)`, raising Unreadable for too deep a nesting or too long a number."""
    try:
        return load(text)
    except RecursionError:
        # Each nested array or table costs the parser a Python frame: 100,000 of them exhaust
        # the stack, and the RecursionError would otherwise be a 500.
        raise TooDeep(
            _l("The file is nested too deeply to read: check that you chose the right file.")
        ) from None
    except _SYNTAX_ERRORS:
        raise
    except ValueError:
        # Python refuses integers of more than 4,300 digits (a denial-of-service guard); its
        # own message names an interpreter setting the reader can do nothing with.
        raise NumberTooLong(
            _l(
                "The file holds a number too long to read (more than 4,300 digits): "
                "check that you chose the right file."
            )
        ) from None
