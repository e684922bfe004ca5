"""The text postings of a full build: written a block at a time, by term range in parallel.

Whoosh's field writer fills each block one posting at a time, checking types, in the one
process that commits: most of a build's single-process part. Here the terms are cut into
ranges of about equal postings; forked processes write the later ranges into scratch files
while this one writes the first, then their bytes are appended in order and their term
entries moved by the offset where they land. The segment is the same, byte for byte, as
Whoosh's writer makes (tested). Whoosh's writer internals used here are those of
whoosh-reloaded 2.7.5 (pinned).
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from array import array
from pathlib import Path

from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.filedb.structfile import StructFile
from whoosh.system import pack_ushort

TEXT = "text"
RANGES_PER_WRITER = 4
# What a term costs to write, beyond its postings, in postings: measured at 100,000 products,
# ~60 us a term (a block at least, pickled and compressed) against ~2.3 us a posting.
TERM_COST = 25

# What forked writers read: set just before they fork, so that they inherit it instead of
# being sent gigabytes of postings through a pipe.
_job: tuple | None = None


def write_text(pool, fieldwriter, schema, *, workers: int, scratch: Path) -> None:
    """Write the pool's text postings and term entries through Whoosh's field writer."""
    global _job
    terms = list(pool.text_terms())
    if not terms:
        return
    fieldwriter.start_field(TEXT, schema[TEXT])
    if workers <= 1:
        _job = (pool, schema[TEXT].format, fieldwriter._codec, [terms], str(scratch))
        try:
            _add_terms(fieldwriter, _write_range(0, fieldwriter._postwriter), 0)
        finally:
            _job = None
        fieldwriter.finish_field()
        return
    # More ranges than writers, handed out as writers free up: how long a range takes depends
    # on its mix of rare and common terms, which a split cannot weigh exactly.
    ranges = _split(terms, RANGES_PER_WRITER * workers)
    _job = (pool, schema[TEXT].format, fieldwriter._codec, ranges, str(scratch))
    try:
        with multiprocessing.get_context("fork").Pool(workers) as writers:
            # In order: each range's postings follow the previous one's in the segment.
            for file_name, written in writers.imap(_write_range_to_file, range(len(ranges))):
                _append(fieldwriter, file_name, written)
    finally:
        _job = None
    fieldwriter.finish_field()


def _split(terms: list, parts: int) -> list[list]:
    """Cut the ordered terms into up to `parts` ranges of about equal work."""
    if parts <= 1 or len(terms) < 2:
        return [terms]
    # The many rare terms weigh against the few common ones' long lists.
    sizes = [TERM_COST + sum(end - start for _, start, end in runs) for _, runs in terms]
    share, ranges, current, held = sum(sizes) / parts, [], [], 0
    for item, size in zip(terms, sizes, strict=True):
        current.append(item)
        held += size
        if held >= share * (len(ranges) + 1) and len(ranges) < parts - 1:
            ranges.append(current)
            current = []
    if current:
        ranges.append(current)
    return ranges


def _write_range(number: int, postwriter) -> list[tuple[bytes, W3TermInfo]]:
    """Write one range's postings with a postings writer; return its terms' entries."""
    pool, text_format, _codec, ranges, _scratch = _job
    written = []
    for term, runs in ranges[number]:
        postwriter.start_postings(text_format, W3TermInfo())
        _fill_blocks(postwriter, *pool.postings(runs))
        written.append((term, postwriter.finish_postings()))
    return written


def _write_range_to_file(number: int) -> tuple[str, list[tuple[bytes, W3TermInfo]]]:
    """In a forked writer: write a range into a scratch file; return its name and entries."""
    _pool, _format, codec, _ranges, scratch = _job
    handle, file_name = tempfile.mkstemp(dir=scratch, suffix=".postings")
    with os.fdopen(handle, "wb") as raw:
        postings = StructFile(raw)
        written = _write_range(number, codec.postings_writer(postings))
        postings.flush()
    return file_name, written


def _append(fieldwriter, file_name: str, written: list) -> None:
    """Append a scratch file's postings to the segment's and add its terms, moved there."""
    offset = fieldwriter._postfile.tell()
    try:
        fieldwriter._postfile.write(Path(file_name).read_bytes())
    finally:
        os.unlink(file_name)
    _add_terms(fieldwriter, written, offset)


def _add_terms(fieldwriter, written: list, offset: int) -> None:
    # What W3FieldWriter.finish_term does, with block postings moved to where they landed.
    prefix = pack_ushort(fieldwriter._fieldid)
    for term, terminfo in written:
        if not terminfo.is_inlined():
            start, length = terminfo.extent()
            terminfo.set_extent(start + offset, length)
        fieldwriter._tindex.add(prefix + term, terminfo.to_bytes())


def _fill_blocks(postwriter, ids: list, weights: list, values: list[bytes]) -> None:
    # What W3PostingsWriter.add_posting does per posting, per block: a full block is written
    # when the next posting arrives, the last one by finish_postings (inlined if small). The
    # codec keeps no length statistics (Codec.length_stats), so every length is 0.
    limit = postwriter._blocklimit
    for at in range(0, len(ids), limit):
        if at:
            postwriter._write_block()
        block = slice(at, at + limit)
        postwriter._ids = array("I", ids[block])
        postwriter._weights = array("f", weights[block])
        postwriter._values = [value for value in values[block] if value]
        postwriter._maxweight = max(0, *weights[block])
        postwriter._minlength, postwriter._maxlength = None, 0
