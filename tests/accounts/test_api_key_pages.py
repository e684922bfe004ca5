"""The account page's API keys: shown once, listed by name and prefix, revoked."""

import re

from sqlmodel import select

from accounts.models import ApiKey
from greenbm.audit import AuditEntry
from tests import factories
from tests.conftest import csrf_token


def test_a_key_is_shown_once_listed_and_revoked(app, session, client, login):
    user = factories.make_manufacturer_user(session)
    other = factories.make_manufacturer_user(session)
    session.commit()
    login(user)
    token = csrf_token(client, "/account/api-keys")
    page = client.post("/account/api-keys", data={"csrf_token": token, "name": "招标平台"})
    secret = re.search(r'data-testid="new-api-key">([^<]+)<', page.get_data(as_text=True)).group(1)
    listing = client.get("/account/api-keys").get_data(as_text=True)
    assert "招标平台" in listing and secret not in listing and secret[:12] in listing
    key = session.exec(select(ApiKey)).one()
    assert key.organisation_id == user.organisation_id
    answer = client.post(f"/account/api-keys/{key.id}/revoke", data={"csrf_token": token})
    assert answer.status_code == 302
    session.refresh(key)
    assert key.revoked_at is not None
    actions = session.exec(
        select(AuditEntry.action).where(AuditEntry.object_type == "api_key")
    ).all()
    assert sorted(actions) == ["api_key.created", "api_key.revoked"]
    # Another organisation's user can neither see nor revoke it.
    client.post("/logout", data={"csrf_token": token})
    login(other)
    token = csrf_token(client, "/account/api-keys")
    assert "招标平台" not in client.get("/account/api-keys").get_data(as_text=True)
    assert (
        client.post(f"/account/api-keys/{key.id}/revoke", data={"csrf_token": token}).status_code
        == 404
    )
