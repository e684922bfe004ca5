"""One unit of work per request: committed when the view answers below 400, else rolled back."""

import re

import pytest
from flask import abort
from sqlmodel import select

from accounts.models import Organisation
from greenbm.db import after_commit, after_rollback, discard_changes, get_session
from greenbm.paths import PROJECT_ROOT
from tests import factories


def _add_organisation(name: str) -> None:
    factories.make_organisation(get_session(), name_zh=name)


def _saved(session, name: str) -> bool:
    session.expire_all()
    return (
        session.exec(select(Organisation).where(Organisation.name_zh == name)).first() is not None
    )


@pytest.fixture
def routes(app):
    """Add views that change the database and then end in different ways."""
    happened: list[str] = []

    def view(ending: str):
        def handler():
            _add_organisation(ending)
            after_commit(lambda: happened.append(f"{ending}: committed"))
            after_rollback(lambda: happened.append(f"{ending}: rolled back"))
            if ending == "raises":
                raise RuntimeError("a bug in the view")
            if ending == "aborts":
                abort(404)
            if ending == "discards":
                discard_changes()
                return "shown again"
            if ending == "bad-request":
                return "refused", 400
            if ending == "redirects":
                return "", 302, {"Location": "/"}
            return "done"

        app.add_url_rule(f"/uow/{ending}", f"uow_{ending}", handler, methods=["POST"])

    for ending in ("ok", "redirects", "raises", "aborts", "discards", "bad-request"):
        view(ending)
    return happened


@pytest.mark.parametrize(
    ("ending", "status", "kept"),
    [
        ("ok", 200, True),
        ("redirects", 302, True),
        ("raises", 500, False),
        ("aborts", 404, False),
        ("discards", 200, False),
        ("bad-request", 400, False),
    ],
)
def test_a_request_commits_only_when_its_view_succeeds(
    app, client, session, routes, ending, status, kept
):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.post(f"/uow/{ending}")

    assert response.status_code == status
    assert _saved(session, ending) is kept
    assert routes == [f"{ending}: {'committed' if kept else 'rolled back'}"]


def test_no_view_module_commits():
    """Views leave committing and rolling back to the unit of work (and `discard_changes`)."""
    packages = ("accounts", "admin", "catalog", "certification", "procurement", "eligibility")
    route = re.compile(r"^@\w+\.(route|get|post|put|patch|delete)\(", re.M)
    offenders, views = [], 0
    for package in packages:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if route.search(text):
                views += 1
                if re.search(r"\.(commit|rollback)\(\)", text):
                    offenders.append(str(path.relative_to(PROJECT_ROOT)))
    assert views > 15  # the scan found the view modules (19 today)
    assert offenders == []
