"""One rule finds a category by its code or name: the import, the CLI and the bulk check agree."""

import pytest

from catalog.categories import find_category, list_categories
from certification.external.records import category_finder
from eligibility.queries import Categories

CASES = [
    ("cement", "cement"),
    ("  Cement ", "cement"),
    ("ＣＥＭＥＮＴ", "cement"),  # full-width letters, as typed with a Chinese input method
    ("水泥", "cement"),
    ("flat glass", "flat-glass"),
    ("flat_glass", "flat-glass"),
    ("Flat-Glass", "flat-glass"),
    ("", None),
    ("   ", None),
    ("marble", None),
]


@pytest.mark.parametrize(("text", "code"), CASES)
def test_every_reader_finds_the_same_category(session, text, code):
    by_cli = find_category(text, session=session)
    by_import = category_finder(session=session)(text)
    by_bulk = Categories(list_categories(session=session)).find(text)
    found = {
        getattr(by_cli, "code", None),
        getattr(by_import, "code", None),
        getattr(by_bulk, "code", None),
    }
    assert found == {code}
