"""Procurement pages through the test client: the journey, errors, scoping between agencies."""

import re

import pytest
from sqlmodel import select

from procurement.line_services import add_product_line
from procurement.models import ListLine, ProcurementList, Project
from tests import factories
from tests.conftest import csrf_token
from tests.procurement.conftest import catalogue_product, lapse_certificate, make_project_list

PROJECT_FORM = {
    "name": "贵阳市第一中学新校区",
    "code": "GZ-2026-001",
    "project_type": "school",
    "division_code": "520100",
    "owner_unit": "贵阳市教育局",
    "budget": "120000000",
}


def text(response) -> str:
    return response.get_data(as_text=True)


def test_officer_journey(client, login, session, officer, maker):
    cement = catalogue_product(session, maker, "cement", gwp=655, number="GZGBM-2026-CEM-000007")
    session.commit()
    login(officer)

    response = client.post("/procurement/projects/new", data=PROJECT_FORM)
    assert response.status_code == 302
    project = session.exec(select(Project)).one()
    assert response.headers["Location"] == f"/procurement/projects/{project.id}"
    assert project.agency_id == officer.organisation_id

    response = client.post(
        f"/procurement/projects/{project.id}/lists", data={"name": "主体结构材料"}
    )
    item = session.exec(select(ProcurementList)).one()
    assert response.headers["Location"] == f"/procurement/lists/{item.id}"
    assert "主体结构材料" in text(client.get(f"/procurement/projects/{project.id}"))
    assert "贵阳市第一中学新校区" in text(client.get("/procurement"))

    # From the catalogue: choose the list, the quantity and the price.
    page = text(client.get(f"/procurement/add?product_id={cement.id}"))
    assert "贵阳市第一中学新校区 · 主体结构材料" in page
    response = client.post(
        f"/procurement/add?product_id={cement.id}",
        data={"list_id": item.id, "quantity": "120", "unit_price": "455.5"},
    )
    assert response.headers["Location"] == f"/procurement/lists/{item.id}"

    page = text(client.get(f"/procurement/lists/{item.id}"))
    assert "GZGBM-2026-CEM-000007" in page
    assert 'data-testid="verdict">Compliant<' in page
    assert "Every line in the mandatory-class categories is green." in page
    assert "54,660.00" in page  # 120 t × 455.50

    # A material that is not in the catalogue, in an optional category.
    lime = factories.category(session, "lime")
    response = client.post(
        f"/procurement/lists/{item.id}/materials",
        data={
            "category_id": lime.id,
            "description": "生石灰",
            "supplier_name": "开阳县某石灰厂",
            "quantity": "5",
            "unit_price": "700",
        },
    )
    assert response.status_code == 302
    page = text(client.get(f"/procurement/lists/{item.id}"))
    assert 'data-testid="verdict">Not compliant<' in page
    assert "Green products cover 0 of the 1 optional material types used" in page
    assert "/catalog?category=lime" in page  # alternatives for the non-green line

    # Remove the material: compliant again.
    material = session.exec(select(ListLine).where(ListLine.product_id.is_(None))).one()
    response = client.post(f"/procurement/lines/{material.id}/remove")
    assert response.headers["Location"] == f"/procurement/lists/{item.id}"
    assert 'data-testid="verdict">Compliant<' in text(client.get(f"/procurement/lists/{item.id}"))

    # Edit the project.
    response = client.post(
        f"/procurement/projects/{project.id}/edit", data={**PROJECT_FORM, "name": "贵阳一中新校区"}
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Project, project.id).name == "贵阳一中新校区"


def test_add_by_product_number_and_errors(client, login, session, officer, maker):
    _project, item = make_project_list(session, officer)
    uncertified = catalogue_product(session, maker, "cement", gwp=655, cert=None)
    session.commit()
    login(officer)
    url = f"/procurement/lists/{item.id}/lines"

    response = client.post(url, data={"product_id": "999999", "quantity": "1", "unit_price": "1"})
    assert response.status_code == 400
    assert "No published product has this number." in text(response)
    response = client.post(
        url, data={"product_id": uncertified.id, "quantity": "0", "unit_price": "1"}
    )
    assert response.status_code == 400
    assert "Enter a number greater than 0." in text(response)

    response = client.post(
        url, data={"product_id": uncertified.id, "quantity": "3", "unit_price": "1"}
    )
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "the product holds no valid certificate" in page
    assert "not certified" in page


def test_add_page_without_lists_and_unknown_products(client, login, session, officer, maker):
    product = catalogue_product(session, maker, "cement", gwp=655)
    session.commit()
    login(officer)
    page = text(client.get(f"/procurement/add?product_id={product.id}"))
    assert "Your agency has no procurement list yet" in page
    assert client.get("/procurement/add?product_id=999999").status_code == 404
    assert client.get("/procurement/add").status_code == 404


def test_add_to_list_links_in_the_catalogue_for_officers_only(
    client, login, session, officer, maker
):
    product = catalogue_product(session, maker, "cement", gwp=655, name="黔峰 P·O 42.5 水泥")
    session.commit()
    link = f'href="/procurement/add?product_id={product.id}"'
    for url in ("/catalog", f"/catalog/products/{product.id}"):
        assert link not in text(client.get(url)), url  # signed out
    login(maker)
    for url in ("/catalog", f"/catalog/products/{product.id}"):
        assert link not in text(client.get(url)), url  # a manufacturer
    client.post("/logout")
    login(officer)
    for url in ("/catalog", f"/catalog/products/{product.id}"):
        page = text(client.get(url))
        assert link in page and "Add to list" in page, url


def test_list_page_ids_are_unique(client, login, session, officer, project_list):
    _project, item = project_list
    login(officer)
    ids = re.findall(r'\sid="([^"]+)"', text(client.get(f"/procurement/lists/{item.id}")))
    assert ids and len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_duplicate_project_code_is_a_form_error(client, login, session, officer):
    make_project_list(session, officer)
    session.commit()
    login(officer)
    response = client.post("/procurement/projects/new", data=PROJECT_FORM)
    assert response.status_code == 400
    assert "Your agency already has a project with this code." in text(response)


def _agency_world(session, officer, maker):
    project, item = make_project_list(session, officer)
    product = catalogue_product(session, maker, "cement", gwp=655)
    line = add_product_line(
        session=session,
        actor=officer,
        list_id=item.id,
        product_id=product.id,
        quantity="1",
        unit_price="1",
    )
    session.commit()
    return project, item, line, product


def _urls(project, item, line):
    gets = [
        f"/procurement/projects/{project.id}",
        f"/procurement/projects/{project.id}/edit",
        f"/procurement/lists/{item.id}",
        f"/procurement/lists/{item.id}/export.pdf",
        f"/procurement/lists/{item.id}/export.xlsx",
        f"/procurement/lists/{item.id}/export.csv",
    ]
    posts = [
        (f"/procurement/projects/{project.id}/edit", PROJECT_FORM),
        (f"/procurement/projects/{project.id}/lists", {"name": "x"}),
        (
            f"/procurement/lists/{item.id}/lines",
            {"product_id": "1", "quantity": "1", "unit_price": "1"},
        ),
        (
            f"/procurement/lists/{item.id}/materials",
            {
                "category_id": "1",
                "description": "x",
                "supplier_name": "x",
                "quantity": "1",
                "unit_price": "1",
            },
        ),
        (f"/procurement/lines/{line.id}/remove", {}),
    ]
    return gets, posts


def test_another_agency_gets_404_everywhere(client, login, session, officer, other_officer, maker):
    project, item, line, product = _agency_world(session, officer, maker)
    login(other_officer)
    gets, posts = _urls(project, item, line)
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url, data in posts:
        assert client.post(url, data=data).status_code == 404, url
    # Adding to another agency's list from the catalogue: not one of the choices.
    response = client.post(
        f"/procurement/add?product_id={product.id}",
        data={"list_id": item.id, "quantity": "1", "unit_price": "1"},
    )
    assert response.status_code == 200 and "no procurement list yet" in text(response)
    assert "贵阳市第一中学新校区" not in text(client.get("/procurement"))
    session.expire_all()
    assert len(session.exec(select(ListLine)).all()) == 1
    assert session.get(Project, project.id).name == "贵阳市第一中学新校区"


def test_other_roles_get_404_and_visitors_sign_in(client, login, session, officer, maker):
    project, item, line, product = _agency_world(session, officer, maker)
    gets, _posts = _urls(project, item, line)
    gets += [
        "/procurement",
        "/procurement/projects/new",
        f"/procurement/add?product_id={product.id}",
    ]
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    login(maker)
    for url in gets:
        assert client.get(url).status_code == 404, url


def test_lapsed_line_is_flagged_on_the_page(client, login, session, officer, maker):
    _project, item, _line, product = _agency_world(session, officer, maker)
    lapse_certificate(session, product, "revoked")
    login(officer)
    page = text(client.get(f"/procurement/lists/{item.id}"))
    assert 'data-testid="verdict">Not compliant<' in page
    assert "the certificate became revoked after the line was added" in page
    assert "Cement product (Cement, mandatory class) is not green: revoked." in page
    assert re.search(r'href="/catalog\?category=cement"[^>]*data-testid="alternatives"', page)
    assert "/notifications" in page and 'data-testid="unread-count">1<' in page


@pytest.mark.csrf
def test_add_line_needs_the_csrf_token(client, login, session, officer, maker):
    _project, item = make_project_list(session, officer)
    product = catalogue_product(session, maker, "cement", gwp=655)
    session.commit()
    login(officer)
    data = {"product_id": product.id, "quantity": "2", "unit_price": "400"}
    url = f"/procurement/lists/{item.id}/lines"
    assert client.post(url, data=data).status_code == 400
    add_url = f"/procurement/add?product_id={product.id}"
    assert client.post(add_url, data={**data, "list_id": item.id}).status_code == 400
    assert session.exec(select(ListLine)).all() == []

    token = csrf_token(client, f"/procurement/lists/{item.id}")
    assert token
    assert client.post(url, data={**data, "csrf_token": token}).status_code == 302
    token = csrf_token(client, add_url)
    response = client.post(add_url, data={**data, "list_id": item.id, "csrf_token": token})
    assert response.status_code == 302
    assert len(session.exec(select(ListLine)).all()) == 2

    line = session.exec(select(ListLine)).first()
    assert client.post(f"/procurement/lines/{line.id}/remove").status_code == 400
    token = csrf_token(client, f"/procurement/lists/{item.id}")
    response = client.post(f"/procurement/lines/{line.id}/remove", data={"csrf_token": token})
    assert response.status_code == 302
