"""Unified Social Credit Code (统一社会信用代码, GB 32100-2015) validation."""

from flask_babel import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

# GB 32100-2015 allows letters in the first two positions (registration authority and
# organisation category), which python-stdnum rejects; positions 3-8 are the region code.
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# The same alphabet as a pattern, for the API's schemas (a normalised code only).
CREDIT_CODE_PATTERN = "^[0-9A-HJ-NPQRTUWXY]{18}$"


class CreditCodeError(ValueError):
    """The text is not a valid Unified Social Credit Code; the message says why."""


def normalize_credit_code(text: str) -> str:
    """Return the code upper-cased with spaces and dashes removed, or raise CreditCodeError."""
    code = uscc.compact(text or "")
    try:
        return uscc.validate(code)
    except InvalidLength as exc:
        raise CreditCodeError(
            _("A credit code has 18 characters; this one has %(n)d.", n=len(code))
        ) from exc
    except InvalidChecksum as exc:
        raise CreditCodeError(_("The check character (the 18th) does not match.")) from exc
    except InvalidFormat as exc:
        if _valid_with_letter_prefix(code):
            return code
        raise CreditCodeError(
            _(
                "Characters 3 to 8 must be digits (the region code), and only digits and "
                "the letters of GB 32100 (no I, O, S, V, Z) may appear."
            )
        ) from exc
    except ValidationError as exc:  # any other stdnum complaint
        raise CreditCodeError(_("This is not a valid credit code.")) from exc


def _valid_with_letter_prefix(code: str) -> bool:
    if not all(c in _ALPHABET for c in code) or not code[2:8].isdigit():
        return False
    if code[-1] != uscc.calc_check_digit(code[:17]):
        raise CreditCodeError(_("The check character (the 18th) does not match."))
    return True


def make_credit_code(first17: str) -> str:
    """Append the check character to 17 characters (used for demo and test data)."""
    return first17 + uscc.calc_check_digit(first17)
