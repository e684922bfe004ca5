"""Certification: criteria, scoring, applications, certificates, verification."""

from flask import Blueprint

bp = Blueprint("certification", __name__)

from greenbm.certification import api, public_views, views  # noqa: E402,F401
