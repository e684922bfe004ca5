"""Load-test the catalogue: gunicorn (2 workers) on PostgreSQL, locust at increasing users.

    python3 bench/load/run.py                     # prepares the 100k catalogue if needed

Prepares (or reuses) the PostgreSQL database and index (bench/load/prepare.py), installs
locust in its own virtualenv (.venv-bench, never in the app's), starts gunicorn with two
workers and the outbox follower, warms up, then runs locust headless for --seconds at each
number of --users. Writes bench/results/load.md and load.csv; stops what it started even
when a step fails. Exits 1 if any request failed.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import resource
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RESULTS = ROOT / "bench" / "results"
VENV = ROOT / ".venv" / "bin"
BENCH_VENV = ROOT / ".venv-bench"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1/greenbm_load"
# The rate limits guard real clients; the bench is one address sending thousands of requests.
UNLIMITED = "1000000 per hour"
PERCENTILES = ("50%", "95%", "99%")


def log(message: str) -> None:
    """Print a progress line with the time."""
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def ensure_locust() -> Path:
    """Return the locust executable, syncing uv.lock's `load` group into .venv-bench."""
    uv = ROOT / ".venv-uv" / "bin" / "uv"
    if not uv.exists():
        subprocess.run(
            ["make", "--no-print-directory", str(uv.relative_to(ROOT))], cwd=ROOT, check=True
        )
    log(f"syncing the locked `load` group (locust) into {BENCH_VENV}")
    env = {
        **os.environ,
        "UV_PROJECT_ENVIRONMENT": str(BENCH_VENV),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_LINK_MODE": "copy",
    }
    sync = [str(uv), "sync", "--locked", "--only-group", "load", "--quiet"]
    subprocess.run(sync, cwd=ROOT, env=env, check=True)
    return BENCH_VENV / "bin" / "locust"


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


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _wait_healthy(url: str, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}: see its log")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer 200 in time")


def start(stack: ExitStack, name: str, command: list[str], env: dict, logfile: Path, cwd=ROOT):
    """Start a process in its own process group; the stack stops the group on exit."""
    handle = logfile.open("w")
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    log(f"started {name} (pid {process.pid}): {shlex.join(command)} > {logfile}")

    def stop() -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # gunicorn's master stops its workers
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        handle.close()
        log(f"stopped {name}")

    stack.callback(stop)
    return process


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None  # ended since listed


def _processes() -> list[tuple[int, int, str]]:
    rows = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            rows.append((int(entry.name), int(stat.rsplit(")", 1)[1].split()[1]), cmdline))
    return rows


class CpuMeter:
    """CPU seconds used by gunicorn and by the PostgreSQL backends of the bench database.

    gunicorn recycles its workers (max_requests) and the new ones open new connections, so
    processes end during a step. gunicorn's figure is exact: the master's own time, plus its
    reaped children's (cutime, cstime), plus its live workers'. Backends are sampled every
    half second and each one's last sample counts, so a backend that ends loses at most its
    last half second.
    """

    def __init__(self, gunicorn_pid: int, database: str) -> None:
        self.gunicorn_pid, self.database = gunicorn_pid, database
        self.ticks = os.sysconf("SC_CLK_TCK")
        self.backends: dict[int, float] = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> CpuMeter:
        self.start = {"app": self._app(), "db": self._db()}
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.thread.join()
        self.used = {"app": self._app() - self.start["app"], "db": self._db() - self.start["db"]}

    def _sample(self) -> None:
        while not self.stopping.wait(0.5):
            self._db()

    def _app(self) -> float:
        total = 0.0
        if master := _stat(self.gunicorn_pid):
            total += sum(int(master[i]) for i in (11, 12, 13, 14)) / self.ticks
        for pid, ppid, _ in _processes():
            if ppid == self.gunicorn_pid and (fields := _stat(pid)):
                total += (int(fields[11]) + int(fields[12])) / self.ticks
        return total

    def _db(self) -> float:
        for pid, _, cmd in _processes():
            ours = cmd.startswith("postgres:") and f" {self.database} " in cmd
            if ours and (fields := _stat(pid)):
                self.backends[pid] = (int(fields[11]) + int(fields[12])) / self.ticks
        return sum(self.backends.values())


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_locust(args, locust: Path, users: int, seconds: int, prefix: Path | None) -> int:
    """Run locust headless against the server; return its exit code (1 when a request failed)."""
    command = [
        str(locust),
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "--host",
        f"http://127.0.0.1:{args.port}",
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{seconds}s",
        "--stop-timeout",
        "30",
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    if prefix is not None:
        for old in prefix.parent.glob(f"{prefix.name}_*.csv"):
            old.unlink()  # never read a previous run's figures
        # All users start within a second; the stats restart once they have.
        command += ["--csv", str(prefix), "--reset-stats"]
    env = {**os.environ, "LOAD_TARGETS": str(args.out / "targets.json"), "LOAD_WAIT": "0"}
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    (args.out / f"locust-{users}{'' if prefix else '-warmup'}.log").write_text(
        done.stdout + done.stderr
    )
    return done.returncode


def read_stats(prefix: Path) -> tuple[dict, list[dict], list[dict]]:
    """Return the aggregated row, the per-request rows and the failures of a locust run."""
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(f"{prefix}_failures.csv", newline="") as handle:
        failures = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return total, [r for r in rows if r["Name"] != "Aggregated"], failures


def _config_name(config: Path | None) -> str:
    if config is None:
        return "gunicorn's defaults"
    return f"`{config.relative_to(ROOT) if config.is_relative_to(ROOT) else config}`"


def _config(value: str) -> Path | None:
    return None if value == "none" else Path(value).resolve()


def _load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _cpu_name() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


def _ms(value: str) -> str:
    return f"{float(value):,.0f}" if value not in ("", "N/A") else "–"


def report(args, env: dict, steps: list[dict]) -> str:
    """Return the results as Markdown."""
    lines = [
        "# Load test results",
        "",
        f"Reproduce: `{env['command']}`",
        "",
        f"- Run {env['started']} – {env['finished']} UTC on {env['cpu']}, {os.cpu_count()} "
        f"CPUs, {env['memory']}; Python {platform.python_version()}, PostgreSQL "
        f"{env['postgres']}, locust {env['locust']}.",
        f"- Load average (1 / 5 / 15 min) at the start, before the server started: "
        f"{env['load_start']}; after the warm-up: {env['load_before']}; at the end: "
        f"{env['load_after']}.",
        f"- Server: gunicorn with {args.workers} workers, settings from "
        f"{_config_name(args.gunicorn_config)} ({env['gunicorn']}), "
        "`flask catalog follow` polling the outbox every 2 s, PostgreSQL, "
        f"{env['products']:,} published products ({env['certificates']:,} certificates), "
        "rate limits raised to "
        f"{UNLIMITED!r} (ELIGIBILITY_BULK_RATE_LIMIT, LOGIN_RATE_LIMIT, LOGIN_ADDRESS_RATE_LIMIT) "
        "with Redis storage.",
        f"- Client: locust on the same machine (it takes CPU from the server), no think time: "
        f"N users keep N requests in flight. Warm-up {args.warmup} s at {max(args.users)} users "
        f"(not measured), then each step runs {args.seconds} s; its statistics restart once "
        "all its users have started (within a second).",
        "- CPU columns: seconds of CPU per second of the step, for the gunicorn processes, "
        "the PostgreSQL backends of the bench database, and locust (2.0 = both cores).",
        "",
        "## Per step",
        "",
        "| users | requests | requests/s | p50 ms | p95 ms | p99 ms | max ms | errors "
        "| CPU app / db / locust | load avg before |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for step in steps:
        total, cpu = step["total"], step["cpu"]
        lines.append(
            f"| {step['users']} | {int(total['Request Count']):,} "
            f"| {float(total['Requests/s']):.1f} | {_ms(total['50%'])} | {_ms(total['95%'])} "
            f"| {_ms(total['99%'])} | {_ms(total['Max Response Time'])} "
            f"| {int(total['Failure Count'])} "
            f"| {cpu['app']:.2f} / {cpu['db']:.2f} / {cpu['locust']:.2f} | {step['load']} |"
        )
    names = [r["Name"] for r in steps[-1]["rows"]] if steps else []
    head = " | ".join(f"{s['users']} u" for s in steps)
    lines += [
        "",
        "## p50 / p95 ms per request type and step",
        "",
        "Share: of all measured requests. Locust rounds times above 100 ms to two significant "
        "figures.",
        "",
        f"| request | share | {head} |",
        "| --- | ---: |" + " ---: |" * len(steps),
    ]
    last = steps[-1] if steps else None
    for name in names:
        cells = []
        for step in steps:
            row = next((r for r in step["rows"] if r["Name"] == name), None)
            cells.append(f"{_ms(row['50%'])} / {_ms(row['95%'])}" if row else "–")
        row = next(r for r in last["rows"] if r["Name"] == name)
        count = sum(int(r["Request Count"]) for s in steps for r in s["rows"] if r["Name"] == name)
        share = count / max(sum(int(s["total"]["Request Count"]) for s in steps), 1)
        method = "" if row["Type"] == "GET" or name.startswith(row["Type"]) else row["Type"] + " "
        lines.append(f"| `{method}{name}` | {share:.0%} | {' | '.join(cells)} |")
    failures = [(s["users"], f) for s in steps for f in s["failures"]]
    lines += ["", "## Errors", ""]
    if failures:
        lines += ["| users | request | error | count |", "| ---: | --- | --- | ---: |"]
        lines += [
            f"| {users} | `{f['Method']} {f['Name']}` | {f['Error'][:160]} | {f['Occurrences']} |"
            for users, f in failures
        ]
    else:
        lines.append("None: every request of every step got a 200 with the expected body.")
    statuses = ", ".join(f"{n:,} × {code}" for code, n in env["statuses"].items()) or "none"
    lines += [
        "",
        f"Server log, whole run (warm-up and health checks included): {env['server_errors']} "
        f"lines with a traceback or error; HTTP statuses in its access log: {statuses}.",
        "",
    ]
    return "\n".join(lines)


def write_csv(path: Path, steps: list[dict]) -> None:
    """Write one row per step: users, requests, throughput, percentiles, errors, CPU."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["users", "seconds", "requests", "requests_per_s", "p50_ms", "p95_ms", "p99_ms"]
            + ["max_ms", "errors", "cpu_app", "cpu_db", "cpu_locust", "load_before"]
        )
        for step in steps:
            total, cpu = step["total"], step["cpu"]
            writer.writerow(
                [step["users"], step["seconds"], total["Request Count"]]
                + [f"{float(total['Requests/s']):.2f}", *(total[p] for p in PERCENTILES)]
                + [f"{float(total['Max Response Time']):.0f}", total["Failure Count"]]
                + [f"{cpu['app']:.2f}", f"{cpu['db']:.2f}", f"{cpu['locust']:.2f}", step["load"]]
            )


def gunicorn_command(args, *extra: str) -> tuple[list[str], Path]:
    """Return the gunicorn command and the directory to run it in.

    With a config file (the repository's gunicorn.conf.py by default: the production settings)
    --workers and --bind override its values. Without one, gunicorn runs in --out, so that it
    does not pick up ./gunicorn.conf.py by itself.
    """
    config = ["-c", str(args.gunicorn_config)] if args.gunicorn_config else []
    command = [str(VENV / "gunicorn"), *config, "--workers", str(args.workers)]
    command += ["--bind", f"127.0.0.1:{args.port}", *extra, "greenbm:create_app()"]
    return command, ROOT if args.gunicorn_config else args.out


_SETTINGS = ("worker_class", "threads", "timeout", "preload_app", "max_requests", "keepalive")


def gunicorn_settings(args, env: dict) -> str:
    """Return the gunicorn settings that shape the figures, as gunicorn resolves them."""
    command, cwd = gunicorn_command(args, "--print-config")
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=True)
    values = dict(
        (name, value.strip())
        for name, _, value in (line.partition("=") for line in done.stdout.splitlines())
    )
    values = {name.strip(): value for name, value in values.items()}
    return ", ".join(f"{name} {values.get(name, '?')}" for name in _SETTINGS)


def _database_facts(args) -> dict:
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
    return {"products": int(out[0]), "certificates": int(out[1]), "postgres": out[2]}


_ACCESS = re.compile(r'" (\d{3}) ')


def server_log_facts(logfile: Path) -> tuple[int, dict[str, int]]:
    """Return the error lines of the server's log and the statuses its access log lists."""
    text = logfile.read_text(errors="replace") if logfile.exists() else ""
    errors, statuses = 0, Counter()
    for line in text.splitlines():
        if "Traceback" in line or "[ERROR]" in line:
            errors += 1
        elif match := _ACCESS.search(line):
            statuses[match.group(1)] += 1
    return errors, dict(sorted(statuses.items()))


def bench(args) -> int:
    """Prepare, serve, warm up and measure each step; return the number of failed requests."""
    load_start = _load()
    log(f"load average at start (1 / 5 / 15 min): {load_start}")
    locust = ensure_locust()
    log("preparing the catalogue (bench/load/prepare.py)")
    prepare = [str(VENV / "python"), "-u", str(HERE / "prepare.py")]
    prepare += ["--database-url", args.database_url, "--out", str(args.out)]
    prepare += ["--products", str(args.products)] + (["--rebuild"] if args.rebuild else [])
    subprocess.run(prepare, cwd=ROOT, check=True)
    if not _port_free(args.port):
        raise SystemExit(f"port {args.port} is in use: pass --port")
    env = {
        "command": "python3 bench/load/run.py " + shlex.join(sys.argv[1:]),
        "load_start": load_start,
        "cpu": _cpu_name(),
        "memory": f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB",
        "locust": subprocess.run(
            [str(locust), "--version"], capture_output=True, text=True
        ).stdout.split()[1],
        **_database_facts(args),
    }
    database = args.database_url.rsplit("/", 1)[1]
    steps: list[dict] = []
    server_log = args.out / "gunicorn.log"
    with ExitStack() as stack:
        server_env = server_environment(args)
        start(
            stack,
            "follower",
            [str(VENV / "flask"), "catalog", "follow"],
            server_env,
            args.out / "follower.log",
        )
        env["gunicorn"] = gunicorn_settings(args, server_env)
        command, cwd = gunicorn_command(args)
        gunicorn = start(stack, "gunicorn", command, server_env, server_log, cwd=cwd)
        _wait_healthy(f"http://127.0.0.1:{args.port}/healthz", gunicorn, time.monotonic() + 120)
        if args.warmup:
            log(f"warm-up: {args.warmup} s at {max(args.users)} users (not measured)")
            run_locust(args, locust, max(args.users), args.warmup, None)
        env["load_before"] = _load()
        env["started"] = f"{datetime.now(UTC):%Y-%m-%d %H:%M}"
        for users in args.users:
            load = _load()
            log(f"step: {users} users for {args.seconds} s (load average {load})")
            prefix = args.out / f"step-{users}"
            locust_before = _children_cpu()
            started = time.monotonic()
            with CpuMeter(gunicorn.pid, database) as meter:
                run_locust(args, locust, users, args.seconds, prefix)
            elapsed = time.monotonic() - started
            total, rows, failures = read_stats(prefix)
            cpu = {k: used / elapsed for k, used in meter.used.items()}
            cpu["locust"] = (_children_cpu() - locust_before) / elapsed
            steps.append(
                {
                    "users": users,
                    "seconds": args.seconds,
                    "total": total,
                    "rows": rows,
                    "failures": failures,
                    "cpu": cpu,
                    "load": load.split(" / ")[0],
                }
            )
            log(
                f"  {float(total['Requests/s']):.1f} req/s, p50 {_ms(total['50%'])} ms, "
                f"p95 {_ms(total['95%'])} ms, p99 {_ms(total['99%'])} ms, "
                f"errors {total['Failure Count']}, CPU app {cpu['app']:.2f} "
                f"db {cpu['db']:.2f} locust {cpu['locust']:.2f}"
            )
        env["load_after"] = _load()
        env["finished"] = f"{datetime.now(UTC):%H:%M}"
    env["server_errors"], env["statuses"] = server_log_facts(server_log)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(report(args, env, steps))
    write_csv(args.results.with_suffix(".csv"), steps)
    log(f"wrote {args.results} and {args.results.with_suffix('.csv')}")
    return sum(int(s["total"]["Failure Count"]) for s in steps)


def main() -> None:
    """Parse the command line, run the bench, exit 1 if any request failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--out", type=Path, default=Path("/tmp/greenbm-load"))
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true", help="prepare the catalogue again")
    parser.add_argument("--users", type=int, nargs="+", default=[1, 5, 10, 20, 40])
    parser.add_argument("--seconds", type=int, default=60, help="per step")
    parser.add_argument("--warmup", type=int, default=20, help="seconds, 0 for none")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8097)
    default_config = ROOT / "gunicorn.conf.py"
    parser.add_argument(
        "--gunicorn-config",
        type=_config,
        default=default_config if default_config.exists() else None,
        help="gunicorn settings file (default: the repository's gunicorn.conf.py); none: "
        "gunicorn's defaults",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--results", type=Path, default=RESULTS / "load.md")
    args = parser.parse_args()
    # SIGTERM unwinds like Ctrl-C, so the servers started so far are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    failed = bench(args)
    if failed:
        log(f"{failed} requests failed: see the Errors section of {args.results}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
