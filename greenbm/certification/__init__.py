"""Certification: criteria, scoring, applications, certificates (built in a later issue)."""

from flask import Blueprint

bp = Blueprint("certification", __name__, url_prefix="/certification")
