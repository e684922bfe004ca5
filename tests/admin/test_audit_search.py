"""The audit search: every trail in one list, filtered by organisation, user, object and date."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import OrganisationKind
from greenbm.audit import AuditAction, AuditEntry
from tests import factories


def _add(session, at: datetime, label: str, **kw) -> AuditEntry:
    entry = AuditEntry(
        at=at,
        action=kw.pop("action", AuditAction.CATEGORY_EDITED.value),
        object_type=kw.pop("object_type", "category"),
        object_id=kw.pop("object_id", 1),
        object_label=label,
        **kw,
    )
    session.add(entry)
    return entry


def _labels(client, query: str) -> list[str]:
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    return re.findall(r"<div>(entry-[\w-]+)</div>", page)


@pytest.fixture
def trail(session, admin):
    """Audit entries of known times, organisations and actors, labelled entry-…."""
    maker = factories.make_user(session, email="maker@cement.test")
    other = factories.make_organisation(session, kind=OrganisationKind.CONSTRUCTION_FIRM)
    session.commit()
    base = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)  # 2026-03-02 00:00 in Guizhou
    entries = {
        "entry-before-midnight": _add(
            session,
            base - timedelta(seconds=1),
            "entry-before-midnight",
            actor_id=admin.id,
            actor_organisation_id=admin.organisation_id,
        ),
        "entry-at-midnight": _add(
            session,
            base,
            "entry-at-midnight",
            actor_id=maker.id,
            actor_organisation_id=maker.organisation_id,
        ),
        "entry-about-other": _add(
            session,
            base + timedelta(days=1),
            "entry-about-other",
            actor_id=admin.id,
            actor_organisation_id=admin.organisation_id,
            subject_organisation_id=other.id,
            object_type="organisation",
            object_id=other.id,
            action=AuditAction.ORGANISATION_CREATED.value,
        ),
        "entry-first-of-march": _add(session, base - timedelta(days=1), "entry-first-of-march"),
    }
    session.commit()
    return {"maker": maker, "other": other, "entries": entries}


def test_filters_by_date_include_both_ends_in_china_time(client, login, admin, trail):
    login(admin)
    assert _labels(client, "date_from=2026-03-02&date_to=2026-03-02") == ["entry-at-midnight"]
    assert _labels(client, "date_to=2026-03-01&object_type=category") == [
        "entry-before-midnight",
        "entry-first-of-march",
    ]
    assert _labels(client, "date_from=2026-03-01&date_to=2026-03-01") == [
        "entry-before-midnight",
        "entry-first-of-march",
    ]
    assert _labels(client, "date_from=2026-03-03") == ["entry-about-other"]
    assert _labels(client, "date_from=2026-03-04") == []
    assert _labels(client, "date_from=2026-03-02&date_to=2026-03-04") == [
        "entry-about-other",
        "entry-at-midnight",
    ]


def test_filters_by_organisation_user_and_object(client, login, admin, trail):
    login(admin)
    maker, other = trail["maker"], trail["other"]
    assert _labels(client, f"organisation={maker.organisation_id}") == ["entry-at-midnight"]
    # The organisation an entry is about counts as well as the actor's.
    assert _labels(client, f"organisation={other.id}") == ["entry-about-other"]
    assert _labels(client, "user=maker@CEMENT") == ["entry-at-midnight"]
    assert _labels(client, f"object_type=organisation&object_id={other.id}") == [
        "entry-about-other"
    ]
    assert _labels(client, "object_type=category&object_id=2") == []


def test_bad_filters_give_a_clear_error(client, login, admin, trail):
    login(admin)
    response = client.get("/admin/audit?date_from=2026-02-30")
    assert response.status_code == 400
    assert "Enter a date as year-month-day, e.g. 2026-03-01." in response.get_data(as_text=True)
    response = client.get("/admin/audit?date_from=2026-03-05&date_to=2026-03-01")
    assert response.status_code == 400
    assert "The end date is before the start date." in response.get_data(as_text=True)
    response = client.get("/admin/audit?object_id=abc&organisation=999999")
    assert response.status_code == 400
    assert "Choose one of the options in the list." in response.get_data(as_text=True)


def test_application_and_certificate_events_are_searched_too(app, client, session, login, admin):
    world = factories.make_certification_world(session, app.config["EVIDENCE_DIR"])
    application = factories.application_under_review(session, world)
    session.commit()
    certificate = factories.issue_test_certificate(
        session, body=world.body, reviewer=world.reviewer, maker=world.maker
    )
    login(admin)
    page = client.get(f"/admin/audit?object_type=certificate&object_id={certificate.id}").get_data(
        as_text=True
    )
    assert "1 entry." in page
    assert certificate.number in page and 'data-source="certificate"' in page
    assert world.reviewer.email in page
    page = client.get(f"/admin/audit?object_type=application&object_id={application.id}").get_data(
        as_text=True
    )
    assert "2 entries." in page and world.product.name_zh in page
    assert "Submitted → Under review" in page and world.maker.email in page
    for org in (world.maker.organisation_id, world.body.id):
        page = client.get(f"/admin/audit?organisation={org}").get_data(as_text=True)
        assert 'data-source="certificate"' in page and 'data-source="application"' in page
    page = client.get(f"/admin/audit?user={world.reviewer.email}").get_data(as_text=True)
    assert 'data-source="certificate"' in page and 'data-source="admin"' not in page
    page = client.get("/admin/audit?object_type=application").get_data(as_text=True)
    assert 'data-source="application"' in page
    assert 'data-source="certificate"' not in page and 'data-source="admin"' not in page


def test_the_search_pages_newest_first_and_keeps_its_filters(client, session, login, admin):
    start = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)
    for n in range(25):
        _add(session, start + timedelta(minutes=n), f"entry-{n:02d}")
    session.commit()
    login(admin)
    first = client.get("/admin/audit?object_type=category").get_data(as_text=True)
    labels = re.findall(r"<div>(entry-\d+)</div>", first)
    assert labels == [f"entry-{n:02d}" for n in range(24, 4, -1)]
    assert "25 entries." in first
    assert "/admin/audit?page=2&amp;object_type=category" in first
    second = _labels(client, "object_type=category&page=2")
    assert second == [f"entry-{n:02d}" for n in range(4, -1, -1)]
