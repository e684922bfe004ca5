"""Load-test the catalogue against a ceiling: the app and a minimal page, same stack, one run.

    python3 bench/load/run.py                     # the mix at 1, 10 and 40 connections
    python3 bench/load/run.py --pages             # each page alone at 10 connections

Prepares (or reuses) the PostgreSQL catalogue and index (bench/load/prepare.py), starts the
outbox follower, gunicorn with the app and gunicorn with the ceiling (bench/load/ceiling.py:
one indexed SELECT of a product row, one small template) with the same settings and workers,
warms both up, then for each step runs wrk on the ceiling and right after on the app, and
reports the app's throughput as a fraction of the ceiling's. Writes bench/results/load.md and
load.csv (pages.md and pages.csv with --pages); stops what it started even when a step fails.
Exits 1 if any request failed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shlex
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import mix
import servers
from servers import HERE, ROOT, VENV, log

RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1/greenbm_load"
# The rate limits guard real clients; the bench is one address sending thousands of requests.
UNLIMITED = "1000000 per hour"


def server_environment(args) -> dict[str, str]:
    """Return the app's environment: the bench's database, index and instance, no rate limits."""
    return {
        **os.environ,
        "FLASK_APP": "greenbm",
        "DATABASE_URL": args.database_url,
        "INSTANCE_DIR": str(args.out / "instance"),
        "SEARCH_INDEX_DIR": str(args.out / "index"),
        "EVIDENCE_DIR": str(args.out / "evidence"),
        "SECRET_KEY": "load-bench",
        "REDIS_URL": args.redis_url,
        "ELIGIBILITY_BULK_RATE_LIMIT": UNLIMITED,
        "LOGIN_RATE_LIMIT": UNLIMITED,
        "LOGIN_ADDRESS_RATE_LIMIT": UNLIMITED,
    }


def _facts(args) -> dict:
    code = (
        "import sys, sqlalchemy as sa\n"
        "e = sa.create_engine(sys.argv[1])\n"
        "with e.connect() as c:\n"
        "    print(c.execute(sa.text('select count(*) from product')).scalar())\n"
        "    print(c.execute(sa.text('select count(*) from certificate')).scalar())\n"
        "    print(c.execute(sa.text('show server_version')).scalar())\n"
    )
    out = subprocess.run(
        [str(VENV / "python"), "-c", code, args.database_url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    cpu = next(
        (
            x.split(":", 1)[1].strip()
            for x in Path("/proc/cpuinfo").read_text().splitlines()
            if x.startswith("model name")
        ),
        platform.machine(),
    )
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "products": int(out[0]),
        "certificates": int(out[1]),
        "postgres": out[2],
        "cpu": cpu,
        "wrk": wrk,
        "memory": f"{memory:.0f} GB",
    }


def _load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


class Stack:
    """The servers of one run and how to measure a requests file on either of them."""

    def __init__(self, args, stack: ExitStack) -> None:
        self.args, self.database = args, args.database_url.rsplit("/", 1)[1]
        env = server_environment(args)
        follow = [str(VENV / "flask"), "catalog", "follow"]
        servers.start(stack, "follower", follow, env, args.out / "follower.log")
        config, workers = args.gunicorn_config, args.workers
        # Without a config file gunicorn runs in --out, so it does not find ./gunicorn.conf.py.
        cwd = ROOT if config else args.out
        app = servers.gunicorn_command(config, workers, args.port, "greenbm:create_app()")
        ceiling = servers.gunicorn_command(
            config, workers, args.port + 1, "ceiling:create_app()", "--pythonpath", str(HERE)
        )
        self.settings = servers.gunicorn_settings(app, env, cwd)
        self.logs = {"app": args.out / "gunicorn.log", "ceiling": args.out / "ceiling.log"}
        self.pids, self.offsets = {}, {"app": 0, "ceiling": 0}
        for name, command in (("app", app), ("ceiling", ceiling)):
            process = servers.start(stack, name, command, env, self.logs[name], cwd=cwd)
            port = args.port + (name == "ceiling")
            url = f"http://127.0.0.1:{port}/healthz"
            servers.wait_healthy(url, process, time.monotonic() + 120)
            self.pids[name] = process.pid

    def measure(self, server: str, requests: Path, connections: int, seconds: int) -> dict:
        """Run wrk on one server; add CPU shares and the access log's per-type server times."""
        port = self.args.port + (server == "ceiling")
        with servers.CpuMeter(self.pids[server], self.database) as meter:
            result = servers.run_wrk(f"http://127.0.0.1:{port}", requests, connections, seconds)
        entries, self.offsets[server] = servers.access_lines(
            self.logs[server], self.offsets[server]
        )
        elapsed = result["elapsed"]
        result.update({k: used / elapsed for k, used in meter.used.items()})
        result["types"] = servers.by_type(entries, mix.request_type)
        result["statuses"] = sorted({status for *_, status, _ in entries})
        return result


def _step_line(name: str, connections: int, app: dict, ceiling: dict) -> str:
    return (
        f"  {name} at {connections}: {app['rps']:.1f} req/s = "
        f"{app['rps'] / ceiling['rps']:.1%} of the ceiling's {ceiling['rps']:.1f}; "
        f"p50 {app['p50']:.0f} p95 {app['p95']:.0f} p99 {app['p99']:.0f} ms, "
        f"errors {app['errors']}, CPU app {app['app']:.2f} db {app['db']:.2f} "
        f"wrk {app['cpu_wrk']:.2f}"
    )


def bench(args) -> tuple[list[dict], dict]:
    """Prepare, serve, warm up and measure each step against the ceiling."""
    meta = {
        "load_start": _load(),
        "command": "python3 bench/load/run.py " + shlex.join(sys.argv[1:]),
    }
    log("preparing the catalogue (bench/load/prepare.py)")
    prepare = [str(VENV / "python"), "-u", str(HERE / "prepare.py")]
    prepare += ["--database-url", args.database_url, "--out", str(args.out)]
    prepare += ["--products", str(args.products)] + (["--rebuild"] if args.rebuild else [])
    subprocess.run(prepare, cwd=ROOT, check=True)
    for port in (args.port, args.port + 1):
        if not servers.port_free(port):
            raise SystemExit(f"port {port} is in use: pass --port")
    meta.update(_facts(args))
    targets = json.loads((args.out / "targets.json").read_text())
    folder = args.out / "requests"
    folder.mkdir(exist_ok=True)
    files = {}
    for what in [mix.CEILING, *(args.pages or ["mix"])]:
        files[what] = folder / f"{len(files)}.tsv"
        mix.write_requests(files[what], targets, what)
    steps = []
    with ExitStack() as stack:
        servers_ = Stack(args, stack)
        if args.warmup:
            log(f"warm-up: {args.warmup} s each at {max(args.users)} connections (not measured)")
            for what, path in files.items():
                server = "ceiling" if what == mix.CEILING else "app"
                servers_.measure(server, path, max(args.users), args.warmup)
        meta["load_before"], meta["started"] = _load(), f"{datetime.now(UTC):%Y-%m-%d %H:%M}"
        for what, path in files.items():
            if what == mix.CEILING:
                continue
            for connections in args.users:
                load = _load().split(" / ")[0]
                ceiling = servers_.measure("ceiling", files[mix.CEILING], connections, args.seconds)
                app = servers_.measure("app", path, connections, args.seconds)
                log(_step_line(what, connections, app, ceiling))
                steps.append(
                    {
                        "what": what,
                        "connections": connections,
                        "app": app,
                        "ceiling": ceiling,
                        "load": load,
                    }
                )
        meta["load_after"], meta["finished"] = _load(), f"{datetime.now(UTC):%H:%M}"
        meta["settings"] = servers_.settings
    meta["server_errors"] = sum(servers.log_errors(p) for p in servers_.logs.values())
    return steps, meta


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def report(args, meta: dict, steps: list[dict]) -> str:
    """Return the results as Markdown."""
    lines = [
        "# Load test results" + (": single pages" if args.pages else ": the mix"),
        "",
        f"Reproduce: `{meta['command']}`",
        "",
        f"- Run {meta['started']} – {meta['finished']} UTC on {meta['cpu']}, {os.cpu_count()} "
        f"CPUs, {meta['memory']}; Python {platform.python_version()}, PostgreSQL "
        f"{meta['postgres']}, wrk {meta['wrk']}.",
        f"- Load average (1 / 5 / 15 min) at the start: {meta['load_start']}; after the "
        f"warm-up: {meta['load_before']}; at the end: {meta['load_after']}. The machine is "
        "shared: compare the fractions of the ceiling, not the absolute figures.",
        f"- Servers: gunicorn with {args.workers} workers, settings from "
        f"{_config_name(args.gunicorn_config)} ({meta['settings']}), for the app (with "
        "`flask catalog follow` polling the outbox) and for the ceiling "
        "(`bench/load/ceiling.py`: one indexed SELECT of a product row, one small template), "
        f"PostgreSQL, {meta['products']:,} published products ({meta['certificates']:,} "
        f"certificates), rate limits raised to {UNLIMITED!r} with Redis storage.",
        f"- Client: wrk, one thread, N connections each keeping one request in flight (no "
        f"think time), random requests of the file bench/load/mix.py writes. Warm-up "
        f"{args.warmup} s per server (not measured); then per step the ceiling for "
        f"{args.seconds} s and right after the app for {args.seconds} s.",
        "- Errors: answers other than a 200 with a page (its `<main>`) or a JSON body, "
        "socket errors and timeouts (10 s). CPU: seconds per second (2.0 = both cores) of "
        "the server's gunicorn processes, the bench database's PostgreSQL backends, and wrk.",
        "",
        "## Per step",
        "",
        "| requests | connections | req/s | ceiling req/s | fraction of ceiling | p50 ms "
        "| p95 ms | p99 ms | max ms | errors | CPU app / db / wrk | ceiling p50 / p95 / p99 ms "
        "| load avg |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |",
    ]
    for s in steps:
        a, c = s["app"], s["ceiling"]
        lines.append(
            f"| {s['what']} | {s['connections']} | {a['rps']:.1f} | {c['rps']:.1f} "
            f"| {a['rps'] / c['rps']:.1%} | {_ms(a['p50'])} | {_ms(a['p95'])} | {_ms(a['p99'])} "
            f"| {_ms(a['max'])} | {a['errors']} | {a['app']:.2f} / {a['db']:.2f} / "
            f"{a['cpu_wrk']:.2f} | {_ms(c['p50'])} / {_ms(c['p95'])} / {_ms(c['p99'])} "
            f"| {s['load']} |"
        )
    lines += [
        "",
        "## Server time per request type (gunicorn's access log)",
        "",
        "From the request's arrival in the worker to its answer, without the wait for a free "
        "worker: n, p50 / p95 ms.",
        "",
        "| requests | connections | type | n | share | p50 / p95 ms |",
        "| --- | ---: | --- | ---: | ---: | ---: |",
    ]
    for s in steps:
        types = s["app"]["types"]
        total = sum(len(v) for v in types.values()) or 1
        for name, values in sorted(types.items(), key=lambda kv: -len(kv[1])):
            lines.append(
                f"| {s['what']} | {s['connections']} | `{name}` | {len(values):,} "
                f"| {len(values) / total:.0%} | {_ms(servers.percentile(values, 0.5))} / "
                f"{_ms(servers.percentile(values, 0.95))} |"
            )
    lines += ["", "## Errors", ""]
    failed = [s for s in steps if s["app"]["errors"] or s["ceiling"]["errors"]]
    for s in failed:
        for server in ("app", "ceiling"):
            if s[server]["errors"]:
                lines.append(
                    f"- {s['what']} at {s['connections']}, {server}: {s[server]['errors']} "
                    f"(statuses {s[server]['statuses']}); first: {s[server]['examples']}"
                )
    if not failed:
        lines.append("None: every request of every step got a 200 with a page or JSON body.")
    lines += ["", f"Server logs: {meta['server_errors']} lines with a traceback or error.", ""]
    return "\n".join(lines)


def write_csv(path: Path, steps: list[dict]) -> None:
    """Write one row per step and server."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "requests",
                "server",
                "connections",
                "requests_done",
                "requests_per_s",
                "fraction_of_ceiling",
                "p50_ms",
                "p95_ms",
                "p99_ms",
                "max_ms",
                "errors",
                "cpu_app",
                "cpu_db",
                "cpu_wrk",
                "load_before",
            ]
        )
        for s in steps:
            for server in ("ceiling", "app"):
                r = s[server]
                writer.writerow(
                    [
                        s["what"],
                        server,
                        s["connections"],
                        r["requests"],
                        f"{r['rps']:.1f}",
                        f"{r['rps'] / s['ceiling']['rps']:.3f}",
                    ]
                    + [f"{r[p]:.1f}" for p in ("p50", "p95", "p99", "max")]
                    + [
                        r["errors"],
                        f"{r['app']:.2f}",
                        f"{r['db']:.2f}",
                        f"{r['cpu_wrk']:.2f}",
                        s["load"],
                    ]
                )


def _config_name(config: Path | None) -> str:
    if config is None:
        return "gunicorn's defaults"
    return f"`{config.relative_to(ROOT) if config.is_relative_to(ROOT) else config}`"


def _config(value: str) -> Path | None:
    return None if value == "none" else Path(value).resolve()


def main() -> None:
    """Parse the command line, run the bench, exit 1 if any request failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--out", type=Path, default=Path("/tmp/greenbm-load"))
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true", help="prepare the catalogue again")
    parser.add_argument(
        "--users",
        type=int,
        nargs="+",
        default=None,
        help="wrk connections per step (default 1 10 40; 10 with --pages)",
    )
    parser.add_argument(
        "--pages",
        nargs="*",
        choices=list(mix.PAGES),
        default=None,
        help="measure single pages (all of them if none is named)",
    )
    parser.add_argument("--seconds", type=int, default=30, help="per step and server")
    parser.add_argument("--warmup", type=int, default=10, help="seconds per server, 0 for none")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8097, help="the app's; the ceiling's is +1")
    default_config = ROOT / "gunicorn.conf.py"
    parser.add_argument(
        "--gunicorn-config",
        type=_config,
        default=default_config if default_config.exists() else None,
        help="gunicorn settings file (default: the repository's gunicorn.conf.py); none: "
        "gunicorn's defaults",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help="default bench/results/load.md (pages.md with --pages)",
    )
    args = parser.parse_args()
    if args.pages == []:
        args.pages = list(mix.PAGES)
    args.users = args.users or ([10] if args.pages else [1, 10, 40])
    args.results = args.results or RESULTS / ("pages.md" if args.pages else "load.md")
    # SIGTERM unwinds like Ctrl-C, so the servers started so far are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    steps, meta = bench(args)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(report(args, meta, steps))
    write_csv(args.results.with_suffix(".csv"), steps)
    log(f"wrote {args.results} and {args.results.with_suffix('.csv')}")
    failed = sum(s["app"]["errors"] + s["ceiling"]["errors"] for s in steps)
    if failed:
        log(f"{failed} requests failed: see the Errors section of {args.results}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
