"""Every free text of the shipped data files is shown in the reader's language."""

import re
import tomllib

import pytest

from catalog.data_text import data_text, known_texts
from greenbm.paths import SEEDS_DIR

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}[A-Za-z0-9]*")


def _shipped_texts() -> set[str]:
    texts = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in {"basis", "standard", "gwp_reference_source"} and isinstance(value, str):
                    texts.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in [*sorted((SEEDS_DIR / "criteria").glob("*.toml")), SEEDS_DIR / "categories.toml"]:
        walk(tomllib.loads(path.read_text(encoding="utf-8")))
    return texts


def test_every_shipped_text_has_both_languages():
    assert _shipped_texts() - known_texts() == set()


@pytest.mark.parametrize("text", sorted(_shipped_texts()))
def test_each_language_reads_its_own(app, text):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = data_text(text)
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        chinese = data_text(text)
    assert not CJK.search(english), english
    # Chinese keeps standard codes and units (GB/T, kgCO2e, NDRC is spelt out), no English words.
    words = set(LATIN_WORD.findall(chinese)) - {"kgCO2e", "GWP", "ENF"}
    assert not words, chinese
