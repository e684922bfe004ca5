"""A list's PDF is made once per content: served again while unchanged, made anew on a change."""

import io
import re
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from greenbm.document_store import content_key
from procurement import list_documents
from procurement.line_services import add_product_line
from tests.procurement.conftest import catalogue_product, lapse_certificate, make_project_list


@pytest.fixture
def renders(monkeypatch):
    """Count the lists WeasyPrint renders (the real renderer still runs)."""
    made = []
    real = list_documents.render_list_pdf

    def counting(context, *, static_dir):
        made.append(context["list_name"])
        return real(context, static_dir=static_dir)

    monkeypatch.setattr(list_documents, "render_list_pdf", counting)
    return made


@pytest.fixture
def listed(client, login, session, officer, maker):
    """Return (list, cement product) for a list of one certified cement line; sign in."""
    _project, item = make_project_list(session, officer)
    cement = catalogue_product(session, maker, "cement", gwp=655, number="GZGBM-2026-CEM-000301")
    add_product_line(
        session=session,
        actor=officer,
        list_id=item.id,
        product_id=cement.id,
        quantity="10",
        unit_price="450",
    )
    session.commit()
    login(officer)
    return item, cement


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def _stored(app, list_id: int) -> list[Path]:
    return sorted(list_documents.list_folder(app.config, list_id).glob("*.pdf"))


def test_an_unchanged_list_is_rendered_once_and_served_from_the_stored_file(
    app, client, listed, renders
):
    item, _cement = listed
    url = f"/procurement/lists/{item.id}/export.pdf"
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200
    assert second.mimetype == "application/pdf"
    assert len(renders) == 1
    assert first.get_data() == second.get_data()
    assert [p.read_bytes() for p in _stored(app, item.id)] == [first.get_data()]
    # One agency's list: not readable by other accounts on the host.
    assert [stat.S_IMODE(p.stat().st_mode) for p in _stored(app, item.id)] == [0o600]


def test_a_certificate_change_makes_a_new_file_that_replaces_the_old(
    app, client, session, listed, renders
):
    item, cement = listed
    url = f"/procurement/lists/{item.id}/export.pdf"
    before = client.get(url).get_data()
    assert "证书有效" in _text(before)
    lapse_certificate(session, cement, "suspended")
    after = client.get(url).get_data()
    assert len(renders) == 2
    assert "证书暂停" in _text(after) and "证书有效" not in _text(after)
    assert [p.read_bytes() for p in _stored(app, item.id)] == [after]


def test_a_new_line_makes_a_new_file(client, session, officer, maker, listed, renders):
    item, _cement = listed
    url = f"/procurement/lists/{item.id}/export.pdf"
    client.get(url)
    glass = catalogue_product(session, maker, "flat-glass", gwp=990, number="GZGBM-2026-GLA-0302")
    add_product_line(
        session=session,
        actor=officer,
        list_id=item.id,
        product_id=glass.id,
        quantity="3",
        unit_price="3000",
    )
    session.commit()
    assert "GZGBM-2026-GLA-0302" in _text(client.get(url).get_data())
    assert len(renders) == 2


def test_another_agency_gets_404_even_when_the_file_is_stored(
    app, client, login, listed, other_officer, renders
):
    item, _cement = listed
    url = f"/procurement/lists/{item.id}/export.pdf"
    assert client.get(url).status_code == 200
    client.get("/logout")
    login(other_officer)
    response = client.get(url)
    assert response.status_code == 404
    assert b"%PDF" not in response.get_data()
    assert len(renders) == 1


def test_an_unwritable_folder_still_gives_the_pdf(app, client, listed, renders, monkeypatch):
    item, _cement = listed

    def refuse(path, data):
        raise PermissionError("read-only")

    monkeypatch.setattr(list_documents, "write_durably", refuse)
    url = f"/procurement/lists/{item.id}/export.pdf"
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.get_data().startswith(b"%PDF")
    assert len(renders) == 2 and _stored(app, item.id) == []


def test_the_key_follows_the_template(tmp_path, monkeypatch):
    context = {"list_name": "清单", "today": "2026-12-07"}
    static = str(tmp_path)
    template = tmp_path / "list_pdf.html"
    template.write_text("one")
    monkeypatch.setattr(list_documents, "TEMPLATES_DIR", tmp_path)
    monkeypatch.setattr(list_documents, "TEMPLATE_NAME", "list_pdf.html")
    before = list_documents.printed_key(context, static_dir=static)
    assert list_documents.printed_key(dict(context), static_dir=static) == before
    template.write_text("two, a longer template")
    assert list_documents.printed_key(context, static_dir=static) != before
    assert list_documents.printed_key({**context, "today": "2026-12-08"}, static_dir=static) != (
        list_documents.printed_key(context, static_dir=static)
    )


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=5), values, max_size=6))
def test_content_key_ignores_dict_order_only(material):
    reordered = dict(reversed(list(material.items())))
    assert content_key(reordered) == content_key(material)
    assert content_key({**material, "\x00extra": 1}) != content_key(material)
