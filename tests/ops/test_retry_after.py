"""Every answer of a rate limit says when to come back: Retry-After, and the page in words."""

import pytest

from greenbm.i18n import wait_text

LIMITS = {
    "LOGIN_RATE_LIMIT": "1 per minute",
    "LOGIN_ADDRESS_RATE_LIMIT": "1 per minute",
    "REGISTRATION_RATE_LIMIT": "1 per hour",
    "ELIGIBILITY_BULK_RATE_LIMIT": "1 per hour",
}

# Each limited request, as a browser or another system sends it; its window in seconds.
LIMITED = [
    pytest.param("/login", {"data": {"email": "a@example.test", "password": "x"}}, 60, id="login"),
    pytest.param("/register", {"data": {"email": "a@example.test"}}, 3600, id="registration"),
    pytest.param("/eligibility/bulk", {"data": {}}, 3600, id="bulk-page"),
    pytest.param("/api/v1/eligibility", {"json": []}, 3600, id="bulk-api"),
]


@pytest.mark.config(**LIMITS)
@pytest.mark.parametrize(("path", "body", "window"), LIMITED)
def test_a_limited_request_is_told_when_to_retry(client, path, body, window):
    assert client.post(path, **body).status_code != 429
    limited = client.post(path, **body)
    assert limited.status_code == 429
    seconds = int(limited.headers["Retry-After"])
    assert 0 < seconds <= window
    if path.startswith("/api/"):
        assert limited.mimetype == "application/problem+json"
        assert limited.get_json() == {
            "type": "about:blank",
            "title": "Too Many Requests",
            "status": 429,
            "detail": f"Too many requests: retry after {seconds} seconds.",
        }
    else:
        assert f"Wait {wait_text_en(client, seconds)} and try again." in limited.get_data(
            as_text=True
        )


def wait_text_en(client, seconds: int) -> str:
    """Return the wait as the English page words it."""
    with client.application.test_request_context(headers={"Accept-Language": "en"}):
        return wait_text(seconds)


@pytest.mark.config(**LIMITS)
def test_the_page_says_how_long_in_the_readers_language(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    form = {"email": "a@example.test", "password": "x"}
    client.post("/login", data=form)
    limited = client.post("/login", data=form)
    seconds = int(limited.headers["Retry-After"])
    assert f"请等待 {seconds} 秒后再试" in limited.get_data(as_text=True)


@pytest.mark.parametrize(
    ("seconds", "english", "chinese"),
    [
        (1, "1 second", "1 秒"),
        (59, "59 seconds", "59 秒"),
        (90, "90 seconds", "90 秒"),
        (91, "2 minutes", "2 分钟"),  # rounded up: whoever waits that long is let in
        (3600, "60 minutes", "60 分钟"),
    ],
)
def test_waits_are_worded_in_seconds_then_whole_minutes(app, seconds, english, chinese):
    for language, expected in (("en", english), ("zh-CN", chinese)):
        with app.test_request_context(headers={"Accept-Language": language}):
            assert wait_text(seconds) == expected
