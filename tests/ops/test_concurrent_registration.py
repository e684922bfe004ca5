"""Two manufacturers register the same credit code at the same moment: one wins, one is told."""

import threading

from sqlalchemy import func
from sqlmodel import select

from accounts import services
from accounts.models import Organisation, User
from tests.accounts.test_registration import _form
from tests.factories import credit_code


def test_the_same_credit_code_registered_twice_at_once(app, session, monkeypatch):
    # Both requests pass the "is it taken?" check before either inserts: the race the unique
    # constraint has to settle.
    barrier = threading.Barrier(2, timeout=20)
    checked = services._check_organisation

    def check_then_wait(*args, **kwargs):
        organisation = checked(*args, **kwargs)
        barrier.wait()
        return organisation

    monkeypatch.setattr(services, "_check_organisation", check_then_wait)
    code = credit_code()
    answers: dict[str, tuple[int, str]] = {}

    def register(email: str) -> None:
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        response = client.post("/register", data=_form(credit_code=code, email=email))
        answers[email] = (response.status_code, response.get_data(as_text=True))

    threads = [
        threading.Thread(target=register, args=(email,))
        for email in ("first@example.test", "second@example.test")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    assert sorted(status for status, _ in answers.values()) == [200, 200]
    # One registered and asked to read its mail; the other shown the form with the reason.
    pages = sorted(answers.values(), key=lambda answer: "Check your e-mail" in answer[1])
    assert "An organisation with this credit code is registered." in pages[0][1]
    assert "Check your e-mail" in pages[1][1]
    session.expire_all()
    organisations = session.exec(select(Organisation).where(Organisation.credit_code == code))
    assert len(organisations.all()) == 1
    assert session.exec(select(func.count()).select_from(User)).one() == 1
