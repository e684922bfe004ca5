"""English mode is English: every page of the access table, for every principal who may see it,
shows no Chinese text but proper names (the Chinese names the world's users typed), a Chinese
name on the same line as its English one, and a short allow-list."""

import re
from html.parser import HTMLParser

import pytest
from sqlmodel import Session, select

from accounts.models import ApiKey, Organisation, User
from catalog.models import Category, Plant, Product
from certification.applications.review import start_review
from procurement.models import ProcurementList, Project
from tests.security.access_table import ROUTES
from tests.security.test_access import url_of
from tests.security.world import PRINCIPALS

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")

# Chinese that may stand on an English page, each for a reason:
ALLOWED = {
    "中文",  # the language switch names the other language in that language
    "绿",  # the brand's logo mark (a glyph, aria-hidden), like a company's logo
    # The code's official name, as printed on business licences, beside its English name:
    # what a buyer looks for on the supplier's papers.
    "统一社会信用代码",
}

# Developer words: file paths of the code base, parser output.
DEVELOPER = re.compile(
    r"seeds/|\.toml\b|\.py\b|Traceback|Expecting |Value error|Input should|TOML syntax"
)

# Attributes a reader meets (tooltips, screen readers, placeholders, button captions).
_READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}


class _Text(HTMLParser):
    """Collect the text a reader sees or hears: text nodes and readable attributes."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        for name, value in attrs:
            readable = name in _READ_ATTRIBUTES or (tag == "input" and name == "value")
            # A field for the Chinese name holds Chinese by definition.
            chinese_field = tag == "input" and dict(attrs).get("name", "").endswith("_zh")
            if value and readable and not chinese_field:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """Return the page's readable text, one part a line."""
    parser = _Text()
    parser.feed(html)
    return "\n".join(p.strip() for p in parser.parts if p.strip())


def bilingual_names(session: Session) -> list[tuple[str, str]]:
    """Return the (Chinese, English) names of categories, products and organisations."""
    pairs = []
    for model in (Category, Product, Organisation):
        pairs += [(zh, en) for zh, en in session.exec(select(model.name_zh, model.name_en)) if en]
    return pairs


def proper_names(session: Session) -> set[str]:
    """Return the Chinese names the world's users typed: organisations, plants, products..."""
    names: set[str] = set()
    for column in (
        Organisation.name_zh,
        Plant.name,
        Product.name_zh,
        Product.model_spec,
        Product.epd_programme_operator,
        Product.epd_verifier,
        ApiKey.name,
        Project.name,
        Project.owner_unit,
        ProcurementList.name,
    ):
        names.update(v for v in session.exec(select(column)).all() if v)
    return names


def chinese_left(text: str, names: set[str], pairs: list[tuple[str, str]]) -> list[str]:
    """Return the Chinese runs left once proper names, names beside their English one and
    ALLOWED are taken out."""
    lines = []
    for line in text.splitlines():
        for zh, en in pairs:
            if en in line:
                line = line.replace(zh, " ")
        lines.append(line)
    text = "\n".join(lines)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return [run for run in CJK.findall(text) if run not in ALLOWED]


PAGES = [
    (route, principal)
    for route in ROUTES
    if route.method == "GET" and route.endpoint not in {"static"}
    for principal in PRINCIPALS
    if route.answer(principal) == "ok"
]


@pytest.fixture(scope="module")
def names(secure_app, world):
    """Return the world's proper names and bilingual names, once a Chinese reviewer has acted.

    The reviewer works in Chinese, so the notification maker A reads was caused in Chinese.
    """
    with (
        Session(secure_app.extensions["db_engine"], expire_on_commit=False) as session,
        secure_app.test_request_context(headers={"Accept-Language": "zh-CN"}),
    ):
        reviewer = session.get(User, world.users["reviewer_a"].id)
        start_review(session=session, actor=reviewer, application_id=world.ids["app_submitted"])
        session.commit()
        return proper_names(session), bilingual_names(session)


@pytest.mark.parametrize(("route", "principal"), PAGES, ids=[f"{r.id} as {p}" for r, p in PAGES])
def test_english_page_has_no_chinese(secure_app, world, names, route, principal):
    """An English reader's page holds no Chinese but proper names."""
    response = world.clients[principal].get(url_of(secure_app, world, route))
    html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    response.close()  # file downloads stream from disk
    assert response.status_code == 200
    text = visible_text(html)
    assert not DEVELOPER.findall(text), "developer words on the page"
    left = chinese_left(text, *names)
    assert not left, f"Chinese on the English page: {sorted(set(left))[:20]}"


def test_a_notification_caused_in_chinese_reads_english(secure_app, world, names):
    """The check above sees a notification the reviewer caused while working in Chinese."""
    page = world.clients["maker_a"].get("/notifications").get_data(as_text=True)
    assert f"Your application {world.ids['app_submitted']} is under review." in page
