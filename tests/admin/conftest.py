"""Fixtures of the console tests: administrators, other users, restored reference data."""

import pytest

from accounts.models import OrganisationKind
from tests import factories
from tests.admin.reference_data import kept_reference_data


@pytest.fixture
def admin_org(session):
    """Return the provincial administration."""
    org = factories.make_organisation(
        session, kind=OrganisationKind.ADMINISTRATOR, name_zh="贵州省住房和城乡建设厅"
    )
    session.commit()
    return org


@pytest.fixture
def admin(session, admin_org):
    """Return an enabled administrator."""
    user = factories.make_user(session, admin_org, email="admin@example.test")
    session.commit()
    return user


@pytest.fixture
def reference_data(app):
    """Let a test change categories and criteria versions; put them back afterwards."""
    with kept_reference_data(app.extensions["db_engine"]):
        yield
