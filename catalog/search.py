"""Product full-text search on Whoosh, with jieba for Chinese and numpy for facets and sorting.

The only module that imports whoosh. Whoosh stores the index (postings, positions, stored
display fields and one packed record column per document); queries are evaluated here:
each term's postings are read once per index generation and kept as numpy arrays, so
intersecting terms, filtering, counting facets and sorting are vectorised operations.
"""

from __future__ import annotations

import gc
import logging
import math
import re
import struct
import threading
import unicodedata
import warnings
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
from markupsafe import Markup, escape
from whoosh import index as whoosh_index
from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher
from whoosh.columns import FixedBytesColumn
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Positions
from whoosh.lang.porter import stem
from whoosh.query import Phrase
from whoosh.system import _INT_SIZE, pack_uint

with warnings.catch_warnings():
    # jieba 0.42.1 imports pkg_resources when setuptools is installed, and setuptools 67.5+
    # warns on that import; the warning says nothing about our code.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
    import jieba

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Text analysis: one tokenizer for Chinese, English, model numbers and certificate numbers.

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A run of Han characters, or a Latin/digit word that may contain . / - _ + (P.O, 42.5, C30,
# low-E, GZGBM-2026-CEM-000012, 5+12A+5).
_RUN = re.compile(rf"([{_CJK}]+)|([a-z0-9]+(?:[./\-_+][a-z0-9]+)*)")
_JOINERS = re.compile(r"[./\-_+]")
_NUMBER_WITH_SUFFIX = re.compile(r"([0-9]+(?:[./][0-9]+)*)[a-z]+$")
_IS_CJK = re.compile(rf"[{_CJK}]")
# Cement types are written P·O, P•O, P.O and P．O; NFKC folds the full-width forms.
_DOTS = str.maketrans({"·": ".", "•": ".", "・": ".", "‧": ".", "∙": ".", "⋅": "."})
_STOP = frozenset(STOP_WORDS)

# Words jieba's general dictionary lacks; without them 磷石膏 splits into 磷 + 石膏 and a
# query for the material would also match any gypsum product mentioning phosphorus.
# Changing them changes how documents are cut: rebuild the index afterwards.
DOMAIN_WORDS = """
磷石膏 脱硫石膏 石膏板 纸面石膏板 石膏砌块 建筑石膏 粉刷石膏 自流平 蒸压 加气混凝土
蒸压加气混凝土 加气砌块 砌块 预拌 预拌混凝土 商品混凝土 再生骨料 泵送混凝土
镀膜玻璃 浮法玻璃 超白 中空玻璃 钢化玻璃 夹层玻璃 竹集成材 重组竹 竹胶合板 集成材
硅酸盐水泥 普通硅酸盐水泥 复合硅酸盐水泥 矿渣硅酸盐水泥 粉煤灰 煤矸石 电石渣 锰渣
赤泥 钢渣 矿渣粉 熟料 陶瓷砖 陶瓷大板 卫生陶瓷 坐便器 蹲便器 洗面器 小便器 生石灰
消石灰 活性石灰 烧结砖 多孔砖 空心砌块 甲醛释放 低碳 碳足迹
"""

_init_lock = threading.Lock()
_initialised = False


def init_search() -> None:
    """Load jieba's dictionary and the domain words once per process (call at start-up)."""
    global _initialised
    if _initialised:
        return
    with _init_lock:
        if _initialised:
            return
        # jieba logs "Building prefix dict…" on stderr at DEBUG level; keep only real problems.
        jieba.setLogLevel(30)
        jieba.initialize()
        for word in DOMAIN_WORDS.split():
            jieba.add_word(word)
        _initialised = True


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    return stem(word) if word.isalpha() else word


def normalize(text: str) -> str:
    """Return text folded for matching: NFKC, middle dots as full stops, lower case."""
    return unicodedata.normalize("NFKC", text).translate(_DOTS).lower()


@lru_cache(maxsize=65_536)
def _han_tokens(run: str, query: bool) -> tuple[tuple[tuple[str, int, int, int], ...], int]:
    # Cached: manufacturer, category and division names recur in thousands of documents.
    out, starts, pos = [], [], 0
    for word in jieba.cut(run, HMM=False):
        starts += [pos] * len(word)
        out.append((word, pos, len(starts) - len(word), len(starts)))
        pos += 1
    if not query:
        # Every other dictionary word in the run too, at the position of the word it starts
        # in: 磷石膏砌块 may be cut 磷 + 石膏砌块, and a search for 磷石膏 must still find it.
        cut = {(start, end) for _, _, start, end in out}
        for start, ends in jieba.get_DAG(run).items():
            out += [
                (run[start : end + 1], starts[start], start, end + 1)
                for end in ends
                if end > start and (start, end + 1) not in cut
            ]
    return tuple(out), pos


@lru_cache(maxsize=65_536)
def _latin_tokens(word: str, query: bool) -> tuple[tuple[str, int, int], ...]:
    if not _JOINERS.search(word):
        if word in _STOP:
            return ()
        out = [(_stem(word), 0, len(word))]
    else:
        out = [(word, 0, len(word))]
        if not query:
            out.append((_JOINERS.sub("", word), 0, len(word)))
            at = 0
            for part in _JOINERS.split(word):
                out.append((_stem(part), at, at + len(part)))
                at += len(part) + 1
    suffixed = _NUMBER_WITH_SUFFIX.match(word)
    if suffixed and not query:
        # A number with a unit or grade letter also counts as the number: 42.5R is a 42.5.
        out.append((suffixed.group(1), 0, suffixed.end(1)))
    return tuple(out)


def tokens(text: str, *, query: bool = False) -> Iterator[tuple[str, int, int, int]]:
    """Yield (term, position, start, end) for normalised text.

    Index mode adds every other dictionary word of a Chinese run (磷石膏 inside 磷石膏砌块
    however jieba cuts it) and, at the same position, the parts of a compound (p.o → p, o,
    po), so a query may use any of these forms; query mode keeps only the words jieba cuts
    and whole compounds, so `42.5` stays one term instead of matching every 42 and 5.
    """
    init_search()
    pos = 0
    for run in _RUN.finditer(text):
        offset = run.start()
        if run.group(1):
            found, width = _han_tokens(run.group(1), query)
            for term, at, start, end in found:
                yield term, pos + at, offset + start, offset + end
            pos += width
        else:
            found = _latin_tokens(run.group(2), query)
            for term, start, end in found:
                yield term, pos, offset + start, offset + end
            pos += 1 if found else 0


# The name part of a document's text ends at this separator; each occurrence of a term in the
# name adds NAME_WEIGHT to its posting weight (elsewhere 1), so one field gives both the term
# frequency and whether the name holds the term, without a second field to write.
NAME_END = "\x1e"
NAME_WEIGHT = 65536.0


def analyse(value: str) -> Iterator[tuple[str, int, float]]:
    """Yield (term, position, weight) for a document's text (index mode)."""
    name, sep, rest = value.partition(NAME_END)
    if not sep:
        name, rest = "", value
    offset = 0
    for part, weight in ((name, 1.0 + NAME_WEIGHT), (rest, 1.0)):
        last = -1
        for term, pos, _start, _end in tokens(normalize(part)):
            yield term, offset + pos, weight
            last = pos
        offset += last + 2  # a gap, so that no phrase runs from the name into the rest


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


# ---------------------------------------------------------------------------------------------
# Query parsing: never raises; anything odd degrades to plain terms.

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "「": '"', "」": '"', "『": '"', "』": '"'})
_OPERATOR_CHARS = re.compile(r"[()\[\]{}*?:~^!\\<>=|&]")
_OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})


@dataclass(frozen=True)
class ParsedQuery:
    """The required terms and phrases of a query, and its raw words for a LIKE search."""

    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    words: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """Return whether nothing searchable is left (the query then lists everything)."""
        return not self.terms


def _clean(text: str) -> str:
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text[:2000])
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)[:MAX_QUERY_CHARS]


def parse_query(text: str | None) -> ParsedQuery:
    """Split a user's query into required terms and quoted phrases; never raise."""
    pieces = _clean(text or "").split('"')
    # Even pieces are outside quotes; an unbalanced last quote leaves its text as plain words.
    quoted = [(i % 2 == 1 and i < len(pieces) - 1, piece) for i, piece in enumerate(pieces)]
    terms: list[str] = []
    phrases: list[tuple[str, ...]] = []
    words: list[str] = []
    for is_phrase, piece in quoted:
        piece = _OPERATOR_CHARS.sub(" ", piece)
        if is_phrase:
            found = [t for t, *_ in tokens(normalize(piece), query=True)]
            if len(found) > 1:
                phrases.append(tuple(found[:MAX_TERMS]))
            terms.extend(found)
            if piece.strip():
                words.append(" ".join(piece.split()))
            continue
        for word in piece.split():
            if word in _OPERATOR_WORDS:
                continue
            found = [t for t, *_ in tokens(normalize(word), query=True)]
            terms.extend(found)
            if found:
                words.append(word)
    unique = tuple(dict.fromkeys(terms))[:MAX_TERMS]
    return ParsedQuery(unique, tuple(phrases), tuple(words[:MAX_TERMS]))


# ---------------------------------------------------------------------------------------------
# Documents and schema.

STATUS_CODES = {"none": 0, "valid": 1, "suspended": 2, "revoked": 3, "expired": 4}
_STATUS_NAMES = {v: k for k, v in STATUS_CODES.items()}
_RECORD_FORMAT = "<qddiiibb40s"
_RECORD = np.dtype(
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
assert _RECORD.itemsize == struct.calcsize(_RECORD_FORMAT)


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


class RecordColumn(FixedBytesColumn):
    """A fixed-size packed record per document, read back as one numpy array per segment."""

    def __init__(self) -> None:
        super().__init__(_RECORD.itemsize)

    def reader(self, dbfile, basepos, length, doccount):
        """Return a reader that can load the whole column at once."""
        return RecordReader(dbfile, basepos, length, doccount, self._fixedlen, self._default)


class RecordReader(FixedBytesColumn.Reader):
    """Column reader with a bulk load (Whoosh's own reads one value per call)."""

    def array(self) -> np.ndarray:
        """Return the records of every document of the segment."""
        out = np.zeros(self._doccount, dtype=_RECORD)  # trailing defaults are not written
        if self._count:
            raw = self._dbfile.get(self._basepos, self._count * self._fixedlen)
            out[: self._count] = np.frombuffer(raw, dtype=_RECORD)
        return out


class Codec(W3Codec):
    """Whoosh's codec without per-block length statistics, which only its own scoring uses.

    With them, writing a segment looks the length of each posting's document up again: a
    third of the build time.
    """

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


def _fields(doc: ProductDocument) -> dict:
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


# ---------------------------------------------------------------------------------------------
# Writing. The indexer decides where (generations, outbox state); these only write.


def create_index(path: Path) -> None:
    """Create an empty index in the directory."""
    path.mkdir(parents=True, exist_ok=True)
    whoosh_index.create_in(str(path), SCHEMA)


def write_documents(
    path: Path,
    documents: Iterable[ProductDocument],
    *,
    procs: int = 1,
    limitmb: int = 256,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add documents to a fresh index in bulk (several processes if procs > 1)."""
    init_search()  # before forking, so that the workers inherit the dictionary
    ix = whoosh_index.open_dir(str(path))
    kwargs = {"procs": procs, "multisegment": True, "batchsize": 500} if procs > 1 else {}
    writer = ix.writer(limitmb=limitmb, codec=Codec(), **kwargs)
    count = 0
    try:
        for doc in documents:
            writer.add_document(**_fields(doc))
            count += 1
            if progress:
                progress(1)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return count


def update_documents(
    path: Path, upserts: Iterable[ProductDocument], removals: Iterable[int]
) -> None:
    """Replace or remove documents in one commit."""
    ix = whoosh_index.open_dir(str(path))
    with ix.writer(codec=Codec()) as writer:
        for product_id in removals:
            writer.delete_by_term("pid", str(product_id))
        for doc in upserts:
            writer.update_document(**_fields(doc))


# ---------------------------------------------------------------------------------------------
# Reading.

POINTER = "CURRENT"


class IndexUnavailable(Exception):
    """The index directory is missing, unreadable or corrupt: search the database instead."""


def current_generation(index_dir: Path) -> Path:
    """Return the directory of the index generation the pointer file names."""
    try:
        name = (Path(index_dir) / POINTER).read_text().strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexUnavailable(str(exc)) from exc
    if not name or "/" in name or name.startswith("."):
        raise IndexUnavailable(f"bad pointer {name!r} in {index_dir}")
    return Path(index_dir) / name


@dataclass
class SearchResult:
    """Product ids of one page in rank order, the total, facet counts and highlights."""

    ids: list[int]
    total: int
    facets: dict[str, dict[str, int]]
    highlights: dict[int, str] = field(default_factory=dict)


FACETS = ("category", "stars", "division", "status")
FILTER_KEYS = frozenset({*FACETS, "gwp_min", "gwp_max"})
SORTS = ("relevance", "gwp", "-stars", "newest")
_K1, _B, _NAME_BOOST = 1.2, 0.75, 1.5
_TERM_CACHE = 4096


def check_arguments(filters: dict | None, sort: str) -> dict[str, list[str]]:
    """Return the filters as lists of strings; raise ValueError for an unknown key or sort.

    An unknown key or sort is a caller's bug; odd values are the user's and match nothing.
    """
    filters = dict(filters or {})
    unknown = set(filters) - FILTER_KEYS
    if unknown:
        raise ValueError(f"unknown filters {sorted(unknown)}")
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    return {
        key: [str(v) for v in ([values] if isinstance(values, str | int | float) else values)]
        for key, values in filters.items()
        if values is not None
    }


def gwp_bounds(filters: dict[str, list[str]]) -> tuple[float | None, float | None]:
    """Return the GWP range of the filters; a bound that is not a number is ignored."""
    return _number(filters.get("gwp_min")), _number(filters.get("gwp_max"))


def _number(values: list[str] | None) -> float | None:
    try:
        value = float(values[0]) if values else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


_EMPTY = (np.zeros(0, np.int64), np.zeros(0, np.float32))
_SEGMENT_POSTINGS = 4_000_000  # cached postings per segment (8 bytes each)


def _matcher_arrays(matcher) -> tuple[np.ndarray, np.ndarray]:
    """Return all the document numbers and weights of a term's postings."""
    ids: list[int] = []
    weights: list[float] = []
    if type(matcher) is W3LeafMatcher:
        # A block at a time, through the internals of whoosh-reloaded 2.7.5 (pinned): one
        # posting at a time costs five times as much, and this is the cold path of a query.
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._weights is None:
                matcher._read_weights()
            ids.extend(matcher._ids[matcher._i :])
            weights.extend(matcher._weights[matcher._i :])
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return np.array(ids, dtype=np.int32), np.array(weights, dtype=np.float32)


class _Segment:
    """What never changes in one index segment: its records, and the postings read so far.

    Kept across index refreshes (a segment only gains deletions), so applying the outbox,
    which adds a small segment, does not make every query cold again.
    """

    def __init__(self, reader) -> None:
        self.records = reader.column_reader("record", translate=False).array()
        # Keyword columns as codes into the segment's own vocabulary; views merge these.
        self.vocabularies = {}
        for name in ("category", "division"):
            self.vocabularies[name] = np.unique(self.records[name], return_inverse=True)
        self._postings: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached = 0
        self._han_words: dict[str, list[str]] | None = None

    def postings(self, reader, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the segment's docnums and weights for the term."""
        hit = self._postings.get(term)
        if hit is not None:
            self._postings.move_to_end(term)
            return hit
        hit = _matcher_arrays(reader.postings("text", term)) if ("text", term) in reader else _EMPTY
        self._postings[term] = hit
        self._cached += len(hit[0])
        while self._cached > _SEGMENT_POSTINGS and len(self._postings) > 1:
            _, (docs, _) = self._postings.popitem(last=False)
            self._cached -= len(docs)
        return hit

    def han_words(self, reader) -> dict[str, list[str]]:
        """Return the segment's Chinese words by each character they contain."""
        if self._han_words is None:
            self._han_words = {}
            for fieldname, raw in reader.terms_from("text", "\u3400"):
                if fieldname != "text":
                    break
                word = raw.decode("utf-8")
                for char in set(word):
                    self._han_words.setdefault(char, []).append(word)
        return self._han_words


class _View:
    """Per-document arrays and per-term scores of one state of the index."""

    def __init__(self, searcher, segments: dict[str, _Segment], today: date) -> None:
        self.searcher = searcher
        self.today = today
        self.leaves = []
        parts, live = [], []
        for leaf, offset in searcher.reader().leaf_readers():
            if not leaf.doc_count_all():
                continue
            segment = leaf.segment()
            key = segment.segment_id()
            if key not in segments:
                segments[key] = _Segment(leaf)
            alive = np.ones(leaf.doc_count_all(), dtype=bool)
            alive[list(segment.deleted_docs())] = False
            self.leaves.append((leaf, offset, segments[key]))
            parts.append(segments[key].records)
            live.append(alive)
        rec = np.concatenate(parts) if parts else np.zeros(0, dtype=_RECORD)
        self.live = (np.concatenate(live) if live else np.zeros(0, dtype=bool)) & (rec["pid"] > 0)
        keywords = {name: self._merge(name, rec.dtype[name]) for name in ("category", "division")}
        self.pid = rec["pid"]
        self.gwp = rec["gwp"]
        self.published = rec["published"]
        self.length = rec["length"].astype(np.float32)
        # A certificate past its date counts as expired even before the nightly job says so.
        until = rec["valid_until"]
        lapsed = (
            (rec["status"] == STATUS_CODES["valid"]) & (until > 0) & (until < today.toordinal())
        )
        status = np.where(lapsed, STATUS_CODES["expired"], rec["status"])
        categories, category = keywords["category"]
        divisions, division = keywords["division"]
        # Facet columns as small codes, with the label of each code (None: not a facet value).
        self.codes = {
            "category": category,
            "stars": rec["stars"].astype(np.intp),
            "division": division,
            "status": status.astype(np.intp),
        }
        self.labels = {
            "category": [c.decode() or None for c in categories],
            "stars": [str(n) if n else None for n in range(int(rec["stars"].max(initial=0)) + 1)],
            "division": [f"{d:06d}" if d else None for d in divisions],
            "status": [_STATUS_NAMES[n] for n in range(len(STATUS_CODES))],
        }
        self.stars = rec["stars"]
        self.n_live = int(self.live.sum())
        self.avgdl = float(self.length[self.live].mean()) if self.n_live else 1.0
        self._ranks: dict[str, np.ndarray] = {}
        self._terms: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._phrases: dict[tuple[str, ...], np.ndarray] = {}

    def _merge(self, name: str, dtype) -> tuple[np.ndarray, np.ndarray]:
        # One vocabulary for the whole index, and each document's code in it.
        found = [segment.vocabularies[name] for _, _, segment in self.leaves]
        vocabulary = np.unique(np.concatenate([v for v, _ in found] or [np.zeros(0, dtype)]))
        codes = [np.searchsorted(vocabulary, v)[c] for v, c in found]
        return vocabulary, np.concatenate(codes) if codes else np.zeros(0, np.intp)

    # Postings ---------------------------------------------------------------------------

    def _read(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        docs, weights = [], []
        for leaf, offset, segment in self.leaves:
            local, weight = segment.postings(leaf, term)
            docs.append(local.astype(np.int64) + offset)
            weights.append(weight)
        if not docs:
            return _EMPTY
        docs, weights = np.concatenate(docs), np.concatenate(weights).astype(np.float64)
        keep = self.live[docs]
        return docs[keep], weights[keep]

    def _bm25(self, docs: np.ndarray, weight: np.ndarray) -> np.ndarray:
        in_name = np.floor(weight / NAME_WEIGHT)
        tf = weight - in_name * NAME_WEIGHT
        idf = math.log(1 + (self.n_live - len(docs) + 0.5) / (len(docs) + 0.5))
        norm = _K1 * (1 - _B + _B * self.length[docs] / self.avgdl)
        score = tf * (_K1 + 1) / (tf + norm) + _NAME_BOOST * (in_name > 0)
        return (idf * score).astype(np.float32)

    def has_term(self, term: str) -> bool:
        """Return whether the index holds the term as such."""
        return any(("text", term) in leaf for leaf, _, _ in self.leaves)

    def words_containing(self, char: str) -> list[str]:
        """Return the indexed Chinese words that contain the character."""
        found = {
            word
            for leaf, _, segment in self.leaves
            for word in segment.han_words(leaf).get(char, ())
        }
        return sorted(found)

    def _containing(self, char: str) -> tuple[np.ndarray, np.ndarray]:
        # One Chinese character alone (竹) should also find the words that contain it (竹材).
        found = [self._read(w) for w in self.words_containing(char)]
        if not found:
            return _EMPTY
        docs, inverse = np.unique(np.concatenate([d for d, _ in found]), return_inverse=True)
        # Summing weights adds the frequencies and the name counts alike.
        weight = np.bincount(inverse, weights=np.concatenate([w for _, w in found]))
        return docs, self._bm25(docs, weight)

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the live docnums (sorted) holding the term and each one's score."""
        hit = self._terms.get(term)
        if hit is not None:
            self._terms.move_to_end(term)
            return hit
        if len(term) == 1 and _IS_CJK.match(term):
            hit = self._containing(term)
        else:
            docs, weight = self._read(term)
            hit = (docs, self._bm25(docs, weight))
            if not len(docs):
                hit = self._pieces(term)
        self._terms[term] = hit
        if len(self._terms) > _TERM_CACHE:
            self._terms.popitem(last=False)
        return hit

    def _pieces(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        # A word the index never saw whole: require its characters (Chinese) or its parts
        # (a compound such as p.o42.5r), so segmentation differences still find the product.
        if _IS_CJK.match(term):
            pieces = list(dict.fromkeys(term))
        else:
            pieces = [_stem(p) for p in _JOINERS.split(term) if p]
        if len(pieces) < 2:
            return _EMPTY
        return _intersect([self.postings(p) for p in pieces])

    def phrase_docs(self, words: tuple[str, ...]) -> np.ndarray:
        """Return the docnums where the words follow each other."""
        if words not in self._phrases:
            found = self.searcher.docs_for_query(Phrase("text", list(words)))
            docs = np.fromiter(found, dtype=np.int64)
            self._phrases[words] = np.sort(docs[self.live[docs]])
        return self._phrases[words]

    # Sorting ----------------------------------------------------------------------------

    def rank(self, sort: str) -> np.ndarray:
        """Return each document's position in the whole index under the sort."""
        if sort not in self._ranks:
            keys = {
                "gwp": (self.pid, self.gwp),
                "-stars": (self.pid, self.gwp, -self.stars),
                "newest": (-self.pid, -self.published),
            }[sort]
            order = np.lexsort(keys)
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            self._ranks[sort] = rank
        return self._ranks[sort]


def _intersect(postings: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    postings = sorted(postings, key=lambda p: len(p[0]))
    docs, score = postings[0]
    for other_docs, other_score in postings[1:]:
        if not len(docs):
            break
        idx = np.searchsorted(other_docs, docs)
        idx[idx == len(other_docs)] = 0
        keep = other_docs[idx] == docs if len(other_docs) else np.zeros(len(docs), bool)
        docs, score = docs[keep], score[keep] + other_score[idx[keep]]
    return docs, score


def _top(primary: np.ndarray, tiebreak: np.ndarray, k: int) -> np.ndarray:
    """Return the positions of the k smallest (primary, tiebreak) pairs, in order."""
    if k < len(primary):
        kth = np.partition(primary, k - 1)[k - 1]
        chosen = np.flatnonzero(primary <= kth)  # every tie at the boundary, for stable pages
    else:
        chosen = np.arange(len(primary))
    order = np.lexsort((tiebreak[chosen], primary[chosen]))
    return chosen[order][:k]


class SearchIndex:
    """A read-only view of the index directory that follows the latest committed state.

    Safe to share between threads: queries run one at a time under a lock (Whoosh's file
    readers are not thread-safe); each takes a few milliseconds.
    """

    def __init__(self, index_dir: str | Path) -> None:
        init_search()
        self._dir = Path(index_dir)
        self._lock = threading.Lock()
        self._generation: Path | None = None
        self._ix = None
        self._searcher = None
        self._view: _View | None = None
        self._segments: dict[str, _Segment] = {}
        with self._lock:
            self._refresh()

    def close(self) -> None:
        """Release the index files."""
        with self._lock:
            self._drop()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _drop(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self._generation = self._ix = self._searcher = self._view = None
        self._segments = {}

    def _refresh(self) -> _View:
        try:
            generation = current_generation(self._dir)
            current = generation == self._generation and self._searcher.up_to_date()
        except (IndexUnavailable, OSError) as exc:
            self._drop()
            raise IndexUnavailable(str(exc)) from exc
        if not current:
            self._open(generation)
        if self._view.today != date.today():
            self._view = _View(self._searcher, self._segments, date.today())
        return self._view

    def _open(self, generation: Path) -> None:
        # Whoosh leaves a file open when it meets a corrupt table of contents. It is closed
        # when the exception is freed, inside this block, where its ResourceWarning is no news.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                if generation != self._generation:
                    self._drop()
                    # Not mmap: whoosh-reloaded wraps each mapped file in a BytesIO, which
                    # copies the whole postings file into every worker (+360 MB at 100k).
                    storage = FileStorage(str(generation), supports_mmap=False, readonly=True)
                    self._ix = storage.open_index()
                    self._generation = generation
                # Not Searcher.refresh(): whoosh-reloaded 2.7.5 reuses segment readers by
                # segment id there, so it misses new deletions and revives merged segments.
                previous, self._searcher = self._searcher, self._ix.searcher()
                if previous is not None:
                    previous.close()
                self._view = _View(self._searcher, self._segments, date.today())
                error = None
            except Exception as exc:  # a corrupt index fails in many ways, none ours to fix
                error = f"{type(exc).__name__}: {exc}"
            if error:
                gc.collect()  # in case the leaked file sits in a reference cycle
        if error:
            self._drop()
            logger.warning("search index %s unavailable: %s", generation, error)
            raise IndexUnavailable(error)
        # Forget the segments merged away.
        live = {s.segment_id() for s in self._searcher.reader().segments()}
        self._segments = {key: value for key, value in self._segments.items() if key in live}

    def doc_count(self) -> int:
        """Return the number of products in the index."""
        with self._lock:
            return self._refresh().n_live

    def search(
        self,
        query: str,
        *,
        filters: dict[str, list[str]] | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
        include_uncertified: bool = False,
    ) -> SearchResult:
        """Return one page of matching product ids with facet counts and highlights."""
        filters = check_arguments(filters, sort)
        parsed = parse_query(query)
        with self._lock:
            view = self._refresh()
            try:
                return _run(view, parsed, filters, sort, page, per_page, include_uncertified)
            except OSError as exc:  # files removed under an open searcher
                self._drop()
                raise IndexUnavailable(str(exc)) from exc


def _filter_masks(
    view: _View, docs: np.ndarray, filters: dict[str, list[str]], include_uncertified: bool
) -> dict[str, np.ndarray]:
    chosen = {name: filters[name] for name in FACETS if filters.get(name)}
    if "status" not in chosen and not include_uncertified:
        chosen["status"] = ["valid"]
    masks = {}
    for name, values in chosen.items():
        wanted = np.array([label in values for label in view.labels[name]], dtype=bool)
        masks[name] = wanted[view.codes[name][docs]]
    low, high = gwp_bounds(filters)
    if low is not None or high is not None:
        gwp = view.gwp[docs]
        masks["gwp"] = (gwp >= (-math.inf if low is None else low)) & (
            gwp <= (math.inf if high is None else high)
        )
    return masks


def _facets(view: _View, docs: np.ndarray, masks: dict[str, np.ndarray]) -> dict:
    # Each facet counts over the query and every filter but its own, so that choosing one
    # category still shows how many products the other categories would give.
    facets = {}
    for name in FACETS:
        keep = np.ones(len(docs), dtype=bool)
        for other, mask in masks.items():
            if other != name:
                keep &= mask
        labels = view.labels[name]
        counts = np.bincount(view.codes[name][docs[keep]], minlength=len(labels))
        facets[name] = {
            label: int(n) for label, n in zip(labels, counts, strict=True) if label and n
        }
    return facets


def _run(
    view: _View,
    parsed: ParsedQuery,
    filters: dict[str, list[str]],
    sort: str,
    page: int,
    per_page: int,
    include_uncertified: bool,
) -> SearchResult:
    if parsed.empty:
        docs, score = np.flatnonzero(view.live), None
    else:
        docs, score = _intersect([view.postings(t) for t in parsed.terms])
        for words in parsed.phrases:
            if not all(view.has_term(w) for w in words):
                continue  # a word the index never saw whole cannot be checked as a phrase
            keep = np.isin(docs, view.phrase_docs(words), assume_unique=True)
            docs, score = docs[keep], score[keep]
    masks = _filter_masks(view, docs, filters, include_uncertified)
    facets = _facets(view, docs, masks)
    keep = np.ones(len(docs), dtype=bool)
    for mask in masks.values():
        keep &= mask
    docs = docs[keep]
    page, per_page = max(page, 1), max(per_page, 1)
    start, stop = (page - 1) * per_page, page * per_page
    if start >= len(docs):
        chosen = docs[:0]
    elif sort == "relevance" and score is not None:
        newest = view.rank("newest")[docs]
        chosen = docs[_top(-score[keep], newest, stop)[start:]]
    else:
        rank = view.rank("newest" if sort == "relevance" else sort)[docs]
        chosen = docs[_top(rank, rank, stop)[start:]]
    ids = [int(i) for i in view.pid[chosen]]
    highlights = {}
    if not parsed.empty:
        marked = _hit_terms(view, parsed)
        for docnum, pid in zip(chosen, ids, strict=True):
            snippet = highlight(view.searcher.stored_fields(int(docnum))["shown"], marked)
            if snippet:
                highlights[pid] = snippet
    return SearchResult(ids, len(docs), facets, highlights)


# ---------------------------------------------------------------------------------------------
# Highlighting.

SNIPPET_CHARS = 120


def _hit_terms(view: _View, parsed: ParsedQuery) -> frozenset[str]:
    terms = set(parsed.terms)
    for term in parsed.terms:
        if len(term) == 1 and _IS_CJK.match(term):
            terms.update(view.words_containing(term))
    return frozenset(terms)


def highlight(texts: Iterable[str], terms: frozenset[str]) -> Markup | None:
    """Return the first text with a hit, escaped, with <mark> around each hit, or None."""
    for text in texts:
        if not text:
            continue
        spans = _hit_spans(text, terms)
        if spans:
            return _mark(text, spans)
    return None


def _hit_spans(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    # NFKC may change a string's length; normalise per character to keep offsets aligned.
    folded = "".join(normalize(c)[:1] or " " for c in text)
    spans = sorted({(s, e) for t, _, s, e in tokens(folded) if t in terms})
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _mark(text: str, spans: list[tuple[int, int]]) -> Markup:
    begin = max(0, spans[0][0] - SNIPPET_CHARS // 3)
    end = min(len(text), begin + SNIPPET_CHARS)
    out = [Markup("…")] if begin else []
    cursor = begin
    for start, stop in spans:
        if start >= end:
            break
        out += [escape(text[cursor:start]), Markup("<mark>"), escape(text[start:stop])]
        out.append(Markup("</mark>"))
        cursor = stop
    out.append(escape(text[cursor:end]) if cursor < end else "")
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)
