"""Text that people type: one Unicode form (NFC), no control or invisible characters."""

import re
import unicodedata
from typing import TypeVar

from flask_babel import gettext as _

# C0 and C1 controls, bidi embeddings/overrides (U+202A–U+202E) and isolates (U+2066–U+2069),
# zero-width characters: none is ever meant in a name or a description, and each can make a
# catalogue entry look like another one (NUL also breaks PostgreSQL text columns).
_INVISIBLE = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069"
)
_FORBIDDEN_MULTILINE = re.compile(f"[{_INVISIBLE}]")
# A single-line field takes no tab or line break either: browsers never send one there.
_FORBIDDEN_SINGLE_LINE = re.compile(f"[{_INVISIBLE}\t\n\r]")


T = TypeVar("T")


def normalise_text(value: T) -> T:
    """Return a string in NFC (composed) form; anything else unchanged."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)  # type: ignore[return-value]
    return value


def forbidden_character(value: str, *, multiline: bool = False) -> str | None:
    """Return the first control or invisible character of the text as "U+XXXX", or None."""
    pattern = _FORBIDDEN_MULTILINE if multiline else _FORBIDDEN_SINGLE_LINE
    found = pattern.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def text_problem(value: object, *, field: str, multiline: bool = False) -> str | None:
    """Return the message for a text holding a forbidden character, naming the field."""
    if not isinstance(value, str):
        return None
    code = forbidden_character(value, multiline=multiline)
    if code is None:
        return None
    return _(
        "“%(field)s” contains an invisible or control character (%(code)s): "
        "delete it, type the text again and send it.",
        field=field,
        code=code,
    )
