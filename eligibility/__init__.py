"""Supplier eligibility: the rule, the public check pages, bulk files and the JSON API."""

from flask import Blueprint

bp = Blueprint("eligibility", __name__, url_prefix="/eligibility")

# The page modules add their routes to `bp`; `api` adds its routes to greenbm.api.api_bp.
from eligibility import api, bulk, views  # noqa: E402,F401
