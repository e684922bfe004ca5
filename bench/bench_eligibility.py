"""Time the bulk eligibility check of 10,000 rows, many times in one warm process.

Builds its own database in a temporary SQLite file through the real migrations, services and
test factories (a few hundred suppliers and certificates in every situation), then times:

  page  — POST a 10,000-row CSV to /eligibility/bulk and read the whole streamed page (read the
          file, check every row, store the result, render the first page of the table);
  api   — POST 10,000 queries to /api/v1/eligibility and read the JSON answer;
  check — the check alone: read the 10,000 queries and answer them (`check_many`), no HTTP.

Run from the repository root:  python bench/bench_eligibility.py [-n RUNS] [--suppliers N]
The figures are printed and written to bench/results/eligibility.txt.
"""

import argparse
import io
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.factories

from sqlmodel import Session  # noqa: E402
from werkzeug.datastructures import FileStorage  # noqa: E402
from werkzeug.test import encode_multipart  # noqa: E402

from certification.criteria.store import load_shipped_criteria  # noqa: E402
from eligibility.queries import parse_query  # noqa: E402
from eligibility.services import check_many, load_categories  # noqa: E402
from greenbm import create_app  # noqa: E402
from greenbm.db import get_session  # noqa: E402
from greenbm.migrate import upgrade  # noqa: E402
from seeds.loader import load_categories as load_seed_categories  # noqa: E402
from tests import factories  # noqa: E402

ROWS = 10_000
RESULTS = ROOT / "bench" / "results" / "eligibility.txt"
CATEGORIES = ("cement",) * 6 + ("水泥", "lime", "flat-glass", "Ceramic tile")


def build_world(app, suppliers: int, rng: random.Random) -> tuple[list[str], int]:
    """Create manufacturers, three in four with cement certificates; return codes, certificates."""
    engine = app.extensions["db_engine"]
    today = date.today()
    codes, certificates = [], 0
    with app.app_context(), Session(engine, expire_on_commit=False) as session:
        body, reviewer = factories.make_body(session)
        session.commit()
        for n in range(suppliers):
            organisation = factories.make_organisation(
                session, name_zh=f"贵州测试建材{n:04d}有限公司"
            )
            maker = factories.make_user(session, organisation)
            codes.append(organisation.credit_code)
            held = 0 if n % 4 == 0 else (2 if n % 3 == 0 else 1)
            for _ in range(held):
                certificate = factories.issue_test_certificate(
                    session, body=body, reviewer=reviewer, maker=maker
                )
                certificate.stars = rng.choice((1, 2, 2, 3))
                situation = rng.random()
                status, valid_until = None, None
                if situation < 0.10:
                    status = "suspended"
                elif situation < 0.15:
                    status = "revoked"
                elif situation < 0.25:
                    valid_until = today - timedelta(days=rng.randint(1, 400))
                elif situation < 0.30:
                    valid_until = today
                factories.set_dates(session, certificate, valid_until=valid_until, status=status)
                certificates += 1
            session.commit()
    return codes, certificates


def make_rows(codes: list[str], rng: random.Random) -> list[tuple[str, str, str]]:
    """Return 10,000 (credit code, category, minimum stars) rows, about 5% of them malformed."""
    rows = []
    for _ in range(ROWS):
        roll = rng.random()
        code = rng.choice(codes) if roll < 0.88 else factories.credit_code()
        category = rng.choice(CATEGORIES)
        stars = str(rng.choice((1, 1, 2, 2, 3, "")))
        if roll > 0.99:
            code = code[:-3]  # too short
        elif roll > 0.98:
            category = "steel"  # no such category
        elif roll > 0.97:
            stars = "4"
        elif roll > 0.96:
            code, category, stars = "", "", ""  # an empty row
        rows.append((code, category, stars))
    return rows


def csv_bytes(rows: list[tuple[str, str, str]]) -> bytes:
    """Return the rows as a UTF-8 CSV file with the Chinese header row."""
    lines = ["统一社会信用代码,类别,最低星级", *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()


def timed(function, runs: int, warmup: int) -> list[float]:
    """Return the wall-clock seconds of each run of `function` after the warm-up runs."""
    seconds = []
    for run in range(warmup + runs):
        start = time.perf_counter()
        function()
        if run >= warmup:
            seconds.append(time.perf_counter() - start)
    return seconds


def _ms(seconds: list[float]) -> str:
    return (
        f"median {statistics.median(seconds) * 1000:7.0f} ms   "
        f"min {min(seconds) * 1000:7.0f} ms   max {max(seconds) * 1000:7.0f} ms"
    )


def main() -> None:
    """Build the database, time the three measures, print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--suppliers", type=int, default=400)
    args = parser.parse_args()
    rng = random.Random(2026)

    with tempfile.TemporaryDirectory(prefix="bench-eligibility-") as temporary:
        instance = Path(temporary)
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{instance / 'bench.sqlite3'}",
                "INSTANCE_DIR": str(instance),
                "EVIDENCE_DIR": str(instance / "evidence"),
                "SEARCH_INDEX_DIR": str(instance / "index"),
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                "PASSWORD_HASH_FAST": True,
                "ELIGIBILITY_BULK_RATE_LIMIT": "10000 per minute",
            }
        )
        upgrade(app)
        with app.app_context():
            session = get_session()
            load_seed_categories(session)
            load_shipped_criteria(session=session)
            session.commit()
        start = time.perf_counter()
        codes, certificates = build_world(app, args.suppliers, rng)
        built = time.perf_counter() - start
        rows = make_rows(codes, rng)
        upload = csv_bytes(rows)
        queries = [{"supplier": c, "category": k, "min_stars": s or None} for c, k, s in rows]
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        summary = {}

        def page() -> None:
            values = {"file": FileStorage(io.BytesIO(upload), filename="suppliers.csv")}
            boundary, body = encode_multipart(values)
            response = client.post(
                "/eligibility/bulk",
                data=body,
                content_type=f"multipart/form-data; boundary={boundary}",
            )
            html = response.get_data(as_text=True)
            assert response.status_code == 200, html[:500]
            assert "Checked all 10,000 rows" in html, html[-2000:]
            summary["page"] = html[html.index("Checked all 10,000 rows") :].split("<")[0]

        def api() -> None:
            response = client.post("/api/v1/eligibility", json=queries)
            answers = response.get_json()
            assert response.status_code == 200 and len(answers) == ROWS, answers
            summary["api"] = sum(1 for a in answers if a.get("eligible"))

        def check() -> None:
            with app.test_request_context():
                session = get_session()
                categories = load_categories(session=session)
                parsed = []
                for query in queries:
                    try:
                        parsed.append(parse_query(**query, categories=categories))
                    except Exception:  # noqa: BLE001 - a malformed row, as the page counts it
                        continue
                answers = check_many(session=session, queries=parsed)
                summary["check"] = sum(a.eligible for a in answers)

        load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
        measures = [("page", page), ("api", api), ("check", check)]
        times = {name: timed(function, args.runs, args.warmup) for name, function in measures}
        result_files = len(list((instance / "eligibility").glob("*.json")))

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        f"Bulk eligibility check of {ROWS:,} rows: {args.runs} runs after {args.warmup} warm-up, "
        "one process, SQLite file",
        f"database: {len(codes)} suppliers, {certificates} cement certificates (valid, ending "
        f"today, expired, suspended, revoked); built in {built:.0f} s",
        f"rows: {ROWS:,} — {summary['page']}",
        f"  page   POST /eligibility/bulk (CSV {len(upload) / 1024:.0f} KiB, streamed page)  "
        f"{_ms(times['page'])}",
        f"  api    POST /api/v1/eligibility (JSON list)                    {_ms(times['api'])}",
        f"  check  parse_query + check_many, no HTTP                       {_ms(times['check'])}",
        f"  ({result_files} bulk results stored; the API found {summary['api']:,} eligible)",
        f"machine: {platform.machine()}, nproc {affinity} (cpu_count {os.cpu_count()}), "
        f"{platform.system()} {platform.release()}",
        f"load average (1, 5, 15 min): {load_before} before the runs, {load} after",
        f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, flask "
        f"{version('flask')}, sqlalchemy {version('sqlalchemy')}, openpyxl {version('openpyxl')}",
        f"command: python bench/bench_eligibility.py -n {args.runs} --warmup {args.warmup} "
        f"--suppliers {args.suppliers}",
    ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
