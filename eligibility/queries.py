"""Reading an eligibility question: the category by code or name, the credit code, the stars.

Plain functions over plain values, shared by the pages, the bulk files and the API.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _

from accounts.credit_code import CreditCodeError, normalize_credit_code
from catalog.categories import category_key
from catalog.models import Category
from greenbm.errors import Invalid
from greenbm.text import normalise_text, text_problem

STAR_LEVELS = (1, 2, 3)


@dataclass(frozen=True)
class CategoryRef:
    """A category as a query names it (plain values, usable after the session closes)."""

    id: int
    code: str
    name_zh: str
    name_en: str


_key = category_key  # the catalogue's one matching rule


class Categories:
    """Every category, found by its code or its Chinese or English name."""

    def __init__(self, categories: Iterable[Category]):
        self.all = [CategoryRef(c.id, c.code, c.name_zh, c.name_en) for c in categories]
        self._by_key: dict[str, CategoryRef] = {}
        for ref in self.all:
            for name in (ref.code, ref.name_zh, ref.name_en):
                self._by_key.setdefault(_key(name), ref)

    def find(self, text: str) -> CategoryRef | None:
        """Return the category with this code or name, or None."""
        return self._by_key.get(_key(text or ""))


@dataclass(frozen=True)
class Query:
    """One question: is this supplier eligible in this category at this star level?"""

    credit_code: str
    category: CategoryRef
    min_stars: int


_CHINESE_DIGITS = {"一": "1", "二": "2", "两": "2", "三": "3"}
_STARS = re.compile(r"(\d+)(?:\.0*)?\s*(?:星级|星|stars?)?")


def parse_min_stars(value: object) -> int:
    """Return the minimum star level (1 when empty); accept 2, "2", 2.0, "二星级", "2 stars"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1
    if isinstance(value, int | float) and not isinstance(value, bool) and value == int(value):
        text = str(int(value))
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip().casefold()
        text = "".join(_CHINESE_DIGITS.get(ch, ch) for ch in text)
    match = _STARS.fullmatch(text)
    if match is None or int(match[1]) not in STAR_LEVELS:
        raise ValueError(
            _("The minimum star level must be 1, 2 or 3, not “%(value)s”.", value=str(value)[:20])
        )
    return int(match[1])


def parse_query(
    *, supplier: object, category: object, min_stars: object, categories: Categories
) -> Query:
    """Return the Query, or raise Invalid naming each bad parameter.

    The parameters are named as the API names them: `supplier` (the credit code), `category`
    (a code, or a Chinese or English name) and `min_stars` (1, 2 or 3; empty means 1).
    """
    errors: dict[str, list[str]] = {}
    code = found = stars = None
    supplier_text = "" if supplier is None else normalise_text(str(supplier)).strip()
    category_text = "" if category is None else normalise_text(str(category)).strip()
    if not supplier_text:
        errors["supplier"] = [_("Enter the supplier's credit code.")]
    else:
        try:
            code = normalize_credit_code(unicodedata.normalize("NFKC", supplier_text))
        except CreditCodeError as exc:
            errors["supplier"] = [str(exc)]
    if not category_text:
        errors["category"] = [_("Enter a category.")]
    elif (found := categories.find(category_text)) is None:
        errors["category"] = [
            _("No category has the code or name “%(name)s”.", name=category_text[:40])
        ]
    # An invisible character is named as such rather than as a code or category not found.
    for name, text in (("supplier", supplier_text), ("category", category_text)):
        if problem := text_problem(text, field=name):
            errors[name] = [problem]
    try:
        stars = parse_min_stars(min_stars)
    except ValueError as exc:
        errors["min_stars"] = [str(exc)]
    if errors:
        raise Invalid(errors)
    return Query(code, found, stars)
