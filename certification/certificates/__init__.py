"""Certificates: issue, lifecycle and surveillance, the signed PDF, public verification."""

from certification.certificates import api, surveillance_views, verification_views  # noqa: F401
