"""Time search and product pages kept for anonymous readers against the same pages built afresh.

One process, the load bench's PostgreSQL catalogue and index (bench/load/prepare.py): two apps
of this revision on the same database, one keeping pages (KEPT_PAGES=256) and one building
every page (KEPT_PAGES=0). Each URL is requested once on the keeping app to keep it, then both
apps answer it in turns, timed in the server process through the Flask test client.

    python bench/bench_kept_pages.py --database-url postgresql+psycopg://USER:PASSWORD@127.0.0.1/greenbm_load

The figures are printed and appended to bench/results/kept_pages.md.
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
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "kept_pages.md"
PREPARED = Path("/tmp/greenbm-load")
QUERIES = ["水泥", "低碳 砌块", "glass", "预拌混凝土", "石膏板"]


def _app(database_url: str, kept: int):
    from greenbm import create_app

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "INSTANCE_DIR": str(PREPARED / "instance"),
            "SEARCH_INDEX_DIR": str(PREPARED / "index"),
            "EVIDENCE_DIR": str(PREPARED / "evidence"),
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "KEPT_PAGES": kept,
        }
    )
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    return client


def _time(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def measure(database_url: str, urls: dict[str, list[str]], rounds: int) -> dict:
    """Return the times (ms) of each kind of page, kept and built, requested in turns."""
    sys.path.insert(0, str(ROOT))
    kept, built = _app(database_url, 256), _app(database_url, 0)
    times: dict = {kind: {"kept": [], "built": []} for kind in urls}
    for kind, pages in urls.items():
        for url in pages:  # keep each page, warm both apps
            _time(kept, url)
            _time(built, url)
        for _ in range(rounds):
            for url in pages:
                times[kind]["kept"].append(_time(kept, url))
                times[kind]["built"].append(_time(built, url))
    return times


def main() -> None:
    """Measure, print and append the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    products = json.loads((PREPARED / "targets.json").read_text())["products"]
    rng = random.Random(args.seed)
    urls = {
        "/catalog?q=…": [f"/catalog?q={quote(q)}" for q in QUERIES],
        "/catalog?q=…&category=cement&sort=gwp": [
            f"/catalog?q={quote(q)}&category=cement&sort=gwp" for q in QUERIES
        ],
        "/catalog/products/<id>": [f"/catalog/products/{i}" for i in rng.sample(products, 5)],
    }
    load_before = os.getloadavg()
    times = measure(args.database_url, urls, args.rounds)
    lines = [
        "| page | requests each | built p50 ms | kept p50 ms | built / kept |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for kind, found in times.items():
        built, kept = (statistics.median(found[side]) for side in ("built", "kept"))
        lines.append(
            f"| `{kind}` | {len(found['kept'])} | {built:.2f} | {kept:.2f} | {built / kept:.1f} |"
        )
    table = "\n".join(lines)
    print(table)
    revision = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%h"], capture_output=True, text=True
    ).stdout.strip()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.machine(),
    )
    command = "python bench/bench_kept_pages.py --database-url " + args.database_url.replace(
        "postgres:postgres@", "USER:PASSWORD@"
    )
    header = [
        "",
        f"## Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC at `{revision}`",
        "",
        f"`{command} --rounds {args.rounds} --seed {args.seed}`",
        "",
        f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}; load average "
        "before: " + " / ".join(f"{v:.2f}" for v in load_before) + ". Server time through "
        "the Flask test client, 5 URLs of each kind, each kept first, then the keeping app and "
        "the building app (KEPT_PAGES=0, same code and database) in turns.",
        "",
    ]
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write("\n".join(header) + "\n" + table + "\n")


if __name__ == "__main__":
    main()
