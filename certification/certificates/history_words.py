"""A certificate history's system reasons ("Issued", "Expired on …") in the reader's language.

They are stored as text in the language of the request or job that wrote them; the page
recognises them in either language and words them again for the reader. A reason a reviewer
typed is shown as typed.
"""

import functools
import re

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from certification import bp

SYSTEM_REASONS = (
    _l("Issued"),
    _l("Renewed until %(date)s"),
    _l("Changed: %(what)s"),
    _l("Expired on %(date)s"),
)
LANGUAGES = ("en", "zh_CN")
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@functools.cache
def _pattern(index: int, language: str) -> re.Pattern:
    with force_locale(language):
        template = str(SYSTEM_REASONS[index])
    parts, last = [], 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        parts.append(f"(?P<{match.group(1)}>.*)")
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("^" + "".join(parts) + "$", re.DOTALL)


@bp.app_template_filter("history_reason")
def history_reason(reason: str | None) -> str:
    """Return a history reason in the reader's language (a typed reason as it is)."""
    if not reason:
        return ""
    for index, message in enumerate(SYSTEM_REASONS):
        for language in LANGUAGES:
            match = _pattern(index, language).match(reason)
            if match:
                return str(message) % match.groupdict() if match.groupdict() else str(message)
    return reason
