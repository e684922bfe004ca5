"""The provincial dashboard: where Guizhou stands against the plan's targets, at a glance."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from dashboard import views  # noqa: E402,F401
