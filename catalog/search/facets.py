"""Filters and facet counts over one view of the index, as numpy masks and bincounts."""

from __future__ import annotations

import math

import numpy as np

from catalog.search.query import FACETS, gwp_bounds
from catalog.search.scoring import View


def filter_masks(
    view: View, docs: np.ndarray, filters: dict[str, list[str]], include_uncertified: bool
) -> dict[str, np.ndarray]:
    """Return, per filter, which of the docs it keeps (valid certificates only by default)."""
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


def facet_counts(view: View, docs: np.ndarray, masks: dict[str, np.ndarray]) -> dict:
    """Return each facet's counts by value over the docs the other filters keep."""
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
