"""With REDIS_URL set, the rate limits count in Redis, shared by every worker and instance."""

import os
import uuid

import pytest
import redis

from greenbm.config import load_config
from tests import factories

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_redis_url_becomes_the_rate_limit_storage(monkeypatch, tmp_path):
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/2")
    config = load_config({"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "x"})
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache.internal:6379/2"
    monkeypatch.delenv("REDIS_URL")
    config = load_config({"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "x"})
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.fixture
def redis_client():
    """Return a client of the test Redis (database 15); skip when none runs, except in CI."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        client.close()
        if os.environ.get("CI"):
            pytest.fail(f"no Redis at {REDIS_URL}: CI must run the Redis tests", pytrace=False)
        pytest.skip(f"no Redis at {REDIS_URL}")
    yield client
    client.close()


def test_login_attempts_are_counted_in_redis(make_app, session, redis_client):
    prefix = f"greenbm-test-{uuid.uuid4().hex}"
    user = factories.make_manufacturer_user(session)
    session.commit()
    instance = make_app(
        "redis",
        RATELIMIT_STORAGE_URI=REDIS_URL,
        RATELIMIT_KEY_PREFIX=prefix,
        LOGIN_RATE_LIMIT="3 per minute",
    )
    try:
        client = instance.test_client()
        form = {"email": user.email, "password": "wrong password"}
        answers = [client.post("/login", data=form).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        # The counters live in Redis, where every gunicorn worker and instance reads them.
        assert list(redis_client.scan_iter(f"*{prefix}*"))
    finally:
        for key in redis_client.scan_iter(f"*{prefix}*"):
            redis_client.delete(key)
