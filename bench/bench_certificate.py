"""Time one certificate PDF's render and sign, and its download, here and in another tree.

`python bench/bench_certificate.py` renders and signs the sample certificate many times in one
warm process. `--download` times GET /certificates/<number>.pdf through the app (SQLite, a
certificate issued by the services): the first download, then warm ones. `--compare TREE`
runs the download timing in TREE (the baseline, e.g. a worktree of main) and here, in turns,
in fresh processes, and prints both with their ratio.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from importlib.metadata import version
from pathlib import Path

from certification.certificates.pdf import render_certificate_pdf
from certification.certificates.signing import (
    ensure_signing_identity,
    sign_pdf,
    verify_pdf_signature,
)
from greenbm.paths import STATIC_DIR

VERIFY_URL = "https://greenbm.example.cn/verify/GZGBM-2026-CEM-000123"

CONTEXT = {
    "number": "GZGBM-2026-CEM-000123",
    "stars": 3,
    "status": "valid",
    "holder_name_zh": "贵州黔峰水泥有限责任公司",
    "holder_name_en": "Guizhou Qianfeng Cement Co., Ltd.",
    "holder_address": "贵州省贵阳市观山湖区林城西路 88 号",
    "holder_credit_code": "91520100MA6DK0XX1Q",
    "manufacturer_name_zh": "贵州黔峰水泥有限责任公司",
    "manufacturer_address": "贵州省贵阳市观山湖区林城西路 88 号",
    "factory_name": "贵州黔峰水泥有限责任公司修文工厂",
    "factory_address": "贵州省贵阳市修文县扎佐镇工业园区 1 号",
    "product_name_zh": "P·O 42.5 普通硅酸盐水泥",
    "product_name_en": "P·O 42.5 ordinary Portland cement",
    "series": "黔峰牌",
    "model_spec": "P·O 42.5（袋装 50 kg / 散装）",
    "category_name_zh": "水泥",
    "category_name_en": "Cement",
    "standard": "绿色建材评价 水泥 (criteria 2026.1)",
    "certification_mode": "文件审核 + 初始工厂检查 + 产品抽样检测 + 获证后监督",
    "gwp_a1a3": 812.4,
    "declared_unit": "t",
    "gwp_provenance": "verified_epd",
    "issued_on": date(2026, 3, 1),
    "valid_until": date(2031, 2, 28),
    "change_date": None,
    "body_name_zh": "贵州省绿色建材认证中心",
    "body_name_en": "Guizhou Green Building Material Certification Centre",
}


def _ms(seconds: list[float]) -> str:
    median = statistics.median(seconds) * 1000
    p90 = statistics.quantiles(seconds, n=10, method="inclusive")[8] * 1000
    return f"median {median:7.1f} ms   p90 {p90:7.1f} ms"


def _render_and_sign(args) -> None:
    with tempfile.TemporaryDirectory() as instance:
        identity = ensure_signing_identity(instance)
        render_times, sign_times, total_times, cpu_times = [], [], [], []
        for run in range(args.warmup + args.runs):
            start, cpu = time.perf_counter(), time.process_time()
            rendered = render_certificate_pdf(
                CONTEXT, static_dir=str(STATIC_DIR), verify_url=VERIFY_URL
            )
            middle = time.perf_counter()
            signed = sign_pdf(rendered, identity, reason=f"Certificate {CONTEXT['number']}")
            end = time.perf_counter()
            if run == 0:
                print(f"first render + sign in this process (fonts loading): {_one(end - start)}")
            if run >= args.warmup:  # the warm-up loads fonts, templates and the key
                render_times.append(middle - start)
                sign_times.append(end - middle)
                total_times.append(end - start)
                cpu_times.append(time.process_time() - cpu)
        check = verify_pdf_signature(signed, identity)
        assert check.ok, check  # time nothing that would not verify

    print(f"Certificate PDF: render (WeasyPrint) + sign (pyHanko PAdES-B), {args.runs} runs")
    print(f"after {args.warmup} warm-up runs, one process; PDF {len(signed) / 1024:.0f} KiB")
    print(f"  render  {_ms(render_times)}")
    print(f"  sign    {_ms(sign_times)}")
    print(f"  total   {_ms(total_times)}")
    print(f"  total CPU time of this process {_ms(cpu_times)} (less sensitive to other load)")
    _machine()


def _one(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _machine() -> None:
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(
        f"machine: {platform.machine()}, nproc {affinity} (cpu_count {os.cpu_count()}), "
        f"{platform.system()} {platform.release()}, load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"python {platform.python_version()} ({sys.implementation.name}); weasyprint "
        f"{version('weasyprint')}, pyhanko {version('pyhanko')}, cryptography "
        f"{version('cryptography')}, segno {version('segno')}"
    )


def _timed_get(client, url: str) -> tuple[float, float]:
    """Return the wall and CPU seconds of one GET (CPU: this process only, so less noisy)."""
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    timing = time.perf_counter() - wall, time.process_time() - cpu
    assert response.status_code == 200 and len(response.data) > 10_000, response.status_code
    return timing


def _download(runs: int) -> dict:
    """Time downloads of certificates issued by the services (two, so one is new when warm)."""
    # Imported here: this part runs in the tree being measured (PYTHONPATH), main or a branch.
    from certification.criteria.store import load_shipped_criteria
    from greenbm import create_app
    from greenbm.db import get_session
    from greenbm.migrate import upgrade
    from seeds.loader import load_categories
    from tests.factories import issue_test_certificate, make_body

    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "INSTANCE_DIR": str(instance),
                "DATABASE_URL": f"sqlite:///{instance / 'bench.sqlite3'}",
                "EVIDENCE_DIR": str(instance / "evidence"),
                "SEARCH_INDEX_DIR": str(instance / "index"),
                "PUBLIC_BASE_URL": "https://greenbm.example.cn",
            }
        )
        upgrade(app)
        with app.app_context():
            session = get_session()
            load_categories(session=session)
            load_shipped_criteria(session=session)
            body, reviewer = make_body(session)
            numbers = [
                issue_test_certificate(session, body=body, reviewer=reviewer).number
                for _ in range(2)
            ]
            session.commit()
        client = app.test_client()
        first, second = (f"/certificates/{number}.pdf" for number in numbers)
        result = {"cold": _timed_get(client, first), "warm": [], "warm_cpu": []}
        for _ in range(runs):
            wall, cpu = _timed_get(client, first)
            result["warm"].append(wall)
            result["warm_cpu"].append(cpu)
        # A certificate never downloaded, in a warm process: render + sign + store (+ record).
        result["new"] = _timed_get(client, second)
        app.extensions["db_engine"].dispose()
    return result


def _download_in(tree: Path, runs: int) -> dict:
    """Run the download timing in a fresh process importing the tree's code first."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, __file__, "--download-json", "--runs", str(runs)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:7.1f} ms"


def _report(name: str, tree: Path, found: dict) -> None:
    print(f"  {name} ({tree})")
    print(f"    warm download        wall {_ms(found['warm'])}")
    print(f"    warm download        CPU  {_ms(found['warm_cpu'])}")
    for key, label in (("new", "new certificate, warm"), ("cold", "first, fresh process")):
        walls, cpus = zip(*found[key], strict=True)
        print(f"    {label:21}wall median {_median_ms(walls)}   CPU median {_median_ms(cpus)}")


def _compare(baseline: Path, runs: int, rounds: int) -> None:
    here = Path(__file__).resolve().parent.parent
    trees = {"baseline": baseline.resolve(), "this tree": here}
    results = {name: {"cold": [], "new": [], "warm": [], "warm_cpu": []} for name in trees}
    for _ in range(rounds):  # in turns, so that a burst of load hits both
        for name, tree in trees.items():
            result = _download_in(tree, runs)
            for key in ("cold", "new"):
                results[name][key].append(result[key])
            for key in ("warm", "warm_cpu"):
                results[name][key].extend(result[key])
    print(f"GET /certificates/<number>.pdf, Flask test client, SQLite; {rounds} rounds in turns,")
    print(f"each a fresh process: a first download, {runs} warm ones, a new certificate's first")
    for name, tree in trees.items():
        _report(name, tree, results[name])
    for key in ("warm", "warm_cpu"):
        ratio = statistics.median(results["baseline"][key]) / statistics.median(
            results["this tree"][key]
        )
        print(f"  {key} p50: the baseline takes {ratio:.2f}x as long as this tree")
    _machine()


def main() -> None:
    """Time render + sign (default), the download (--download), or both trees (--compare)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--download", action="store_true", help="Time the download here.")
    parser.add_argument("--download-json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--compare", type=Path, metavar="TREE", help="Baseline tree to compare.")
    parser.add_argument("--rounds", type=int, default=3, help="Turns per tree with --compare.")
    args = parser.parse_args()
    if args.download_json:
        print(json.dumps(_download(args.runs)))
    elif args.compare:
        _compare(args.compare, args.runs, args.rounds)
    elif args.download:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.factories
        _report(
            "this tree",
            Path.cwd(),
            {**(found := _download(args.runs)), "cold": [found["cold"]], "new": [found["new"]]},
        )
        _machine()
    else:
        _render_and_sign(args)


if __name__ == "__main__":
    main()
