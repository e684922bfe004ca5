"""Generate a synthetic catalogue of published products (in SQLite by default) for the benches.

    python bench/search/generate.py --out /tmp/greenbm-bench --products 100000
    python bench/search/generate.py --database-url postgresql+psycopg://…/greenbm_load

With --database-url the catalogue goes into that (empty) database instead, e.g. PostgreSQL
for the load bench. Rows go in through the real table models (bulk inserts); categories come
from the shipped seed file. Deterministic for a given --seed.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session, select

from accounts.credit_code import make_credit_code
from accounts.divisions import DIVISIONS
from accounts.models import Organisation, OrganisationKind
from catalog.models import Category, Plant, Product, ProductStatus
from greenbm import create_app
from greenbm.migrate import upgrade
from seeds.loader import load_categories

# Towns with their division, and the pinyin used in English company names.
TOWNS = [
    ("福泉", "Fuquan", "522700"), ("息烽", "Xifeng", "520100"), ("开阳", "Kaiyang", "520100"),
    ("惠水", "Huishui", "522700"), ("安顺", "Anshun", "520400"), ("清镇", "Qingzhen", "520100"),
    ("修文", "Xiuwen", "520100"), ("遵义", "Zunyi", "520300"), ("仁怀", "Renhuai", "520300"),
    ("毕节", "Bijie", "520500"), ("织金", "Zhijin", "520500"), ("六盘水", "Liupanshui", "520200"),
    ("盘州", "Panzhou", "520200"), ("铜仁", "Tongren", "520600"), ("凯里", "Kaili", "522600"),
    ("都匀", "Duyun", "522700"), ("兴义", "Xingyi", "522300"), ("赤水", "Chishui", "520300"),
]  # fmt: skip
BRANDS = [
    ("黔峰", "Qianfeng"), ("乌江", "Wujiang"), ("红枫", "Hongfeng"), ("苗岭", "Miaoling"),
    ("梵净", "Fanjing"), ("黔源", "Qianyuan"), ("磷都", "Lindu"), ("绿筑", "Lvzhu"),
    ("山城", "Shancheng"), ("云岭", "Yunling"), ("夜郎", "Yelang"), ("南明", "Nanming"),
    ("盘江", "Panjiang"), ("赤水河", "Chishuihe"), ("娄山", "Loushan"), ("百里杜鹃", "Dujuan"),
]  # fmt: skip

# Per category: (industry zh, industry en), product lines (name zh, name en, model choices),
# description sentences (zh, en), certificate abbreviation, variants.
CATEGORIES = {
    "cement": {
        "industry": ("水泥", "Cement"),
        "abbr": "CEM",
        "lines": [
            ("普通硅酸盐水泥", "ordinary Portland cement", ["P·O 42.5", "P·O 52.5", "P·O 42.5R"]),
            ("复合硅酸盐水泥", "composite Portland cement", ["P·C 32.5R", "P·C 42.5"]),
            ("矿渣硅酸盐水泥", "Portland slag cement", ["P·S·A 32.5", "P·S·B 42.5"]),
            ("粉煤灰硅酸盐水泥", "Portland fly-ash cement", ["P·F 32.5", "P·F 42.5"]),
            ("硅酸盐水泥", "Portland cement", ["P·II 52.5", "P·I 42.5"]),
            ("低热硅酸盐水泥", "low-heat Portland cement", ["P·LH 42.5"]),
            ("道路硅酸盐水泥", "road Portland cement", ["P·R 42.5"]),
        ],
        "sentences": [
            (
                "采用新型干法回转窑生产线，熟料热耗低于行业基准水平。",
                "Made on a new dry-process rotary kiln line, clinker heat use below the benchmark.",
            ),
            (
                "以磷石膏替代天然石膏作缓凝剂。",
                "Phosphogypsum replaces natural gypsum as the set retarder.",
            ),
            (
                "掺用电石渣、钢渣和矿渣粉替代部分石灰石。",
                "Carbide slag, steel slag and slag powder replace part of the limestone.",
            ),
            (
                "适用于工业与民用建筑、道路桥梁及水利工程。",
                "For industrial and civil buildings, roads, bridges and water works.",
            ),
            (
                "窑尾配套余热发电，吨熟料发电量约 35 kWh。",
                "Waste-heat power generation at the kiln tail, about 35 kWh per tonne of clinker.",
            ),
            ("袋装 50 kg 或散装供应。", "Supplied in 50 kg bags or in bulk."),
        ],
    },
    "concrete": {
        "industry": ("混凝土", "Concrete"),
        "abbr": "CON",
        "lines": [
            ("预拌混凝土", "ready-mix concrete", ["C25", "C30"]),
            ("商品混凝土", "commercial concrete", ["C30", "C35"]),
            ("泵送混凝土", "pumped concrete", ["C35", "C40"]),
            ("高性能混凝土", "high-performance concrete", ["C45", "C50", "C60"]),
            ("再生骨料混凝土", "recycled-aggregate concrete", ["C25", "C30"]),
        ],
        "sentences": [
            (
                "掺加粉煤灰和矿渣粉，降低水泥用量。",
                "Fly ash and slag powder reduce the cement content.",
            ),
            ("使用机制砂和再生骨料。", "Uses manufactured sand and recycled aggregate."),
            (
                "搅拌站配备砂石分离与废水回收系统。",
                "The batching plant recycles wash water and separates sand and gravel.",
            ),
            ("坍落度 180±20 mm，适合泵送施工。", "Slump 180±20 mm, suitable for pumping."),
        ],
    },
    "flat-glass": {
        "industry": ("玻璃", "Glass"),
        "abbr": "GLS",
        "lines": [
            ("Low-E 镀膜玻璃", "low-E coated glass", ["6mm", "8mm", "6+12A+6"]),
            ("浮法玻璃", "float glass", ["5mm", "6mm", "10mm"]),
            ("超白浮法玻璃", "ultra-clear float glass", ["6mm", "12mm"]),
            ("中空玻璃", "insulating glass unit", ["5+12A+5", "6+12A+6"]),
            ("钢化玻璃", "tempered glass", ["6mm", "8mm"]),
            ("夹层玻璃", "laminated glass", ["6+0.76PVB+6"]),
        ],
        "sentences": [
            (
                "600 t/d 浮法生产线，全氧燃烧，碎玻璃掺比 25%。",
                "A 600 t/d float line with oxy-fuel firing and 25% cullet.",
            ),
            (
                "离线磁控溅射镀膜，传热系数低。",
                "Off-line magnetron sputtered coating with a low U-value.",
            ),
            ("用于门窗、幕墙及采光顶。", "For windows, curtain walls and skylights."),
            (
                "可见光透射比高，遮阳系数可选。",
                "High visible transmittance with a choice of shading coefficients.",
            ),
        ],
    },
    "ceramic-tile": {
        "industry": ("陶瓷", "Ceramics"),
        "abbr": "TIL",
        "lines": [
            ("抛光砖", "polished porcelain tile", ["800×800mm", "600×1200mm"]),
            ("仿古砖", "rustic tile", ["600×600mm", "300×300mm"]),
            ("釉面内墙砖", "glazed wall tile", ["300×600mm", "400×800mm"]),
            ("薄型陶瓷砖", "thin ceramic tile", ["900×1800mm 5.5mm"]),
            ("陶瓷大板", "large ceramic slab", ["1200×2400mm", "1600×3200mm"]),
        ],
        "sentences": [
            (
                "坯体中掺用抛光废渣和煤矸石。",
                "Polishing waste and coal gangue are used in the body.",
            ),
            ("辊道窑烧成，天然气清洁燃料。", "Fired in a roller kiln on natural gas."),
            ("吸水率 E≤0.5%，防滑等级 R10。", "Water absorption E≤0.5%, slip resistance R10."),
            ("适用于公共建筑地面与墙面。", "For floors and walls of public buildings."),
        ],
    },
    "sanitary-ceramic": {
        "industry": ("卫浴", "Sanitary Ware"),
        "abbr": "SAN",
        "lines": [
            ("节水型坐便器", "water-saving toilet", ["4.0L", "5.0L", "3.5/5.0L"]),
            ("陶瓷洗面器", "ceramic washbasin", ["台下盆", "柱盆"]),
            ("蹲便器", "squat toilet", ["5.0L"]),
            ("小便器", "urinal", ["壁挂式"]),
        ],
        "sentences": [
            (
                "一级用水效率，冲洗功能满足 GB/T 6952。",
                "Grade-1 water efficiency; flushing meets GB/T 6952.",
            ),
            (
                "隧道窑烧成，回收废瓷粉用于坯料。",
                "Tunnel-kiln fired; waste porcelain powder goes back into the body.",
            ),
            ("釉面易洁，抗菌。", "Easy-clean antibacterial glaze."),
        ],
    },
    "lime": {
        "industry": ("石灰", "Lime"),
        "abbr": "LIM",
        "lines": [
            ("活性石灰", "active lime", ["CL 90-Q", "CL 85-Q"]),
            ("建筑生石灰", "building quicklime", ["CL 85", "CL 75"]),
            ("消石灰粉", "hydrated lime powder", ["HCL 90"]),
            ("钙质石灰", "calcium lime", ["CL 90"]),
        ],
        "sentences": [
            ("双膛竖窑煅烧，单线产能 600 t/d。", "Burnt in a twin-shaft kiln of 600 t/d."),
            (
                "窑气二氧化碳回收用于轻质碳酸钙。",
                "Kiln-gas CO2 is captured for precipitated calcium carbonate.",
            ),
            (
                "用于钢铁冶炼、建筑砂浆和脱硫。",
                "For steelmaking, building mortar and desulphurisation.",
            ),
        ],
    },
    "fired-brick": {
        "industry": ("砖业", "Brick"),
        "abbr": "BRK",
        "lines": [
            ("煤矸石烧结多孔砖", "fired coal-gangue perforated brick", ["MU15 240×115×90", "MU10"]),
            ("页岩烧结空心砌块", "fired shale hollow block", ["MU10 240×240×115"]),
            ("粉煤灰烧结砖", "fired fly-ash brick", ["MU15"]),
            ("淤泥烧结保温砌块", "fired sludge insulating block", ["MU7.5"]),
        ],
        "sentences": [
            (
                "以煤矸石为主要原料，内燃烧砖，不外加燃料。",
                "Coal gangue is the main raw material and fuels the firing itself.",
            ),
            ("隧道窑一次码烧。", "Set once and fired in a tunnel kiln."),
            ("孔洞率 28%，保温隔热。", "28% voids for thermal insulation."),
        ],
    },
    "aac-block": {
        "industry": ("新型建材", "New Building Materials"),
        "abbr": "AAC",
        "lines": [
            (
                "蒸压加气混凝土砌块",
                "autoclaved aerated concrete block",
                ["B06 A5.0 600×240×200", "B05 A3.5 600×200×200"],
            ),
            ("磷石膏蒸压加气混凝土砌块", "phosphogypsum AAC block", ["B06 A5.0", "B05 A3.5"]),
            ("粉煤灰加气混凝土砌块", "fly-ash aerated concrete block", ["B06 A3.5", "B07 A5.0"]),
            ("蒸压加气混凝土板", "AAC panel", ["B06 2400×600×150"]),
        ],
        "sentences": [
            (
                "以磷石膏、粉煤灰为主要原料，固废掺量超过 70%。",
                "Phosphogypsum and fly ash make up over 70% of the raw material.",
            ),
            ("干密度级别 B06，强度级别 A5.0。", "Dry-density grade B06, strength grade A5.0."),
            (
                "用于框架结构填充墙和内隔墙。",
                "For infill walls of frame structures and partitions.",
            ),
            (
                "蒸压釜养护，尺寸精度高，可薄层砌筑。",
                "Autoclave-cured with tight tolerances for thin-bed laying.",
            ),
        ],
    },
    "gypsum": {
        "industry": ("石膏建材", "Gypsum Products"),
        "abbr": "GYP",
        "lines": [
            ("磷石膏纸面石膏板", "phosphogypsum plasterboard", ["9.5mm", "12mm"]),
            ("脱硫石膏纸面石膏板", "FGD gypsum plasterboard", ["9.5mm", "12mm"]),
            ("耐水纸面石膏板", "moisture-resistant plasterboard", ["12mm"]),
            ("磷石膏基自流平砂浆", "phosphogypsum self-levelling mortar", ["25kg"]),
            ("建筑石膏粉", "building plaster", ["2.0级", "3.0级"]),
            ("粉刷石膏", "gypsum plaster", ["底层", "面层"]),
        ],
        "sentences": [
            (
                "以福泉、开阳磷化工副产磷石膏为原料，经净化改性处理。",
                "Made from purified by-product phosphogypsum of the Fuquan and Kaiyang "
                "phosphate industry.",
            ),
            ("磷石膏掺量 95% 以上。", "Over 95% phosphogypsum content."),
            ("用于吊顶和轻钢龙骨隔墙。", "For ceilings and light-steel-stud partitions."),
            ("防火、隔声性能良好。", "Good fire resistance and sound insulation."),
        ],
    },
    "wood-bamboo": {
        "industry": ("竹木", "Bamboo and Wood"),
        "abbr": "WBB",
        "lines": [
            ("竹集成材", "laminated bamboo lumber", ["ENF 20mm", "E0 30mm"]),
            ("重组竹地板", "strand-woven bamboo flooring", ["ENF 14mm", "E0 15mm"]),
            ("竹胶合板", "bamboo plywood", ["E0 18mm", "E1 15mm"]),
            ("实木复合地板", "engineered wood flooring", ["ENF 15mm", "E0 15mm"]),
            ("细木工板", "blockboard", ["E1 18mm"]),
        ],
        "sentences": [
            (
                "选用赤水竹林基地毛竹，竹林经 FSC 认证。",
                "Moso bamboo from certified Chishui groves (FSC).",
            ),
            (
                "甲醛释放量达到 ENF 级（≤0.025 mg/m³）。",
                "Formaldehyde emission class ENF (≤0.025 mg/m³).",
            ),
            ("采用无醛胶黏剂，热压成型。", "Hot-pressed with a formaldehyde-free adhesive."),
            ("用于室内装修、家具和结构构件。", "For interiors, furniture and structural members."),
        ],
    },
}
SHARED = [
    (
        "通过 ISO 9001 质量管理体系和 ISO 14001 环境管理体系认证。",
        "Certified to ISO 9001 and ISO 14001.",
    ),
    ("产品碳足迹经第三方核查。", "The product carbon footprint is third-party verified."),
    (
        "工厂位于贵州省，就近供应省内政府投资项目。",
        "Made in Guizhou for government-investment projects in the province.",
    ),
    (
        "绿色低碳，符合绿色建材政府采购需求标准。",
        "Low-carbon and meeting the green building-material procurement demand standard.",
    ),
]
SERIES = ["", "", "绿能", "低碳", "优选", "精品", "工程", "节能"]
BODIES = ["GZGBM", "GZJC", "CGBM"]
STATUS_WEIGHTS = {"valid": 80, "suspended": 7, "revoked": 3, "expired": 10}
STARS_WEIGHTS = {1: 45, 2: 35, 3: 20}
VARIANT_OF = {
    "concrete": lambda model: "le_c30" if model in ("C25", "C30") else (
        "ge_c50" if model in ("C50", "C60") else "c35_c45"),
    "ceramic-tile": lambda model: "e_le_0_5",
}  # fmt: skip
GWP_REFERENCE = {
    "cement": 735, "concrete": 295, "flat-glass": 1130, "ceramic-tile": 14,
    "sanitary-ceramic": 1400, "lime": 1190, "fired-brick": 292, "aac-block": 250,
    "gypsum": 4.0, "wood-bamboo": 300,
}  # fmt: skip


def _organisations(rng: random.Random, count: int) -> list[dict]:
    rows, now = [], datetime.now(UTC)
    codes = list(CATEGORIES)
    for n in range(count):
        town_zh, town_en, division = rng.choice(TOWNS)
        brand_zh, brand_en = rng.choice(BRANDS)
        category = codes[n % len(codes)]
        ind_zh, ind_en = CATEGORIES[category]["industry"]
        rows.append(
            {
                "kind": OrganisationKind.MANUFACTURER,
                "name_zh": f"贵州{town_zh}{brand_zh}{ind_zh}有限公司{n:04d}",
                "name_en": f"Guizhou {town_en} {brand_en} {ind_en} Co., Ltd. {n:04d}",
                "credit_code": make_credit_code(f"91{division}{n:09d}"),
                "division_code": division,
                "address": f"贵州省{DIVISIONS[division][0]}{town_zh}工业园区 {n % 90 + 1} 号",
                "created_at": now,
            }
        )
    return rows


def _product(rng: random.Random, n: int, org: dict, plant_id: int, categories: dict) -> dict:
    code = org["category"] if rng.random() < 0.85 else rng.choice(list(CATEGORIES))
    spec = CATEGORIES[code]
    category = categories[code]
    name_zh, name_en, models = rng.choice(spec["lines"])
    model = rng.choice(models)
    brand = org["brand"]
    series = rng.choice(SERIES)
    sentences = rng.sample(spec["sentences"], k=min(3, len(spec["sentences"])))
    sentences += rng.sample(SHARED, k=1)
    description = "".join(zh for zh, _ in sentences)
    if rng.random() < 0.5:
        description += " " + " ".join(en for _, en in sentences[:2])
    published = datetime(2021, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(2_800_000))
    row = {
        "manufacturer_id": org["id"],
        "plant_id": plant_id,
        "category_id": category.id,
        "name_zh": f"{brand}牌 {model} {name_zh}" if rng.random() < 0.5 else f"{name_zh} {model}",
        "name_en": f"{model} {name_en}",
        "series": f"{brand}{series}系列" if series else "",
        "model_spec": model,
        "description": description,
        "declared_unit": category.declared_unit,
        "variant": VARIANT_OF[code](model) if code in VARIANT_OF else None,
        "gwp_a1a3": round(GWP_REFERENCE[code] * rng.uniform(0.6, 1.15), 2),
        "gwp_provenance": rng.choice(["verified_epd", "verified_lca", "self_declared"]),
        "status": ProductStatus.PUBLISHED,
        "published_at": published,
        "created_at": published,
        "updated_at": published,
    }
    if rng.random() < 0.7:
        status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        year = rng.randrange(2021, 2027)
        valid_until = date(year + 5, 1, 1) - timedelta(days=rng.randrange(365))
        if status == "expired":
            valid_until = date(2025, 12, 31) - timedelta(days=rng.randrange(300))
        row.update(
            cert_number=f"{rng.choice(BODIES)}-{year}-{spec['abbr']}-{n:06d}",
            cert_stars=rng.choices(list(STARS_WEIGHTS), weights=list(STARS_WEIGHTS.values()))[0],
            cert_status=status,
            cert_valid_until=valid_until,
        )
    return row


def generate(
    out: Path, products: int, seed: int = 2026, echo=print, database_url: str | None = None
) -> Path | str:
    """Create the catalogue in out/bench.sqlite3, or in the empty database at database_url.

    Return the SQLite path, or database_url.
    """
    out.mkdir(parents=True, exist_ok=True)
    path = out / "bench.sqlite3"
    if database_url is None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    app = create_app(
        {
            "DATABASE_URL": database_url or f"sqlite:///{path}",
            "INSTANCE_DIR": str(out / "instance"),
            "SECRET_KEY": "bench",
            "TESTING": True,
        }  # fmt: skip
    )
    upgrade(app)
    engine = app.extensions["db_engine"]
    rng = random.Random(seed)
    started = time.perf_counter()
    with Session(engine) as session:
        # A database of another run is not wiped here (it may not be ours): refuse it instead.
        if session.exec(select(Product.id).limit(1)).first() is not None:
            raise SystemExit(f"{database_url or path} already holds products: give an empty one")
        load_categories(session=session)
        session.commit()
        categories = {c.code: c for c in session.exec(select(Category)).all()}
        orgs = _organisations(rng, max(products // 100, 10))
        session.execute(insert(Organisation), orgs)
        ids = session.exec(select(Organisation.id).order_by(Organisation.id)).all()
        plants = [
            {
                "manufacturer_id": oid,
                "name": f"{o['name_zh']}生产基地",
                "division_code": o["division_code"],
                "address": o["address"],
            }  # fmt: skip
            for oid, o in zip(ids, orgs, strict=True)
        ]
        session.execute(insert(Plant), plants)
        plant_ids = session.exec(select(Plant.id).order_by(Plant.id)).all()
        codes = list(CATEGORIES)
        owners = [
            {"id": oid, "category": codes[n % len(codes)], "brand": rng.choice(BRANDS)[0]}
            for n, oid in enumerate(ids)
        ]
        batch = []
        for n in range(products):
            owner = n % len(owners)
            batch.append(_product(rng, n + 1, owners[owner], plant_ids[owner], categories))
            if len(batch) == 5000:
                session.execute(insert(Product), batch)
                batch = []
        if batch:
            session.execute(insert(Product), batch)
        session.commit()
    engine.dispose()
    target = database_url or path
    echo(f"generated {products} products in {time.perf_counter() - started:.1f} s: {target}")
    return target


def main() -> None:
    """Parse the command line and generate the database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/greenbm-bench"))
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--database-url",
        help="an empty database to fill instead of --out/bench.sqlite3 (--out keeps the instance)",
    )
    args = parser.parse_args()
    generate(args.out, args.products, args.seed, database_url=args.database_url)


if __name__ == "__main__":
    main()
