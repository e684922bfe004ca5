"""Prepare the load bench's PostgreSQL catalogue: products, certificates, index, request targets.

    python bench/load/prepare.py --database-url postgresql+psycopg://postgres@127.0.0.1/greenbm_load

The products come from the search bench's generator (bench/search/generate.py). It only
writes each product's certificate summary, so this adds what the public pages and the API read:
the shipped criteria, three certification bodies, and for each certified product an approved
application, its certificate (same number, stars, status and dates) and the certificate's
history. Then it builds the search index and writes targets.json, the ids, numbers and credit
codes the locustfile requests (all of them exist). A finished preparation is reused unless
--rebuild is given.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import create_engine, func, insert, make_url, text
from sqlmodel import Session, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "search"))

import generate  # noqa: E402

from accounts.credit_code import make_credit_code  # noqa: E402
from accounts.models import Organisation, OrganisationKind  # noqa: E402
from catalog.models import Category, Plant, Product  # noqa: E402
from certification.certificates.issue import CERTIFICATION_MODE  # noqa: E402
from certification.criteria.store import (  # noqa: E402
    active_criteria,
    load_shipped_criteria,
)
from certification.models import (  # noqa: E402
    Application,
    ApplicationKind,
    ApplicationState,
    Certificate,
    CertificateEvent,
)
from greenbm.errors import NotFound  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1/greenbm_load"
DEFAULT_OUT = Path("/tmp/greenbm-load")
STATE_FILE = "prepared.json"
# The generator numbers certificates with these prefixes (generate.BODIES).
BODY_NAMES = {
    "GZGBM": ("贵州省绿色建材认证中心", "Guizhou Green Building Material Certification Centre"),
    "GZJC": ("贵州建材质量检验认证有限公司", "Guizhou Building Material Inspection Co., Ltd."),
    "CGBM": ("中绿建材认证有限公司", "China Green Building Material Certification Co., Ltd."),
}
BATCH = 5000


def environment(out: Path, database_url: str) -> dict[str, str]:
    """Return the app's environment for this bench (database, index and instance under out)."""
    return {
        **os.environ,
        "FLASK_APP": "greenbm",
        "DATABASE_URL": database_url,
        "INSTANCE_DIR": str(out / "instance"),
        "SEARCH_INDEX_DIR": str(out / "index"),
        "EVIDENCE_DIR": str(out / "evidence"),
        "SECRET_KEY": "load-bench",
    }


def _recreate_database(database_url: str) -> None:
    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()


def vacuum_analyze(database_url: str) -> None:
    """Vacuum and analyze the database: the planner needs statistics of the bulk-loaded tables
    (without them it expects ~100 rows in product), and autovacuum may be off or not yet run."""
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM (ANALYZE)"))
    engine.dispose()


def _bodies(session: Session) -> dict[str, int]:
    rows = [
        {
            "kind": OrganisationKind.CERTIFICATION_BODY,
            "name_zh": zh,
            "name_en": en,
            "credit_code": make_credit_code(f"12520000{n:09d}"),
            "division_code": "520100",
            "address": "贵州省贵阳市观山湖区",
            "cert_number_prefix": prefix,
            "created_at": datetime.now(UTC),
        }
        for n, (prefix, (zh, en)) in enumerate(BODY_NAMES.items())
    ]
    session.execute(insert(Organisation), rows)
    found = session.exec(
        select(Organisation.cert_number_prefix, Organisation.id).where(
            Organisation.kind == OrganisationKind.CERTIFICATION_BODY
        )
    ).all()
    return dict(found)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def _certificate_rows(session: Session):
    """Yield the certified products with what their certificate prints, in id order."""
    query = (
        select(
            Product.id,
            Product.manufacturer_id,
            Product.category_id,
            Product.cert_number,
            Product.cert_stars,
            Product.cert_status,
            Product.cert_valid_until,
            Product.name_zh,
            Product.name_en,
            Product.series,
            Product.model_spec,
            Product.gwp_a1a3,
            Product.declared_unit,
            Product.gwp_provenance,
            Organisation.name_zh,
            Organisation.name_en,
            Organisation.address,
            Organisation.credit_code,
            Plant.name,
            Plant.address,
        )
        .join(Organisation, Organisation.id == Product.manufacturer_id)
        .join(Plant, Plant.id == Product.plant_id)
        .where(Product.cert_number.is_not(None))
        .order_by(Product.id)
    )
    yield from session.exec(query)


def add_certificates(database_url: str, echo=print) -> int:
    """Store criteria, bodies and, per certified product, its application and certificate."""
    engine = create_engine(database_url)
    started = time.perf_counter()
    count = 0
    with Session(engine) as session:
        load_shipped_criteria(session=session)
        bodies = _bodies(session)
        categories = {c.id: c for c in session.exec(select(Category)).all()}
        versions = {}
        for category_id in categories:
            # Material types recorded without a label (steel, timber, ...) have no criteria;
            # the generator certifies products of labelled categories only.
            try:
                version, criteria = active_criteria(category_id, session=session)
            except NotFound:
                continue
            versions[category_id] = (version.id, f"{criteria.title_zh} ({criteria.version})")
        rows = list(_certificate_rows(session))
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            count += _insert_batch(session, batch, bodies, categories, versions)
        session.commit()
    engine.dispose()
    echo(f"added {count} certificates in {time.perf_counter() - started:.1f} s")
    return count


def _insert_batch(session, rows, bodies, categories, versions) -> int:
    applications, certificates, facts = [], [], []
    for row in rows:
        (pid, maker_id, category_id, number, stars, status, valid_until, *rest) = row
        issued_on = valid_until - relativedelta(years=5) + timedelta(days=1)
        body_prefix = number.split("-")[0]
        version_id, standard = versions[category_id]
        applications.append(
            {
                "kind": ApplicationKind.INITIAL,
                "product_id": pid,
                "manufacturer_id": maker_id,
                "body_id": bodies[body_prefix],
                "state": ApplicationState.APPROVED,
                "criteria_version_id": version_id,
                "created_at": _at(issued_on - timedelta(days=60)),
                "updated_at": _at(issued_on),
                "submitted_at": _at(issued_on - timedelta(days=60)),
                "decided_at": _at(issued_on),
            }
        )
        facts.append((row, issued_on, body_prefix, standard))
    ids = session.scalars(
        insert(Application).returning(Application.id, sort_by_parameter_order=True), applications
    ).all()
    for application_id, (row, issued_on, body_prefix, standard) in zip(ids, facts, strict=True):
        (pid, maker_id, category_id, number, stars, status, valid_until, *printed) = row
        (name_zh, name_en, series, model, gwp, unit, provenance) = printed[:7]
        (holder_zh, holder_en, holder_address, credit_code, plant_name, plant_address) = printed[7:]
        category = categories[category_id]
        body_zh, body_en = BODY_NAMES[body_prefix]
        snapshot = {
            "holder_name_zh": holder_zh,
            "holder_name_en": holder_en or "",
            "holder_address": holder_address,
            "holder_credit_code": credit_code,
            "manufacturer_name_zh": holder_zh,
            "manufacturer_address": holder_address,
            "factory_name": plant_name,
            "factory_address": plant_address,
            "product_name_zh": name_zh,
            "product_name_en": name_en,
            "series": series,
            "model_spec": model,
            "category_code": category.code,
            "category_name_zh": category.name_zh,
            "category_name_en": category.name_en,
            "standard": standard,
            "certification_mode": CERTIFICATION_MODE,
            "gwp_a1a3": gwp,
            "declared_unit": unit,
            "gwp_provenance": provenance,
            "body_name_zh": body_zh,
            "body_name_en": body_en,
            "score": {1: 65.0, 2: 78.0, 3: 88.0}[stars],
        }
        certificates.append(
            {
                "number": number,
                "product_id": pid,
                "holder_id": maker_id,
                "body_id": bodies[body_prefix],
                "category_id": category_id,
                "criteria_version_id": versions[category_id][0],
                "application_id": application_id,
                "stars": stars,
                "status": status,
                "issued_on": issued_on,
                "valid_until": valid_until,
                "snapshot": json.dumps(snapshot, ensure_ascii=False),
                "next_surveillance_due": issued_on + relativedelta(months=6),
                "created_at": _at(issued_on),
                "updated_at": _at(issued_on),
            }
        )
    certificate_ids = session.scalars(
        insert(Certificate).returning(Certificate.id, sort_by_parameter_order=True), certificates
    ).all()
    events = []
    for certificate_id, certificate in zip(certificate_ids, certificates, strict=True):
        issued_on, status = certificate["issued_on"], certificate["status"]
        events.append(_event(certificate_id, None, "valid", "Issued", issued_on))
        changed = min(issued_on + timedelta(days=400), date.today() - timedelta(days=10))
        if status in ("suspended", "revoked"):
            events.append(_event(certificate_id, "valid", "suspended", "监督抽样不合格", changed))
        if status == "revoked":
            later = changed + timedelta(days=5)
            events.append(_event(certificate_id, "suspended", "revoked", "暂停期满未整改", later))
        if status == "expired":
            ended = certificate["valid_until"] + timedelta(days=1)
            events.append(_event(certificate_id, "valid", "expired", "Expired", ended))
    session.execute(insert(CertificateEvent), events)
    return len(certificates)


def _event(certificate_id: int, old: str | None, new: str, reason: str, on: date) -> dict:
    return {
        "certificate_id": certificate_id,
        "from_status": old,
        "to_status": new,
        "reason": reason,
        "at": _at(on),
    }


def write_targets(database_url: str, path: Path, seed: int = 7) -> dict:
    """Write the ids, certificate numbers and eligibility queries the load test requests."""
    rng = random.Random(seed)
    engine = create_engine(database_url)
    with Session(engine) as session:
        products = session.exec(select(Product.id).order_by(Product.id)).all()
        numbers = session.exec(
            select(Certificate.number, Certificate.status).order_by(Certificate.id)
        ).all()
        # Eligibility: the holders' own category (eligible, suspended, stars below …) and, a
        # quarter of the time, another category (no certificate there), as buyers would ask.
        holdings = session.exec(
            select(Organisation.credit_code, Category.code)
            .join(Certificate, Certificate.holder_id == Organisation.id)
            .join(Category, Category.id == Certificate.category_id)
            .group_by(Organisation.credit_code, Category.code)
        ).all()
        codes = session.exec(select(Category.code).order_by(Category.position)).all()
    engine.dispose()
    by_status: dict[str, list[str]] = {}
    for number, status in numbers:
        by_status.setdefault(status, []).append(number)
    eligibility = []
    for credit_code, category in rng.sample(holdings, k=min(5000, len(holdings))):
        if rng.random() < 0.25:
            category = rng.choice(codes)
        eligibility.append([credit_code, category, rng.choice([1, 1, 2, 3])])
    targets = {
        "products": rng.sample(products, k=min(20_000, len(products))),
        "certificates": {s: rng.sample(n, k=min(5000, len(n))) for s, n in by_status.items()},
        "eligibility": eligibility,
        "categories": codes,
    }
    path.write_text(json.dumps(targets))
    return targets


def _count(database_url: str) -> int | None:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(Certificate)).scalar()
    except Exception:  # a missing database or table: not prepared
        return None
    finally:
        engine.dispose()


def prepare(database_url: str, out: Path, products: int, *, rebuild: bool, echo=print) -> Path:
    """Build (or reuse) the database, index and targets; return the targets file."""
    out.mkdir(parents=True, exist_ok=True)
    state_path, targets = out / STATE_FILE, out / "targets.json"
    wanted = {"database_url": database_url, "products": products}
    if not rebuild and state_path.exists() and targets.exists():
        state = json.loads(state_path.read_text())
        if {k: state.get(k) for k in wanted} == wanted and _count(database_url) == state["certs"]:
            echo(f"reusing the prepared catalogue ({state_path}): migrate, vacuum and analyze")
            flask = str(ROOT / ".venv" / "bin" / "flask")
            env = environment(out, database_url)
            subprocess.run([flask, "db", "upgrade"], env=env, cwd=ROOT, check=True)
            vacuum_analyze(database_url)
            return targets
    state_path.unlink(missing_ok=True)
    echo(f"recreating {make_url(database_url).database} and generating {products:,} products")
    _recreate_database(database_url)
    generate.generate(out, products, database_url=database_url, echo=echo)
    certs = add_certificates(database_url, echo=echo)
    vacuum_analyze(database_url)
    echo("building the search index (flask catalog reindex, about 2-3 minutes for 100k)")
    env = environment(out, database_url)
    flask = str(ROOT / ".venv" / "bin" / "flask")
    subprocess.run([flask, "catalog", "reindex"], env=env, cwd=ROOT, check=True)
    write_targets(database_url, targets)
    state_path.write_text(json.dumps({**wanted, "certs": certs}))
    return targets


def main() -> None:
    """Parse the command line and prepare the catalogue."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true", help="even if a prepared one exists")
    args = parser.parse_args()
    prepare(args.database_url, args.out, args.products, rebuild=args.rebuild)


if __name__ == "__main__":
    main()
