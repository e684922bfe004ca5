"""Supplier eligibility: the rule, the public check pages, bulk files and the JSON API."""

from flask import Blueprint

from accounts.models import Role
from accounts.signals import serve_home

bp = Blueprint("eligibility", __name__, url_prefix="/eligibility")
serve_home(Role.CONTRACTOR, "eligibility.check")

# The page modules add their routes to `bp`; `api` adds its routes to greenbm.api.api_bp.
from eligibility import api, bulk, views  # noqa: E402,F401
