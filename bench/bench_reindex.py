"""Time `flask catalog reindex` of a baseline revision and of this checkout, back to back.

    python bench/bench_reindex.py --database-url postgresql+psycopg://…/greenbm_copy \\
        --baseline main --workers 2 --workers 1 --out bench/results/reindex.md

The baseline is `git archive`d into a temporary folder and run with this checkout's Python
(same interpreter, same packages); each run builds into its own index folder from the same
database. Wall time and CPU time (the command plus its worker processes, from wait4) are
recorded, with the load average before and after each run: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run_reindex(source: Path, database_url: str, work: Path, args: list[str]) -> dict:
    """Run `flask catalog reindex` from the source tree; return its times and output."""
    index_dir = work / "index"
    shutil.rmtree(index_dir, ignore_errors=True)
    env = dict(
        os.environ,
        FLASK_APP="greenbm",
        PYTHONPATH=str(source),
        DATABASE_URL=database_url,
        SEARCH_INDEX_DIR=str(index_dir),
        INSTANCE_DIR=str(work / "instance"),
        EVIDENCE_DIR=str(work / "evidence"),
    )
    command = [sys.executable, "-m", "flask", "catalog", "reindex", *args]
    load_before = _load()
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=source, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command} failed:\n{output}")
    return {
        "args": " ".join(args) or "(defaults)",
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss": usage.ru_maxrss / 1024,
        "load": f"{load_before} → {_load()}",
        "last_line": output.strip().splitlines()[-1],
    }


def main() -> None:
    """Run the baseline and this checkout, then write the markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--baseline", default="main", help="a git revision")
    parser.add_argument("--baseline-args", default="", help="e.g. --procs 1")
    parser.add_argument(
        "--workers", type=int, action="append", help="this checkout's --workers (repeatable)"
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-reindex-") as tmp:
        tmp = Path(tmp)
        baseline = tmp / "baseline"
        baseline.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.baseline], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(baseline)], input=archive, check=True)
        revision = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", args.baseline],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        runs = [(f"baseline {args.baseline} ({revision})", baseline, args.baseline_args.split())]
        runs += [(f"this checkout ({head})", ROOT, ["--workers", str(n)]) for n in args.workers]
        for name, source, extra in runs:
            print(f"running {name} {' '.join(extra)} …", flush=True)
            result = run_reindex(source, args.database_url, tmp, extra)
            print(result, flush=True)
            rows.append((name, result))
    lines = [
        "| revision | options | wall | CPU (all processes) | peak RSS | load average "
        "before → after | output |",
        "| --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for name, r in rows:
        lines.append(
            f"| {name} | {r['args']} | {r['wall']:.1f} s | {r['cpu']:.1f} s | "
            f"{r['rss']:.0f} MB | {r['load']} | {r['last_line']} |"
        )
    table = "\n".join(lines)
    print(table)
    if args.out:
        header = (
            f"Command: `python bench/bench_reindex.py {' '.join(sys.argv[1:])}`\n\n"
            f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}.\n\n"
        )
        with args.out.open("a") as out:
            out.write(header + table + "\n\n")


if __name__ == "__main__":
    main()
