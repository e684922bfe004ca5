"""Certificates: issue, lifecycle and surveillance, the signed PDF, public verification."""

from certification.certificates import (  # noqa: F401
    api,
    history_words,
    surveillance_views,
    verification_views,
)
