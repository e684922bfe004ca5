"""Plants, products, embodied-carbon declarations, evidence and the public catalogue."""

from flask import Blueprint

from accounts.models import Role
from accounts.signals import serve_home

bp = Blueprint("catalog", __name__, url_prefix="/catalog")
manufacturer_bp = Blueprint("manufacturer", __name__, url_prefix="/manufacturer")
serve_home(Role.MANUFACTURER, "manufacturer.products")

from catalog import (  # noqa: E402,F401
    api,
    data_text,
    evidence_views,
    manufacturer_access,
    openepd_views,
    plant_views,
    product_views,
    views,
)
