"""The load bench's processes: gunicorn (the app, the ceiling), the follower, wrk, CPU meters."""

from __future__ import annotations

import json
import os
import re
import resource
import shlex
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections import defaultdict
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VENV = ROOT / ".venv" / "bin"
# The request line, status and server time (µs) of each request, for the per-type figures.
ACCESS_FORMAT = '"%(r)s" %(s)s %(D)s'
_ACCESS = re.compile(r'^"(\S+) (\S+) [^"]*" (\d{3}) (\d+)$')
_SETTINGS = ("worker_class", "threads", "timeout", "preload_app", "max_requests", "keepalive")


def log(message: str) -> None:
    """Print a progress line with the time."""
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def port_free(port: int) -> bool:
    """Return whether nothing listens on 127.0.0.1:port."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_healthy(url: str, process: subprocess.Popen, deadline: float) -> None:
    """Wait until url answers 200; fail if the process ends or the deadline passes."""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the server exited with {process.returncode}: see its log")
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


def gunicorn_command(config: Path | None, workers: int, port: int, app: str, *extra: str):
    """Return a gunicorn command serving `app` on port, with the access log the bench reads.

    With a config file (the repository's gunicorn.conf.py by default: the production settings)
    the options given here override its values.
    """
    command = [str(VENV / "gunicorn"), *(["-c", str(config)] if config else [])]
    command += ["--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    command += ["--access-logfile", "-", "--access-logformat", ACCESS_FORMAT]
    return command + [*extra, app]


def gunicorn_settings(command: list[str], env: dict, cwd: Path) -> str:
    """Return the gunicorn settings that shape the figures, as gunicorn resolves them."""
    printing = [*command[:-1], "--print-config", command[-1]]
    done = subprocess.run(printing, env=env, cwd=cwd, capture_output=True, text=True, check=True)
    values = {}
    for line in done.stdout.splitlines():
        name, _, value = line.partition("=")
        values[name.strip()] = value.strip()
    return ", ".join(f"{name} {values.get(name, '?')}" for name in _SETTINGS)


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
    """CPU seconds used by one gunicorn and by the PostgreSQL backends of the bench database.

    gunicorn recycles its workers (max_requests), so processes end during a step. gunicorn's
    figure is exact: the master's own time, plus its reaped children's (cutime, cstime), plus
    its live workers'. Backends are sampled every half second and each one's last sample
    counts, so a backend that ends loses at most its last half second.
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


def run_wrk(url: str, requests: Path, connections: int, seconds: int) -> dict:
    """Run wrk (one thread) with requests.lua over a requests file; return its figures.

    Latencies come in µs and are returned in ms; `errors` adds the answers that were not a 200
    with a page or JSON body to wrk's socket errors and timeouts; `cpu` is wrk's own share.
    """
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(HERE / "requests.lua"), url, "--", str(requests)]
    before = _children_cpu()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(x for x in reversed(done.stdout.splitlines()) if x.startswith("{"))
    figures = json.loads(line)
    elapsed = figures["microseconds"] / 1e6
    errors = figures["bad_answers"] + sum(
        figures[k] for k in ("connect", "read", "write", "timeout")
    )
    return {
        "requests": figures["requests"],
        "rps": figures["requests"] / elapsed,
        **{p: figures[p] / 1000 for p in ("p50", "p95", "p99", "max")},
        "errors": errors,
        "examples": figures["examples"],
        "cpu_wrk": (_children_cpu() - before) / elapsed,
        "elapsed": elapsed,
    }


def access_lines(logfile: Path, start: int) -> tuple[list[tuple[str, str, int, float]], int]:
    """Return the access-log entries (method, URL, status, ms) written since byte `start`."""
    with logfile.open("rb") as handle:
        handle.seek(start)
        data = handle.read()
    entries = []
    for line in data.decode(errors="replace").splitlines():
        if match := _ACCESS.match(line.strip()):
            method, url, status, micros = match.groups()
            entries.append((method, url, int(status), int(micros) / 1000))
    return entries, start + len(data)


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of values (share in 0..1)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def by_type(entries, classify) -> dict[str, list[float]]:
    """Group the entries' server times by request type."""
    groups = defaultdict(list)
    for method, url, _, ms in entries:
        if url != "/healthz":
            groups[classify(method, url)].append(ms)
    return dict(groups)


def log_errors(logfile: Path) -> int:
    """Return the number of traceback or error lines in a server log."""
    text = logfile.read_text(errors="replace") if logfile.exists() else ""
    return sum("Traceback" in line or "[ERROR]" in line for line in text.splitlines())
