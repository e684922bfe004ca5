"""Uploading, comparing and activating criteria versions in the console."""

import io
import json
import re

import pytest
from sqlalchemy import func
from sqlmodel import select

from catalog.models import Category
from catalog.services import publish_product
from certification.models import Application, Certificate, CriteriaVersion
from greenbm.audit import AuditEntry
from tests import factories
from tests.admin.criteria_files import cement_2026_2, lime_2026_2, shipped_text

pytestmark = pytest.mark.usefixtures("reference_data")


def _upload(client, code: str, content: bytes, filename: str = "criteria.toml"):
    return client.post(
        f"/admin/criteria/{code}",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def _counts(session) -> tuple[int, int]:
    session.expire_all()
    return (
        session.exec(select(func.count()).select_from(CriteriaVersion)).one(),
        session.exec(select(func.count()).select_from(AuditEntry)).one(),
    )


def _versions(session, code: str) -> dict[str, CriteriaVersion]:
    session.expire_all()
    category = session.exec(select(Category).where(Category.code == code)).one()
    rows = session.exec(select(CriteriaVersion).where(CriteriaVersion.category_id == category.id))
    return {row.version: row for row in rows.all()}


def _without_thresholds() -> bytes:
    return shipped_text("lime").replace("thresholds = { default = [140, 125, 110] }\n", "").encode()


def _undeclared_indicator() -> bytes:
    text = lime_2026_2().replace('code = "lime_energy"', 'code = "kiln_temperature"')
    return text.encode()


MALFORMED = [
    pytest.param(b"this is = = not toml", "not valid TOML at line 1, column", id="not-toml"),
    pytest.param(
        _without_thresholds(),
        "In the file, “indicator[0].thresholds” is missing: add it.",
        id="no-thresholds",
    ),
    pytest.param(
        lime_2026_2().replace('category = "lime"', 'category = "marble"').encode(),
        "unknown category marble",
        id="unknown-category",
    ),
    pytest.param(
        shipped_text("cement").encode(), "the file is for cement, not lime", id="wrong-category"
    ),
    pytest.param(
        (lime_2026_2() + "#" * (256 * 1024)).encode(), "too large: at most 256 KB", id="too-large"
    ),
    pytest.param(lime_2026_2().encode("gb18030"), "not UTF-8 text", id="not-utf8"),
    pytest.param(
        _undeclared_indicator(),
        "Indicator kiln_temperature: products of this category do not declare it",
        id="undeclared-indicator",
    ),
    pytest.param(
        shipped_text("lime").replace("[140, 125, 110]", "[150, 125, 110]").encode(),
        "Version 2026.1 is already stored with other content",
        id="same-version-other-text",
    ),
    pytest.param(b"", "The file is empty.", id="empty-file"),
]


@pytest.mark.parametrize(("content", "message"), MALFORMED)
def test_a_bad_file_is_refused_with_a_clear_error_and_nothing_stored(
    client, session, login, admin, content, message
):
    login(admin)
    before = _counts(session)
    response = _upload(client, "lime", content)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'class="error"' in page or "form-errors" in page
    assert _counts(session) == before


def test_a_valid_upload_is_stored_inactive_and_its_differences_shown(client, session, login, admin):
    login(admin)
    response = _upload(client, "lime", lime_2026_2().encode())
    assert response.status_code == 302
    versions = _versions(session, "lime")
    new, old = versions["2026.2"], versions["2026.1"]
    assert not new.active and old.active
    assert response.headers["Location"] == f"/admin/criteria/lime/versions/{new.id}"

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Compared with version 2026.1, in force now" in page
    thresholds = page[page.index('data-testid="thresholds-changed"') :]
    energy = thresholds[thresholds.index('data-code="lime_energy"') :]
    energy = energy[: energy.index("</tr>")]
    assert re.findall(r"<del>([\d.]+)</del> → <ins>([\d.]+)</ins>", energy) == [
        ("140", "135"),
        ("125", "120"),
        ("110", "105"),
    ]
    gwp = thresholds[thresholds.index('data-code="gwp"') :]
    gwp = gwp[: gwp.index("</tr>")]
    # Only the levels that changed are marked; two stars stays 1071.
    assert re.findall(r"<del>([\d.,]+)</del> → <ins>([\d.,]+)</ins>", gwp) == [
        ("1,190", "1,150"),
        ("952", "940"),
    ]
    assert ">1,071<" in gwp
    removed = page[page.index('data-testid="indicators-removed"') :]
    assert 'data-code="kiln_co2_captured"' in removed[: removed.index("</ul>")]
    added = page[page.index('data-testid="prerequisites-added"') :]
    assert 'data-code="carbon_plan"' in added[: added.index("</ul>")]
    assert 'data-testid="indicators-added"' not in page
    assert 'data-testid="prerequisites-removed"' not in page
    assert "Activate version 2026.2" in page

    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "criteria.uploaded")).one()
    assert (entry.actor_id, entry.actor_organisation_id) == (admin.id, admin.organisation_id)
    assert (entry.object_type, entry.object_id, entry.object_label) == (
        "criteria_version",
        new.id,
        "lime 2026.2",
    )
    assert json.loads(entry.detail)["version"] == "2026.2"


def test_uploading_the_same_file_again_stores_nothing_new(client, session, login, admin):
    login(admin)
    assert _upload(client, "lime", lime_2026_2().encode()).status_code == 302
    before = _counts(session)
    response = _upload(client, "lime", lime_2026_2().encode())
    assert response.status_code == 302
    assert _counts(session) == before
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "was already stored with this content" in page


def test_activation_switches_the_version_in_force(client, session, login, admin):
    login(admin)
    _upload(client, "lime", lime_2026_2().encode())
    new = _versions(session, "lime")["2026.2"]
    response = client.post(f"/admin/criteria/lime/versions/{new.id}/activate")
    assert response.status_code == 302
    versions = _versions(session, "lime")
    assert versions["2026.2"].active and not versions["2026.1"].active
    assert versions["2026.2"].activated_at is not None
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "criteria.activated")).one()
    assert entry.actor_id == admin.id and entry.object_id == new.id
    assert json.loads(entry.detail) == {
        "category": "lime",
        "version": "2026.2",
        "previous": "2026.1",
    }
    public = client.get("/criteria/lime").get_data(as_text=True)
    assert 'data-testid="criteria-version">2026.2<' in public
    assert "kiln" not in public.lower()
    # The version page no longer offers activation; activating again changes nothing.
    assert "Activate version" not in client.get(f"/admin/criteria/lime/versions/{new.id}").text
    before = _counts(session)
    client.post(f"/admin/criteria/lime/versions/{new.id}/activate")
    assert _counts(session) == before


def test_a_version_of_another_category_is_not_found_under_this_one(client, session, login, admin):
    login(admin)
    cement = _versions(session, "cement")["2026.1"]
    assert client.get(f"/admin/criteria/lime/versions/{cement.id}").status_code == 404
    assert client.post(f"/admin/criteria/lime/versions/{cement.id}/activate").status_code == 404
    assert client.get("/admin/criteria/marble").status_code == 404
    assert _versions(session, "cement")["2026.1"].active


def test_certificates_and_applications_keep_their_version(app, client, session, login, admin):
    body, reviewer = factories.make_body(session)
    maker = factories.make_manufacturer_user(session)
    certificate = factories.issue_test_certificate(
        session, body=body, reviewer=reviewer, maker=maker
    )
    old = _versions(session, "cement")["2026.1"]
    assert certificate.criteria_version_id == old.id

    login(admin)
    _upload(client, "cement", cement_2026_2().encode())
    new = _versions(session, "cement")["2026.2"]
    assert client.post(f"/admin/criteria/cement/versions/{new.id}/activate").status_code == 302
    assert _versions(session, "cement")["2026.2"].active

    session.expire_all()
    certificate = session.get(Certificate, certificate.id)
    application = session.get(Application, certificate.application_id)
    assert certificate.criteria_version_id == old.id
    assert application.criteria_version_id == old.id
    # The admin's version list counts them under the old version.
    listing = client.get("/admin/criteria/cement").get_data(as_text=True)
    row = listing[listing.index('data-version="2026.1"') :]
    assert re.findall(r'class="num">(\d+)<', row[: row.index("</tr>")]) == ["1", "1"]

    verify = client.get(f"/verify/{certificate.number}")
    assert verify.status_code == 200 and "(2026.1)" in verify.get_data(as_text=True)
    client.post("/logout")
    login(maker)
    page = client.get(f"/applications/{application.id}")
    assert page.status_code == 200
    assert "version 2026.1" in page.get_data(as_text=True)


def test_the_load_criteria_command_is_audited(app, session, tmp_path):
    file = tmp_path / "lime.toml"
    file.write_text(lime_2026_2(), encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["certification", "load-criteria", str(file), "--activate"]
    )
    assert result.exit_code == 0, result.output
    new = _versions(session, "lime")["2026.2"]
    entries = session.exec(
        select(AuditEntry).where(AuditEntry.object_type == "criteria_version")
    ).all()
    assert [(e.action, e.object_id, e.actor_id) for e in entries] == [
        ("criteria.uploaded", new.id, None),
        ("criteria.activated", new.id, None),
    ]
    # A file that changes nothing writes nothing.
    before = _counts(session)
    again = app.test_cli_runner().invoke(args=["certification", "load-criteria", str(file)])
    assert again.exit_code == 0 and _counts(session) == before


def test_a_public_product_page_follows_the_version_activated(app, client, session, login, admin):
    # Pages read the active criteria kept per change (certification/criteria/store.py): an
    # activation is a change, so the next view shows the new version and its thresholds.
    maker = factories.make_manufacturer_user(session)
    product = factories.make_product(session, maker)
    publish_product(session=session, actor=maker, product_id=product.id)
    session.commit()
    reader = app.test_client()
    reader.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = reader.get(f"/catalog/products/{product.id}").get_data(as_text=True)
    assert "(version 2026.1)" in page and "735 / 662 / 588" in page
    login(admin)
    _upload(client, "cement", cement_2026_2().encode())
    new = _versions(session, "cement")["2026.2"]
    assert client.post(f"/admin/criteria/cement/versions/{new.id}/activate").status_code == 302
    page = reader.get(f"/catalog/products/{product.id}").get_data(as_text=True)
    assert "(version 2026.2)" in page and "735 / 650 / 588" in page
