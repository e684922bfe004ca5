"""Highlights: the first shown text with a hit, escaped, with <mark> around each hit."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from catalog.search.analysis import normalize, tokens

SNIPPET_CHARS = 120


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
