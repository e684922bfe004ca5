"""Redirect targets taken from the request never leave the site, however they are written."""

from urllib.parse import quote

import pytest

from tests import factories

# Each of these is read by a browser as another host, or breaks the Location header.
HOSTILE_TARGETS = [
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\x00/evil.example",
    "\t//evil.example",
]


def _stays_on_site(response) -> None:
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//"), location
    assert "evil.example" not in location


@pytest.mark.parametrize("target", HOSTILE_TARGETS, ids=repr)
def test_language_switch_goes_back_only_within_the_site(client, target):
    _stays_on_site(client.post("/lang/en", data={"next": target}))


@pytest.mark.parametrize("target", HOSTILE_TARGETS, ids=repr)
def test_sign_in_goes_on_only_within_the_site(client, session, target):
    user = factories.make_manufacturer_user(session)
    session.commit()
    response = client.post(
        f"/login?next={quote(target, safe='')}",
        data={"email": user.email, "password": factories.PASSWORD},
    )
    _stays_on_site(response)
    assert response.headers["Location"] == "/manufacturer/products"


def test_a_path_on_the_site_is_kept(client):
    response = client.post("/lang/en", data={"next": "/catalog?q=水泥 42.5"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/catalog?q=")
