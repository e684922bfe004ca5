"""Certification: criteria, scoring, applications, certificates, verification."""

from flask import Blueprint

bp = Blueprint("certification", __name__)

from certification import (  # noqa: E402,F401
    api,
    manufacturer_views,
    notification_views,
    public_views,
    review_views,
    surveillance_views,
)
