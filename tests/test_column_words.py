"""Column heads and link words that said something else in Chinese (issue 13, smaller items)."""

import re

from tests.catalog.catalogue_data import make_catalogue
from tests.dashboard.conftest import build_world
from tests.procurement.conftest import make_officer, make_project_list


def _chinese(client, url: str) -> str:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _heads(html: str, testid: str) -> list[str]:
    table = re.search(rf'<table[^>]*data-testid="{testid}".*?</thead>', html, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", table)]


def test_the_alert_table_counts_certificates_under_a_count_head(client, session):
    build_world(session)
    heads = _heads(_chinese(client, "/dashboard"), "table-certificate-alerts")
    assert heads == ["关注类型", "证书数量"]


def test_the_project_table_heads_its_name_column_project_name(client, session, login):
    officer = make_officer(session)
    make_project_list(session, officer)
    session.commit()
    login(officer)
    heads = _heads(_chinese(client, "/procurement"), "projects")
    assert heads[0] == "项目名称"


def test_the_comparison_says_remove_from_comparison(client, session):
    catalogue = make_catalogue(session)
    ids = ",".join(str(p.id) for p in list(catalogue.products.values())[:2])
    html = _chinese(client, f"/catalog/compare?ids={ids}")
    table = re.search(r'data-testid="comparison".*?</thead>', html, re.S).group(0)
    assert table.count(">移出对比</a>") == 2
    assert ">删除</a>" not in table
