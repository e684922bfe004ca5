"""Measure our search against SQLite FTS5 (trigram) and a plain SQL LIKE scan, in one run.

    python bench/search/run.py --out /tmp/greenbm-bench          # generates the data if missing

Every phase runs in a fresh child process, so that each one's peak memory (ru_maxrss) is its
own and no phase warms another's caches. Each query runs once cold (first time in the
process), then --rounds more times warm; every query computes facet counts.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import sys
import time
import tomllib
from datetime import date
from importlib.metadata import version
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

from catalog.search import init_search, rebuild_index  # noqa: E402
from catalog.search.analysis import NAME_END  # noqa: E402
from catalog.search.documents import documents  # noqa: E402
from catalog.search.fallback import database_search  # noqa: E402
from catalog.search.query import check_arguments, parse_query  # noqa: E402
from catalog.search.schema import document_text  # noqa: E402
from catalog.search.searcher import SearchIndex  # noqa: E402

FACETS = ("category", "stars", "division", "status")


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def _in_child(function, *args):
    """Run function(*args) in a forked, non-daemonic process and return its result."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def target():
        send.send(function(*args))

    process = context.Process(target=target)
    process.start()
    result = receive.recv()
    process.join()
    return result


def _engine(db: Path):
    from sqlmodel import create_engine

    return create_engine(f"sqlite:///{db}")


def _timed(run_query, queries: list[dict], rounds: int) -> dict:
    cold, warm, hits = [], [], []
    for query in queries:
        started = time.perf_counter()
        hits.append(run_query(query))
        cold.append((time.perf_counter() - started) * 1000)
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter()
            run_query(query)
            warm.append((time.perf_counter() - started) * 1000)
    return {"cold": cold, "warm": warm, "hits": hits}


# Our search ------------------------------------------------------------------------------------


def build_ours(db: Path, index_dir: Path, workers: int) -> dict:
    """Rebuild our index from the database."""
    from sqlmodel import Session

    shutil.rmtree(index_dir, ignore_errors=True)
    started = time.perf_counter()
    init_search()
    with Session(_engine(db)) as session:
        count = rebuild_index(index_dir, workers=workers, session=session)
    seconds = time.perf_counter() - started
    size = sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file())
    return {
        "seconds": seconds,
        "docs": count,
        "rss": _rss_mb(),
        "children_rss": _rss_mb(resource.RUSAGE_CHILDREN),
        "size_mb": size / 2**20,
    }


def query_ours(index_dir: Path, queries: list[dict], rounds: int) -> dict:
    """Open our index and time the queries."""
    started = time.perf_counter()
    init_search()
    initialised = time.perf_counter()
    index = SearchIndex(index_dir)
    opened = time.perf_counter()

    def run(query: dict) -> int:
        return index.search(
            query["q"],
            filters=query.get("filters"),
            sort=query.get("sort", "relevance"),
            include_uncertified=query.get("include_uncertified", False),
        ).total

    result = _timed(run, queries, rounds)
    return {
        **result,
        "jieba_seconds": initialised - started,
        "open_seconds": opened - initialised,
        "rss": _rss_mb(),
    }


# SQLite FTS5 with the trigram tokenizer --------------------------------------------------------


def build_fts(db: Path) -> dict:
    """Create an FTS5 trigram table over the same text our index holds."""
    from sqlmodel import Session

    started = time.perf_counter()
    with Session(_engine(db)) as session:
        rows = [
            (doc.product_id, document_text(doc).replace(NAME_END, "\n"))
            for doc in documents(session=session)
        ]
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE IF EXISTS product_fts")
    conn.execute("CREATE VIRTUAL TABLE product_fts USING fts5(text, tokenize='trigram')")
    conn.executemany("INSERT INTO product_fts(rowid, text) VALUES (?, ?)", rows)
    conn.commit()
    conn.close()
    return {"seconds": time.perf_counter() - started, "rss": _rss_mb()}


def _fts_match(words: tuple[str, ...]) -> tuple[str, list[str]]:
    # Trigrams need three characters: shorter words (most Chinese words) are found by scanning
    # the table's text. Not with LIKE: SQLite 3.40's trigram tables return no rows for LIKE
    # patterns shorter than three characters.
    long_words = [w for w in words if len(w) >= 3]
    short_words = [w for w in words if len(w) < 3]
    where, params = [], []
    if long_words:
        where.append("product_fts MATCH ?")
        params.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in long_words))
    for word in short_words:
        where.append("instr(lower(text), ?) > 0")
        params.append(word.lower())
    return " AND ".join(where), params


def _conditions(query: dict) -> dict[str, tuple[str, list]]:
    filters = query.get("filters") or {}
    conditions = {}
    for name in ("category", "stars", "division"):
        if filters.get(name):
            values = [int(v) for v in filters[name]] if name == "stars" else filters[name]
            conditions[name] = (f"{name} IN ({','.join('?' * len(values))})", values)
    statuses = filters.get("status") or ([] if query.get("include_uncertified") else ["valid"])
    if statuses:
        conditions["status"] = (f"status IN ({','.join('?' * len(statuses))})", statuses)
    bounds, params = [], []
    for key, op in (("gwp_min", ">="), ("gwp_max", "<=")):
        if filters.get(key):
            bounds.append(f"gwp {op} ?")
            params.append(float(filters[key][0]))
    if bounds:
        conditions["gwp"] = (" AND ".join(bounds), params)
    return conditions


_ORDER = {
    "relevance": "published DESC, id DESC",
    "newest": "published DESC, id DESC",
    "gwp": "gwp, id",
    "-stars": "coalesce(stars, 0) DESC, gwp, id",
}


def _fts_search(conn: sqlite3.Connection, query: dict) -> int:
    match, params = _fts_match(parse_query(query["q"]).words)
    text_filter = f"AND p.id IN (SELECT rowid FROM product_fts WHERE {match})" if match else ""
    conn.execute(
        f"""CREATE TEMP TABLE m AS
        SELECT p.id, p.gwp_a1a3 AS gwp, p.published_at AS published, c.code AS category,
               p.cert_stars AS stars, o.division_code AS division,
               CASE WHEN p.cert_status IS NULL THEN 'none'
                    WHEN p.cert_status = 'valid' AND p.cert_valid_until < ? THEN 'expired'
                    ELSE p.cert_status END AS status
        FROM product p JOIN category c ON c.id = p.category_id
        JOIN organisation o ON o.id = p.manufacturer_id
        WHERE p.status = 'published' {text_filter}""",
        [date.today().isoformat(), *params],
    )
    conditions = _conditions(query)
    for facet in FACETS:
        others = [c for name, c in conditions.items() if name != facet]
        where = " AND ".join(sql for sql, _ in others) or "1"
        conn.execute(
            f"SELECT {facet}, count(*) FROM m WHERE {where} GROUP BY {facet}",
            [p for _, ps in others for p in ps],
        ).fetchall()
    where = " AND ".join(sql for sql, _ in conditions.values()) or "1"
    params = [p for _, ps in conditions.values() for p in ps]
    total = conn.execute(f"SELECT count(*) FROM m WHERE {where}", params).fetchone()[0]
    order = _ORDER[query.get("sort", "relevance")]
    conn.execute(f"SELECT id FROM m WHERE {where} ORDER BY {order} LIMIT 20", params).fetchall()
    conn.execute("DROP TABLE m")
    return total


def query_fts(db: Path, queries: list[dict], rounds: int) -> dict:
    """Time the queries on the FTS5 table, with facet counts in SQL."""
    conn = sqlite3.connect(db)
    result = _timed(lambda query: _fts_search(conn, query), queries, rounds)
    conn.close()
    return {**result, "rss": _rss_mb()}


# Plain SQL LIKE scan (our fallback when the index is unavailable) ------------------------------


def query_like(db: Path, queries: list[dict], rounds: int) -> dict:
    """Time the queries through database_search (LIKE over the joined tables)."""
    from sqlmodel import Session

    with Session(_engine(db)) as session:

        def run(query: dict) -> int:
            return database_search(
                query["q"],
                filters=query.get("filters"),
                sort=query.get("sort", "relevance"),
                include_uncertified=query.get("include_uncertified", False),
                session=session,
            ).total

        result = _timed(run, queries, rounds)
    return {**result, "rss": _rss_mb()}


# Report ---------------------------------------------------------------------------------------


def _stats(samples: list[float]) -> str:
    median = statistics.median(samples)
    p95 = float(np.percentile(samples, 95))
    return f"{median:.1f} / {p95:.1f}"


def report(args, env: dict, queries: list[dict], results: dict) -> str:
    """Return the results as Markdown."""
    ours, fts, like = results["ours"], results["fts"], results["like"]
    build, fts_build = results["build"], results["fts_build"]
    lines = [
        "# Search bench results",
        "",
        f"Reproduce: `{env['command']}`",
        "",
        f"- Machine: {env['cpu']}, {os.cpu_count()} CPUs visible, Python {env['python']}, "
        f"SQLite {sqlite3.sqlite_version}, whoosh-reloaded {version('whoosh-reloaded')}, "
        f"jieba {version('jieba')}, numpy {version('numpy')}.",
        f"- Load average before / after the run: {env['load_before']} / {env['load_after']} "
        "(other processes share the machine; latencies and build time include their effect).",
        f"- Catalogue: {build['docs']:,} published products; {len(queries)} queries "
        f"(bench/search/queries.toml); one cold round, then {args.rounds} warm rounds "
        f"({args.like_rounds} for LIKE).",
        "",
        "## Build",
        "",
        "| what | time | peak RSS |",
        "| --- | ---: | ---: |",
        f"| our index (Whoosh, {args.workers} worker(s)), {build['size_mb']:.0f} MB on disk "
        f"| {build['seconds']:.1f} s | {build['rss']:.0f} MB"
        + (f" (+ workers {build['children_rss']:.0f} MB)" if args.workers > 1 else "")
        + " |",
        f"| SQLite FTS5 trigram table | {fts_build['seconds']:.1f} s | {fts_build['rss']:.0f} MB |",
        "",
        "## Query latency with facets, ms (median / p95)",
        "",
        "| engine | cold (first run of each query) | warm | peak RSS |",
        "| --- | ---: | ---: | ---: |",
        f"| ours (jieba loaded in {ours['jieba_seconds'] * 1000:.0f} ms, index opened in "
        f"{ours['open_seconds'] * 1000:.0f} ms) | "
        f"{_stats(ours['cold'])} | {_stats(ours['warm'])} | {ours['rss']:.0f} MB |",
        f"| SQLite FTS5 trigram | {_stats(fts['cold'])} | {_stats(fts['warm'])} | "
        f"{fts['rss']:.0f} MB |",
        f"| plain SQL LIKE (our fallback) | {_stats(like['cold'])} | {_stats(like['warm'])} | "
        f"{like['rss']:.0f} MB |",
        "",
        "## Hits per query (total matches)",
        "",
        "Where the counts differ: FTS5 and LIKE match the text as typed (FTS5 does not find `P·O`",
        "for `P.O`; the LIKE fallback tries both spellings), and only ours stems English words",
        "(`glasses` finds glass). Default filter: valid certificates only.",
        "",
        "| query | options | ours | FTS5 | LIKE |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for n, query in enumerate(queries):
        options = {k: v for k, v in query.items() if k != "q"}
        text = query["q"].replace("|", "\\|") or "(empty)"
        lines.append(
            f"| `{text}` | {options or ''} | {ours['hits'][n]} | {fts['hits'][n]} | "
            f"{like['hits'][n]} |"
        )
    return "\n".join(lines) + "\n"


def _cpu_name() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


def main() -> None:
    """Run every phase and write results.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/greenbm-bench"))
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--like-rounds", type=int, default=2, help="the LIKE scan is slow")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--results", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    db = args.out / "bench.sqlite3"
    if not db.exists():
        _in_child(generate.generate, args.out, args.products)
    with open(HERE / "queries.toml", "rb") as handle:
        queries = tomllib.load(handle)["query"]
    for query in queries:
        check_arguments(query.get("filters"), query.get("sort", "relevance"))
    env = {
        "command": "python bench/search/run.py " + " ".join(sys.argv[1:]),
        "cpu": _cpu_name(),
        "python": platform.python_version(),
        "load_before": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }
    index_dir = args.out / "index"
    results = {"build": _in_child(build_ours, db, index_dir, args.workers)}
    print(f"build: {results['build']}")
    results["ours"] = _in_child(query_ours, index_dir, queries, args.rounds)
    print(f"ours: cold {_stats(results['ours']['cold'])} warm {_stats(results['ours']['warm'])}")
    results["fts_build"] = _in_child(build_fts, db)
    results["fts"] = _in_child(query_fts, db, queries, args.rounds)
    print(f"fts5: cold {_stats(results['fts']['cold'])} warm {_stats(results['fts']['warm'])}")
    results["like"] = _in_child(query_like, db, queries, args.like_rounds)
    print(f"like: cold {_stats(results['like']['cold'])} warm {_stats(results['like']['warm'])}")
    env["load_after"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    args.results.write_text(report(args, env, queries, results))
    print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
