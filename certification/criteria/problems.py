"""The criteria parser's errors in the reader's words, with what to change in the file.

The parser (certification.criteria.parsing) words its errors for the command line and its
tests ("basis: required"); an administrator uploading a file reads them through this mapping.
"""

import re

from flask_babel import lazy_gettext as _l

from greenbm.messages import toml_problem

# (pattern of the parser's problem, our message); the first match wins.
_PROBLEMS = [
    (r"required", _l("is missing: add it")),
    (r"unknown key", _l("is not a known entry: remove it or correct its spelling")),
    (r"expected a table", _l("must be a table of entries")),
    (r"expected a non-empty string", _l("must be a text in quotes, not empty")),
    (
        r"'(?P<value>.*)' must match .*",
        _l("cannot be “%(value)s”: use lower-case letters, digits, - and _"),
    ),
    (
        r"expected one of (?P<choices>.*), got (?P<value>.*)",
        _l("must be one of %(choices)s, not %(value)s"),
    ),
    (r"expected a finite number", _l("must be a number")),
    (r"expected a number greater than 0", _l("must be a number greater than 0")),
    (r"expected a non-empty list|expected at least one entry", _l("must list at least one entry")),
    (
        r"expected a positive whole number of months",
        _l("must be a whole number of months, at least 1"),
    ),
    (r"expected three numbers.*", _l("must be three numbers: [one star, two stars, three stars]")),
    (
        r"at_most thresholds must not increase.*",
        _l("must not increase from one star to three (lower is better)"),
    ),
    (
        r"at_least thresholds must not decrease.*",
        _l("must not decrease from one star to three (higher is better)"),
    ),
    (r"duplicate.*", _l("appears twice: keep one")),
    (
        r"no indicator '(?P<value>.*)'",
        _l("names the indicator “%(value)s”, which the file does not define"),
    ),
    (
        r"(?:only allowed|required) with (?P<condition>.*)",
        _l("goes with %(condition)s only: add or remove it to match"),
    ),
    (r'expected a string such as "2026.1"', _l('must be a text in quotes, e.g. "2026.1"')),
    (r".*does not match the file name", _l("must be the category the file is named after")),
    (r".*variant.*", _l("does not match the variants of the other indicators: use the same keys")),
]
_COMPILED = [(re.compile(f"^{pattern}$"), message) for pattern, message in _PROBLEMS]


def criteria_problem(error: Exception) -> str:
    """Return a criteria file's error as a sentence naming where it is and what to change."""
    text = str(error)
    if text.startswith("TOML syntax: "):
        return toml_problem(text)
    where, _sep, problem = text.partition(": ")
    for pattern, message in _COMPILED:
        match = pattern.match(problem)
        if match:
            return str(
                _l(
                    "In the file, “%(where)s” %(problem)s. Correct the file and upload it again.",
                    where=where,
                    problem=str(message) % match.groupdict(),
                )
            )
    return str(
        _l(
            "In the file, “%(where)s” is not in the expected form: compare it with the shipped "
            "criteria files, correct it and upload the file again.",
            where=where,
        )
    )
