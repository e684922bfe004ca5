"""Fixtures of the certificate tests: a certification body with a reviewer, and a certificate."""

import pytest

from tests import factories


@pytest.fixture
def body(session):
    """Return (certification body with the prefix GZGBM, its reviewer)."""
    return factories.make_body(session)


@pytest.fixture
def certificate(session, body):
    """Return a certificate issued today by the body for a new manufacturer's cement."""
    return factories.issue_test_certificate(session, body=body[0], reviewer=body[1])
