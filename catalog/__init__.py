"""Plants, products, embodied-carbon declarations, evidence and the public catalogue."""

from flask import Blueprint

bp = Blueprint("catalog", __name__, url_prefix="/catalog")
manufacturer_bp = Blueprint("manufacturer", __name__, url_prefix="/manufacturer")

from catalog import (  # noqa: E402,F401
    api,
    evidence_views,
    manufacturer_access,
    openepd_views,
    plant_views,
    product_views,
    views,
)
