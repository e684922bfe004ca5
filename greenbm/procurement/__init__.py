"""Procurement lists of government-investment projects and supplier eligibility (later issue)."""

from flask import Blueprint

bp = Blueprint("procurement", __name__, url_prefix="/procurement")
