"""Server time of the pages that add up the whole catalogue, kept figures against a baseline.

    .venv/bin/python bench/bench_figures.py --baseline /tmp/h17-base \
        --database-url postgresql+psycopg://postgres:postgres@127.0.0.1/greenbm_h17figures \
        --index-dir /tmp/h17figures/index

Each tree (the baseline, an export of main, and this one) runs in a child process of its own on
the same database and index, alternately, `--rounds` times. In each child the Flask test client
requests each page once cold (for kept figures: with the store emptied, a miss) and then
`--requests` times warm; the time is the app's, from request to response, without a network.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("/", "/catalog", "/dashboard", "/catalog/categories", "/api/v1/categories")
# Yardsticks from the same run: a page that reads a little (the issue: 12 ms on an idle
# machine) and one that reads nothing, for the machine's load at the time.
YARDSTICKS = ("/criteria", "/healthz")


def child(requests: int) -> None:
    """Measure every page in this process and print one JSON line per page."""
    from greenbm import create_app

    app = create_app({"SECRET_KEY": "bench", "TESTING": False})
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.get("/healthz")

    def clear() -> None:
        try:
            from greenbm.figures import figure_store
        except ImportError:
            return  # the baseline keeps nothing
        with app.app_context():
            figure_store().clear()

    for path in PAGES + YARDSTICKS:
        client.get(path)  # imports, the search index, the first connection: not the page's cost
        clear()
        started = time.perf_counter()
        response = client.get(path)
        cold = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code)
        warm = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(path)
            warm.append(time.perf_counter() - started)
            assert response.status_code == 200, path
        warm.sort()
        print(
            json.dumps(
                {
                    "path": path,
                    "cold_ms": cold * 1000,
                    "p50_ms": statistics.median(warm) * 1000,
                    "p95_ms": warm[int(0.95 * (len(warm) - 1))] * 1000,
                }
            ),
            flush=True,
        )


def run_tree(tree: Path, args) -> list[dict]:
    """Run the measuring child on the tree's code and return its results."""
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "DATABASE_URL": args.database_url,
        "SEARCH_INDEX_DIR": args.index_dir,
        "INSTANCE_DIR": args.instance_dir,
        "EVIDENCE_DIR": str(Path(args.instance_dir) / "evidence"),
    }
    command = [sys.executable, str(Path(__file__).resolve()), "--child"]
    out = subprocess.run(
        [*command, "--requests", str(args.requests)],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main() -> None:
    """Measure the baseline and this tree alternately and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", help="a tree of the code to compare with (git archive)")
    parser.add_argument("--database-url")
    parser.add_argument("--index-dir")
    parser.add_argument("--instance-dir", default="/tmp/bench-figures-instance")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.child:
        child(args.requests)
        return
    trees = {"baseline": Path(args.baseline), "kept": ROOT}
    results: dict[tuple[str, str], list[dict]] = {}
    for _round in range(args.rounds):
        for name, tree in trees.items():
            for row in run_tree(tree, args):
                results.setdefault((name, row["path"]), []).append(row)
    print("| page | tree | cold (ms) | warm p50 (ms) | warm p95 (ms) |")
    print("| --- | --- | ---: | ---: | ---: |")
    for path in PAGES + YARDSTICKS:
        for name in trees:
            rows = results[(name, path)]
            cold = statistics.median(r["cold_ms"] for r in rows)
            p50 = statistics.median(r["p50_ms"] for r in rows)
            p95 = statistics.median(r["p95_ms"] for r in rows)
            print(f"| `{path}` | {name} | {cold:.1f} | {p50:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
