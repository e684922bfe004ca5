"""Time rendering and signing one certificate PDF, many times in one warm process."""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from importlib.metadata import version

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


def main() -> None:
    """Render and sign the sample certificate N times after a warm-up; print the timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as instance:
        identity = ensure_signing_identity(instance)
        render_times, sign_times, total_times = [], [], []
        for run in range(args.warmup + args.runs):
            start = time.perf_counter()
            rendered = render_certificate_pdf(
                CONTEXT, static_dir=str(STATIC_DIR), verify_url=VERIFY_URL
            )
            middle = time.perf_counter()
            signed = sign_pdf(rendered, identity, reason=f"Certificate {CONTEXT['number']}")
            end = time.perf_counter()
            if run >= args.warmup:  # the warm-up loads fonts, templates and the key
                render_times.append(middle - start)
                sign_times.append(end - middle)
                total_times.append(end - start)
        check = verify_pdf_signature(signed, identity)
        assert check.ok, check  # time nothing that would not verify

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(f"Certificate PDF: render (WeasyPrint) + sign (pyHanko PAdES-B), {args.runs} runs")
    print(f"after {args.warmup} warm-up runs, one process; PDF {len(signed) / 1024:.0f} KiB")
    print(f"  render  {_ms(render_times)}")
    print(f"  sign    {_ms(sign_times)}")
    print(f"  total   {_ms(total_times)}")
    print(
        f"machine: {platform.machine()}, nproc {affinity} (cpu_count {os.cpu_count()}), "
        f"{platform.system()} {platform.release()}, load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"python {platform.python_version()} ({sys.implementation.name}); weasyprint "
        f"{version('weasyprint')}, pyhanko {version('pyhanko')}, cryptography "
        f"{version('cryptography')}, segno {version('segno')}"
    )


if __name__ == "__main__":
    main()
