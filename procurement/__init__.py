"""Procurement lists of government-investment projects: the rules, the pages, the exports."""

from flask import Blueprint

from accounts.models import Role
from accounts.signals import serve_home

bp = Blueprint("procurement", __name__, url_prefix="/procurement")
serve_home(Role.PROCUREMENT_OFFICER, "procurement.projects")

from procurement import list_views, listeners, views  # noqa: E402,F401
