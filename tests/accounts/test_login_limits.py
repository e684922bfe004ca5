"""Sign-in limits: per account wherever the attempts come from, per address far higher."""

import pytest

from greenbm.config import load_config
from tests import factories

OFFICE = "198.51.100.20"  # one NAT address in front of a whole office
ELSEWHERE = "203.0.113.50"


def _attempt(client, email: str, password: str = "wrong password", address: str = OFFICE):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_overrides={"REMOTE_ADDR": address},
    )


def test_the_defaults_count_accounts_tightly_and_addresses_loosely(tmp_path, monkeypatch):
    for name in ("LOGIN_RATE_LIMIT", "LOGIN_ADDRESS_RATE_LIMIT"):
        monkeypatch.delenv(name, raising=False)
    config = load_config({"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "x"})
    assert config["LOGIN_RATE_LIMIT"] == "10 per minute"
    assert config["LOGIN_ADDRESS_RATE_LIMIT"] == "100 per minute"


@pytest.fixture
def colleagues(session):
    """Return two users who sign in from the same office address."""
    a = factories.make_user(session, email="a@office.test")
    b = factories.make_user(session, email="b@office.test")
    session.commit()
    return a, b


@pytest.mark.config(LOGIN_RATE_LIMIT="10 per minute", LOGIN_ADDRESS_RATE_LIMIT="100 per minute")
def test_one_users_failed_attempts_do_not_lock_out_a_colleague(client, colleagues):
    a, b = colleagues
    answers = [_attempt(client, a.email).status_code for _ in range(11)]
    assert answers == [200] * 10 + [429]
    assert _attempt(client, b.email, factories.PASSWORD).status_code == 302


@pytest.mark.config(LOGIN_RATE_LIMIT="10 per minute", LOGIN_ADDRESS_RATE_LIMIT="100 per minute")
def test_an_account_stays_limited_from_another_address(client, colleagues):
    a, _b = colleagues
    for _ in range(10):
        assert _attempt(client, a.email).status_code == 200
    # The e-mail as typed differently still names the same account.
    elsewhere = _attempt(client, "  A@Office.TEST ", factories.PASSWORD, address=ELSEWHERE)
    assert elsewhere.status_code == 429
    assert int(elsewhere.headers["Retry-After"]) > 0


@pytest.mark.config(LOGIN_RATE_LIMIT="10 per minute", LOGIN_ADDRESS_RATE_LIMIT="5 per minute")
def test_the_address_limit_applies_at_its_own_level(client, colleagues):
    _a, b = colleagues
    # Five different accounts, one attempt each: under every account's limit.
    for n in range(5):
        assert _attempt(client, f"guess{n}@office.test").status_code == 200
    limited = _attempt(client, b.email, factories.PASSWORD)
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    assert _attempt(client, b.email, factories.PASSWORD, address=ELSEWHERE).status_code == 302
