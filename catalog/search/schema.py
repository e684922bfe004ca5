"""The index schema: the product document, its packed record, and Whoosh's field storage.

The codec, the positions format and the record column subclass Whoosh classes and read some of
their private attributes; whoosh-reloaded is pinned exactly (pyproject.toml) for that, and
tests/catalog/test_whoosh_pin.py fails when the installed version changes.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from whoosh.analysis import Token, Tokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.columns import FixedBytesColumn
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema
from whoosh.formats import Positions

# Private to whoosh: the size of the count that pack_uint writes before our packed positions.
from whoosh.system import _INT_SIZE, pack_uint

from catalog.search.analysis import NAME_END, analyse

STATUS_CODES = {"none": 0, "valid": 1, "suspended": 2, "revoked": 3, "expired": 4}
STATUS_NAMES = {v: k for k, v in STATUS_CODES.items()}
_RECORD_FORMAT = "<qddiiibb40s"
RECORD = np.dtype(
    [
        ("pid", "<i8"),
        ("gwp", "<f8"),
        ("published", "<f8"),
        ("valid_until", "<i4"),
        ("division", "<i4"),
        ("length", "<i4"),
        ("stars", "i1"),
        ("status", "i1"),
        ("category", "S40"),
    ]
)
assert RECORD.itemsize == struct.calcsize(_RECORD_FORMAT)


@dataclass(frozen=True)
class ProductDocument:
    """Everything the index holds about one published product, as plain values."""

    product_id: int
    name_zh: str
    name_en: str
    series: str
    model_spec: str
    description: str
    category_code: str
    category_zh: str
    category_en: str
    variant_zh: str
    variant_en: str
    manufacturer_zh: str
    manufacturer_en: str
    division_code: str
    division_zh: str
    division_en: str
    cert_number: str
    cert_stars: int | None
    cert_status: str | None
    cert_valid_until: date | None
    gwp: float
    published_at: datetime | None


class ProductTokenizer(Tokenizer):
    """Whoosh tokenizer over `analyse()`, for Whoosh's own uses of the field's analyzer."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    __hash__ = Tokenizer.__hash__

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        """Yield whoosh tokens for the value."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term, pos, weight in analyse(value):
            token.text, token.boost, token.stopped = term, weight, False
            token.pos = start_pos + pos
            yield token


class PositionsFormat(Positions):
    """Whoosh's Positions format fed straight from `analyse()`, with positions packed as an
    array instead of pickled: together about a quarter of the build time."""

    # These override methods Whoosh's writer and phrase matcher call internally
    # (whoosh-reloaded 2.7.5, pinned): a version that calls them differently breaks the index.

    def word_values(self, value, analyzer, **kwargs):
        """Yield (term, frequency, weight, encoded positions) for a document's text."""
        positions: dict[str, list[int]] = {}
        weights: dict[str, float] = {}
        for term, pos, weight in analyse(value):
            if term in positions:
                positions[term].append(pos)
                weights[term] += weight
            else:
                positions[term] = [pos]
                weights[term] = weight
        for term, found in positions.items():
            yield term, len(found), weights[term], self.encode(found)

    def encode(self, poslist) -> bytes:
        """Pack the positions."""
        return pack_uint(len(poslist)) + array("I", poslist).tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        """Unpack the positions."""
        found = array("I")
        found.frombytes(valuestring[_INT_SIZE:])
        return found.tolist()


class RecordColumn(FixedBytesColumn):
    """A fixed-size packed record per document, read back as one numpy array per segment."""

    def __init__(self) -> None:
        super().__init__(RECORD.itemsize)

    def reader(self, dbfile, basepos, length, doccount):
        """Return a reader that can load the whole column at once."""
        # _fixedlen and _default are FixedBytesColumn's private attributes (whoosh-reloaded
        # 2.7.5, pinned): the reader needs the same length and default the column writes.
        return RecordReader(dbfile, basepos, length, doccount, self._fixedlen, self._default)


class RecordReader(FixedBytesColumn.Reader):
    """Column reader with a bulk load (Whoosh's own reads one value per call)."""

    def array(self) -> np.ndarray:
        """Return the records of every document of the segment."""
        # Reads the private attributes of Whoosh's reader (whoosh-reloaded 2.7.5, pinned):
        # its public API returns one value per call, a hundred times slower at 100k products.
        out = np.zeros(self._doccount, dtype=RECORD)  # trailing defaults are not written
        if self._count:
            raw = self._dbfile.get(self._basepos, self._count * self._fixedlen)
            out[: self._count] = np.frombuffer(raw, dtype=RECORD)
        return out


class Codec(W3Codec):
    """Whoosh's codec without per-block length statistics, which only its own scoring uses.

    With them, writing a segment looks the length of each posting's document up again: a
    third of the build time.
    """

    # A class attribute Whoosh's writer reads but does not document (whoosh-reloaded 2.7.5,
    # pinned): check it still exists before changing the pin.
    length_stats = False


def _text_field() -> TEXT:
    fieldtype = TEXT(analyzer=ProductTokenizer(), phrase=True)
    fieldtype.format = PositionsFormat()
    fieldtype.scorable = False  # scored here, with the lengths kept in the record
    return fieldtype


SCHEMA = Schema(
    pid=ID(unique=True),
    text=_text_field(),
    record=COLUMN(RecordColumn()),
    shown=STORED(),
)
# Fields shown in highlights, in order of preference.
_SHOWN = ("name_zh", "name_en", "model_spec", "cert_number", "description")


def document_text(doc: ProductDocument) -> str:
    """Return the text indexed for the document: its name part, NAME_END, then the rest."""
    name = " ".join([doc.name_zh, doc.name_en, doc.model_spec])
    rest = [
        doc.series,
        doc.category_zh,
        doc.category_en,
        doc.variant_zh,
        doc.variant_en,
        doc.manufacturer_zh,
        doc.manufacturer_en,
        doc.division_zh,
        doc.division_en,
        doc.cert_number,
        doc.description,
    ]
    return name + NAME_END + "\n".join(rest)


def document_fields(doc: ProductDocument) -> dict:
    """Return the Whoosh fields of the document: id, text, packed record, shown texts."""
    text = document_text(doc)
    status = doc.cert_status if doc.cert_status in STATUS_CODES else "none"
    record = struct.pack(
        _RECORD_FORMAT,
        doc.product_id,
        doc.gwp,
        doc.published_at.timestamp() if doc.published_at else 0.0,
        doc.cert_valid_until.toordinal() if doc.cert_valid_until else 0,
        int(doc.division_code) if doc.division_code.isdigit() else 0,
        len(text),
        doc.cert_stars or 0,
        STATUS_CODES[status],
        doc.category_code.encode()[:40],
    )
    return {
        "pid": str(doc.product_id),
        "text": text,
        "record": record,
        "shown": tuple(getattr(doc, attr) or "" for attr in _SHOWN),
    }
