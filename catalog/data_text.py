"""The data files' free texts (standards, bases, reference sources) in the reader's language."""

import functools
import tomllib

from catalog import bp
from greenbm.i18n import current_language
from greenbm.paths import SEEDS_DIR

DATA_TEXTS_FILE = SEEDS_DIR / "data_texts.toml"


@functools.cache
def _texts() -> dict[str, dict[str, str]]:
    entries = tomllib.loads(DATA_TEXTS_FILE.read_text(encoding="utf-8"))["text"]
    return {entry["source"]: {"zh": entry["zh"], "en": entry["en"]} for entry in entries}


def known_texts() -> set[str]:
    """Return the data-file texts that have both languages."""
    return set(_texts())


@bp.app_template_filter("data_text")
def data_text(text: str | None) -> str:
    """Return a data file's text in the current language (as written if it has no entry)."""
    if not text:
        return ""
    entry = _texts().get(text)
    return entry[current_language()] if entry else text
