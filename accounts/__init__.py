"""Organisations, users, sign-in and registration."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from accounts import key_views, reset_views, views  # noqa: E402,F401
