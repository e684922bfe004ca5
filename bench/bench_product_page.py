"""Time the public product page at 100,000 products: this checkout against a baseline, one run.

Each side runs in its own process (its own code, the same PostgreSQL database), warms up, then
requests random product ids from the load bench's targets (/tmp/greenbm-load/targets.json)
through the Flask test client, timing each request in the server process (no network, no
client). The sides alternate in rounds so that both see the same machine. It also counts the
SQL statements and the rows of the ORM SELECTs per request.

    python bench/bench_product_page.py \\
        --database-url postgresql+psycopg://postgres:postgres@127.0.0.1/greenbm_h17peers \\
        --baseline /path/to/a/checkout/of/the/baseline [--requests 400] [--rounds 3]

The database must be migrated to this checkout's head (the baseline ignores the newer tables).
The figures are printed and written to bench/results/product_page.md.
"""

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "product_page.md"
TARGETS = Path("/tmp/greenbm-load/targets.json")
WARM_UP = 30


def worker(root: str, database_url: str, ids: list[int]) -> dict:
    """Time the page for each id in a process running the code under `root`."""
    sys.path.insert(0, root)
    os.chdir(root)
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from greenbm import create_app

    out = Path("/tmp/bench-product-page") / Path(root).name
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "INSTANCE_DIR": str(out / "instance"),
            "SEARCH_INDEX_DIR": str(out / "index"),
            "EVIDENCE_DIR": str(out / "evidence"),
            "SECRET_KEY": "bench",
            # The page as built: a kept page (greenbm/kept_pages.py) would answer the warm-up's
            # ids again from memory. bench/bench_kept_pages.py times kept pages.
            "KEPT_PAGES": 0,
        }
    )
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh"
    statements, rows = [0], [0]

    def count_statement(*_args):
        statements[0] += 1

    def count_rows(state):
        if not state.is_select:
            return None
        frozen = state.invoke_statement().freeze()
        rows[0] += len(frozen.data)
        return frozen()

    for product_id in ids[:WARM_UP]:
        assert client.get(f"/catalog/products/{product_id}").status_code == 200
    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", count_statement)
    event.listen(Session, "do_orm_execute", count_rows)
    counted = []
    for product_id in ids[:WARM_UP]:
        statements[0] = rows[0] = 0
        client.get(f"/catalog/products/{product_id}")
        counted.append((statements[0], rows[0]))
    event.remove(engine, "before_cursor_execute", count_statement)
    event.remove(Session, "do_orm_execute", count_rows)
    times = []
    for product_id in ids[WARM_UP:]:
        started = time.perf_counter()
        response = client.get(f"/catalog/products/{product_id}")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, product_id
    import catalog

    return {
        "code": catalog.__file__,
        "times": times,
        "statements": max(s for s, _ in counted),
        "rows_max": max(r for _, r in counted),
        "rows_mean": statistics.fmean(r for _, r in counted),
    }


def run_side(root: Path, database_url: str, ids: list[int]) -> dict:
    """Run one side in a fresh process and return its figures."""
    completed = subprocess.run(
        [sys.executable, __file__, "--worker", str(root), "--database-url", database_url],
        input=json.dumps(ids),
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def percentile(values: list[float], p: float) -> float:
    """Return the p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    """Alternate the two sides, then print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--worker")
    args = parser.parse_args()
    if args.worker:
        ids = json.loads(sys.stdin.read())
        print(json.dumps(worker(args.worker, args.database_url, ids)))
        return
    products = json.loads(TARGETS.read_text())["products"]
    rng = random.Random(args.seed)
    sides = {"baseline": args.baseline.resolve(), "this revision": ROOT}
    figures = {name: {"times": []} for name in sides}
    load_before = os.getloadavg()
    for n in range(args.rounds):
        ids = [rng.choice(products) for _ in range(WARM_UP + args.requests)]
        for name, root in sides.items() if n % 2 == 0 else reversed(sides.items()):
            found = run_side(root, args.database_url, ids)
            figures[name]["times"] += found.pop("times")
            figures[name].update(found)
            print(f"round {n + 1}, {name}: {found['code']}", file=sys.stderr)
    report(args, sides, figures, load_before)


def report(args, sides: dict, figures: dict, load_before) -> None:
    """Print the table and write it with the command and the machine to the results file."""
    revisions = {
        name: subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
        ).stdout.strip()[:90]
        for name, root in sides.items()
    }
    lines = [
        "| side | requests | p50 ms | p95 ms | mean ms | SQL statements | rows read (max) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, found in figures.items():
        times = found["times"]
        lines.append(
            f"| {name} | {len(times)} | {percentile(times, 50):.1f} | "
            f"{percentile(times, 95):.1f} | {statistics.fmean(times):.1f} | "
            f"{found['statements']} | {found['rows_max']:,} |"
        )
    base, this = (percentile(figures[n]["times"], 50) for n in sides)
    lines.append("")
    lines.append(f"p50 ratio, this revision / baseline: {this / base:.3f}")
    table = "\n".join(lines)
    print(table)
    header = [
        "# Product page server time at 100,000 products (PostgreSQL)",
        "",
        "Reproduce: `python bench/bench_product_page.py --database-url "
        f"{args.database_url.replace('postgres:postgres@', 'USER:PASSWORD@')} --baseline "
        f"CHECKOUT --requests {args.requests} --rounds {args.rounds} --seed {args.seed}`",
        "",
        f"- Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; load average before: "
        + " / ".join(f"{v:.2f}" for v in load_before),
        f"- Baseline: {revisions['baseline']}",
        f"- This revision: {revisions['this revision']}",
        "- Server time: `/catalog/products/<id>` through the Flask test client, timed in the "
        "server process, random ids from the load bench's targets (the same ids for both sides), "
        f"{WARM_UP} warm-up requests per process, sides alternating in {args.rounds} rounds.",
        "",
    ]
    RESULTS.write_text("\n".join(header) + "\n" + table + "\n")


if __name__ == "__main__":
    main()
