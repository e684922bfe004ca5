"""Plants, products, embodied-carbon declarations, evidence and the public catalogue."""

from flask import Blueprint

bp = Blueprint("catalog", __name__, url_prefix="/catalog")
manufacturer_bp = Blueprint("manufacturer", __name__, url_prefix="/manufacturer")

from catalog import api, manufacturer_views, views  # noqa: E402,F401
