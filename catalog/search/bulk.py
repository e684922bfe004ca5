"""The full build: rows analysed and inverted in worker processes, written as one segment.

Whoosh's own bulk path analyses every document in the writing process and sorts its postings
through temporary files (each posting pickled out and back in): two thirds of the build time.
Here workers turn chunks of rows into documents and inverted postings (jieba runs there), and
the writing process only adds the stored values and merges the chunks' sorted term lists, so
the index is the same one Whoosh's writer makes from `document_fields`, written faster.
"""

from __future__ import annotations

import heapq
import multiprocessing
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from whoosh import index as whoosh_index

from catalog.search.analysis import init_search
from catalog.search.bulk_postings import write_text
from catalog.search.documents import document_from_row
from catalog.search.schema import SCHEMA, Codec, document_fields

CHUNK_ROWS = 2000
TEXT = "text"


@dataclass(frozen=True)
class InvertedChunk:
    """A chunk of documents: each one's stored values, and their text postings by term."""

    stored: list[tuple[str, bytes, tuple]]  # per document: pid, record, shown
    terms: list[bytes]  # sorted, as Whoosh sorts them (UTF-8 bytes)
    term_ends: array  # where each term's postings end
    docs: array  # per posting: the document's place in the chunk
    weights: array
    value_ends: array  # where each posting's encoded positions end in `values`
    values: bytes


def invert_chunk(rows: Sequence[Sequence]) -> InvertedChunk:
    """Analyse a chunk of document rows and invert their text into postings."""
    init_search()
    text_format = SCHEMA[TEXT].format
    by_term: dict[bytes, list[tuple[int, float, bytes]]] = {}
    stored = []
    for place, row in enumerate(rows):
        fields = document_fields(document_from_row(row))
        stored.append((fields["pid"], fields["record"], fields["shown"]))
        # The same call Whoosh's writer makes for the field (PositionsFormat.word_values).
        for term, _freq, weight, value in text_format.word_values(fields[TEXT], None):
            by_term.setdefault(term.encode("utf-8"), []).append((place, weight, value))
    terms = sorted(by_term)
    term_ends, docs, weights, value_ends = array("I"), array("I"), array("d"), array("I")
    values, end = [], 0
    for term in terms:
        for place, weight, value in by_term[term]:
            docs.append(place)
            weights.append(weight)
            values.append(value)
            end += len(value)
            value_ends.append(end)
        term_ends.append(len(docs))
    return InvertedChunk(stored, terms, term_ends, docs, weights, value_ends, b"".join(values))


class ChunkPool:
    """A stand-in for Whoosh's posting pool that holds the text postings as inverted chunks."""

    # Whoosh's SegmentWriter calls its pool's add(), iter_postings() and cleanup() only
    # (whoosh-reloaded 2.7.5, pinned); the pool it made keeps the other fields' postings.

    def __init__(self, other) -> None:
        self.other = other
        self.chunks: list[tuple[int, InvertedChunk]] = []

    def add(self, item) -> None:
        """Add a posting of another field (the product id)."""
        self.other.add(item)

    def add_chunk(self, first_doc: int, chunk: InvertedChunk) -> None:
        """Add a chunk's text postings; its documents are numbered from first_doc."""
        self.chunks.append((first_doc, chunk))

    def iter_postings(self) -> Iterator[tuple]:
        """Yield the other fields' postings; the text field's are written by write_text()."""
        assert all(name < TEXT for name in self.other.fieldnames)  # pid sorts before text
        return self.other.iter_postings()

    def text_terms(self) -> Iterator[tuple[bytes, list[tuple[int, int, int]]]]:
        """Yield each text term in order, with its (chunk number, start, end) runs in order."""
        # Chunks hold consecutive documents in order, so for a term shared by several chunks
        # the lower chunk number has the lower document numbers.
        runs = [self._terms_of(number, chunk) for number, (_, chunk) in enumerate(self.chunks)]
        term, parts = None, []
        for found, number, start, end in heapq.merge(*runs):
            if found != term:
                if parts:
                    yield term, parts
                term, parts = found, []
            parts.append((number, start, end))
        if parts:
            yield term, parts

    def postings(self, runs: list[tuple[int, int, int]]) -> tuple[list, list, list]:
        """Return a term's document numbers, weights and encoded values from its runs."""
        ids, weights, values = [], [], []
        for number, start, end in runs:
            first_doc, chunk = self.chunks[number]
            ids.extend(first_doc + doc for doc in chunk.docs[start:end])
            weights.extend(chunk.weights[start:end])
            ends = chunk.value_ends
            value_start = ends[start - 1] if start else 0
            for value_end in ends[start:end]:
                values.append(chunk.values[value_start:value_end])
                value_start = value_end
        return ids, weights, values

    @staticmethod
    def _terms_of(number: int, chunk: InvertedChunk) -> Iterator[tuple[bytes, int, int, int]]:
        start = 0
        for term, end in zip(chunk.terms, chunk.term_ends, strict=True):
            yield term, number, start, end
            start = end

    def cleanup(self) -> None:
        """Remove the other pool's temporary files."""
        self.other.cleanup()


def _chunks(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK_ROWS)):
        yield chunk


def _inverted(rows: Iterable[tuple], workers: int) -> Iterator[InvertedChunk]:
    """Yield the rows' chunks inverted, in order, by `workers` processes (1: this one)."""
    if workers <= 1:
        yield from map(invert_chunk, _chunks(rows))
        return
    init_search()  # before forking, so that every worker inherits the dictionary
    # Not Pool.imap: its feeder thread would read the whole database cursor ahead, in another
    # thread; this keeps a few chunks in flight and reads rows only in this thread.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending: deque = deque()
        for chunk in _chunks(rows):
            pending.append(pool.apply_async(invert_chunk, (chunk,)))
            if len(pending) > 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
    # Leaving the block terminates the workers, also when a chunk failed or the caller stops.


def write_rows(
    path: Path,
    rows: Iterable[tuple],
    *,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Index document rows (plain tuples from `documents.document_rows`) into a fresh index.

    Documents are numbered from 0 in the order of the rows: the index at path must be empty.
    """
    ix = whoosh_index.open_dir(str(path))
    writer = ix.writer(codec=Codec())
    # Replaces the writer's pool, an attribute Whoosh sets but does not document
    # (whoosh-reloaded 2.7.5, pinned).
    pool = writer.pool = ChunkPool(writer.pool)
    assert not writer.codec.length_stats
    fieldwriter = writer.fieldwriter
    add_other_postings = fieldwriter.add_postings

    def add_postings(schema, lengths, items) -> None:
        add_other_postings(schema, lengths, items)  # the product ids, posting by posting
        # The text postings, a block at a time, by term range in `workers` processes.
        write_text(pool, fieldwriter, schema, workers=workers, scratch=path)

    # Whoosh's writer hands the pool's postings to its field writer when it commits.
    fieldwriter.add_postings = add_postings
    count = 0
    try:
        for chunk in _inverted(rows, workers):
            pool.add_chunk(count, chunk)
            for pid, record, shown in chunk.stored:
                writer.add_document(pid=pid, record=record, shown=shown)
            count += len(chunk.stored)
            if progress:
                progress(len(chunk.stored))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return count
