"""Certificates: issue, lifecycle and surveillance, the signed PDF, public verification."""

from certification.certificates import (  # noqa: F401
    api,
    document_views,
    feed,
    history_words,
    open_data_views,
    register_api,
    surveillance_views,
    verification_views,
)
