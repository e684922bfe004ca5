"""Behind a reverse proxy: rate limits count the client's address, not the proxy's."""

import pytest


def _sign_in_attempts(client, address: str, email: str, times: int) -> list[int]:
    return [
        client.post(
            "/login",
            data={"email": email, "password": "wrong password"},
            headers={"X-Forwarded-For": address},
        ).status_code
        for _n in range(times)
    ]


@pytest.mark.config(TRUSTED_PROXIES=1, LOGIN_ADDRESS_RATE_LIMIT="2 per minute")
def test_each_client_behind_the_proxy_has_its_own_limit(client):
    assert _sign_in_attempts(client, "203.0.113.1", "a@example.test", 3) == [200, 200, 429]
    assert _sign_in_attempts(client, "203.0.113.2", "b@example.test", 1) == [200]


@pytest.mark.config(TRUSTED_PROXIES=0, LOGIN_ADDRESS_RATE_LIMIT="2 per minute")
def test_without_a_trusted_proxy_the_header_is_ignored(client):
    assert _sign_in_attempts(client, "203.0.113.1", "a@example.test", 2) == [200, 200]
    # A client cannot escape the limit by making up a forwarded address.
    assert _sign_in_attempts(client, "203.0.113.2", "b@example.test", 1) == [429]
