"""Procurement lists of government-investment projects: the rules, the pages, the exports."""

from flask import Blueprint

bp = Blueprint("procurement", __name__, url_prefix="/procurement")

from procurement import list_views, listeners, views  # noqa: E402,F401
