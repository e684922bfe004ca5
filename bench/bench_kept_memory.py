"""Memory a process holds in its kept figures and kept peer groups, on the load bench's catalogue.

    DATABASE_URL=postgresql+psycopg://postgres:postgres@127.0.0.1/greenbm_load \
    SEARCH_INDEX_DIR=/tmp/greenbm-load/index INSTANCE_DIR=/tmp/greenbm-load/instance \
        .venv/bin/python bench/bench_kept_memory.py --targets /tmp/greenbm-load/targets.json

Every kept page is requested once in each language, with an unmeasured pass first, so that
templates, compiled statements and imports are in place. Both stores are then emptied and filled
again under tracemalloc. The figure given is the memory that stays allocated afterwards: an upper
bound on what the stores hold, since anything else a request leaves behind counts too. With it
come each entry's pickled size, a lower bound. The product pages requested (`--products` of
them, at random) fill the peer groups.
"""

from __future__ import annotations

import argparse
import gc
import json
import pickle
import random
import tracemalloc
from pathlib import Path

KEPT_PAGES = ("/", "/dashboard", "/catalog/categories", "/api/v1/categories")
LANGUAGES = ("zh-CN", "en")
STORES = ("kept_figures", "kept_peers")


def _held(before: tracemalloc.Snapshot) -> float:
    """Return the megabytes allocated since `before` and still held after a collection."""
    gc.collect()
    after = tracemalloc.take_snapshot()
    return sum(stat.size_diff for stat in after.compare_to(before, "filename")) / 1e6


def main() -> None:
    """Fill both stores and print what they hold."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=Path, required=True, help="bench/load's targets.json")
    parser.add_argument("--products", type=int, default=3000)
    args = parser.parse_args()
    from greenbm import create_app

    app = create_app({"SECRET_KEY": "bench", "TESTING": False})
    client = app.test_client()
    products = json.loads(args.targets.read_text())["products"]
    chosen = random.Random(17).sample(products, min(args.products, len(products)))

    def kept_pages() -> None:
        for language in LANGUAGES:
            for page in KEPT_PAGES:
                response = client.get(page, headers={"Accept-Language": language})
                assert response.status_code == 200, page

    def product_pages(ids) -> None:
        for product_id in ids:
            assert client.get(f"/catalog/products/{product_id}").status_code == 200

    kept_pages()
    product_pages(chosen[:50])
    for name in STORES:
        app.extensions[name].clear()
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.take_snapshot()
    kept_pages()
    figures_mb = _held(start)
    middle = tracemalloc.take_snapshot()
    product_pages(chosen)
    peers_mb = _held(middle)
    for name, held in zip(STORES, (figures_mb, peers_mb), strict=True):
        entries = app.extensions[name]._entries  # a bench may look inside
        print(f"{name}: {len(entries)} entries, {held:.1f} MB held (upper bound)")
        for key, value in entries.items():
            print(f"  {key[0]!s:60.60} {len(pickle.dumps(value)) / 1e6:8.3f} MB pickled")


if __name__ == "__main__":
    main()
