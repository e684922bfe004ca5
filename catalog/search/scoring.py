"""Postings as numpy arrays, BM25 scores, and per-document columns for facets and sorting.

Whoosh stores the postings; each term's are read once per index generation and kept as numpy
arrays, so intersecting terms, filtering, counting facets and sorting are vectorised.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from datetime import date

import numpy as np

# W3LeafMatcher is whoosh-reloaded's own posting reader, used here through its private
# attributes (see _matcher_arrays); whoosh-reloaded is pinned exactly for that.
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.query import Phrase

from catalog.certificate_status import live_status_codes
from catalog.search.analysis import IS_CJK, JOINERS, NAME_WEIGHT, stem_word
from catalog.search.schema import RECORD, STATUS_CODES, STATUS_NAMES

_K1, _B, _NAME_BOOST = 1.2, 0.75, 1.5
_TERM_CACHE = 4096
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


class Segment:
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


class View:
    """Per-document arrays and per-term scores of one state of the index."""

    def __init__(self, searcher, segments: dict[str, Segment], today: date) -> None:
        self.searcher = searcher
        self.today = today
        self.leaves = []
        parts, live = [], []
        for leaf, offset in searcher.reader().leaf_readers():
            if not leaf.doc_count_all():
                continue
            # The segment object behind a leaf reader is Whoosh's internal (whoosh-reloaded
            # 2.7.5, pinned); its id lets a segment's arrays outlive a refresh of the searcher.
            segment = leaf.segment()
            key = segment.segment_id()
            if key not in segments:
                segments[key] = Segment(leaf)
            alive = np.ones(leaf.doc_count_all(), dtype=bool)
            alive[list(segment.deleted_docs())] = False
            self.leaves.append((leaf, offset, segments[key]))
            parts.append(segments[key].records)
            live.append(alive)
        rec = np.concatenate(parts) if parts else np.zeros(0, dtype=RECORD)
        self.live = (np.concatenate(live) if live else np.zeros(0, dtype=bool)) & (rec["pid"] > 0)
        keywords = {name: self._merge(name, rec.dtype[name]) for name in ("category", "division")}
        self.pid = rec["pid"]
        self.gwp = rec["gwp"]
        self.published = rec["published"]
        self.length = rec["length"].astype(np.float32)
        # A certificate past its date counts as expired even before the nightly job says so.
        status = live_status_codes(rec["status"], rec["valid_until"], today, STATUS_CODES)
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
            "status": [STATUS_NAMES[n] for n in range(len(STATUS_CODES))],
        }
        self.stars = rec["stars"]
        self.n_live = int(self.live.sum())
        self.avgdl = float(self.length[self.live].mean()) if self.n_live else 1.0
        self._ranks: dict[str, np.ndarray] = {}
        self._terms: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._phrases: dict[tuple[str, ...], np.ndarray] = {}
        self.browsed: dict[tuple, object] = {}  # pages without a query (searcher._browse)

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
        if len(term) == 1 and IS_CJK.match(term):
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
        if IS_CJK.match(term):
            pieces = list(dict.fromkeys(term))
        else:
            pieces = [stem_word(p) for p in JOINERS.split(term) if p]
        if len(pieces) < 2:
            return _EMPTY
        return intersect([self.postings(p) for p in pieces])

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


def intersect(postings: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Return the docnums in every posting list, each with its scores summed."""
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


def top(primary: np.ndarray, tiebreak: np.ndarray, k: int) -> np.ndarray:
    """Return the positions of the k smallest (primary, tiebreak) pairs, in order."""
    if k < len(primary):
        kth = np.partition(primary, k - 1)[k - 1]
        chosen = np.flatnonzero(primary <= kth)  # every tie at the boundary, for stable pages
    else:
        chosen = np.arange(len(primary))
    order = np.lexsort((tiebreak[chosen], primary[chosen]))
    return chosen[order][:k]
