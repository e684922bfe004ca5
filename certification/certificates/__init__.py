"""Certificates: issue, lifecycle and surveillance, the signed PDF, public verification."""

from certification.certificates import (  # noqa: F401
    api,
    open_data_views,
    surveillance_views,
    verification_views,
)
