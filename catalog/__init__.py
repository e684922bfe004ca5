"""Plants, products, embodied-carbon declarations, evidence and the public catalogue."""

from datetime import date

from flask import Blueprint

from accounts.models import Role
from accounts.signals import serve_home

bp = Blueprint("catalog", __name__, url_prefix="/catalog")
manufacturer_bp = Blueprint("manufacturer", __name__, url_prefix="/manufacturer")
# Annual plant reports waiting for a reviewer's or the administrator's decision.
reports_bp = Blueprint("reports", __name__, url_prefix="/reports")
serve_home(Role.MANUFACTURER, "manufacturer.products")


@bp.app_template_global("epd_expired")
def epd_expired(valid_until: date | None) -> bool:
    """Return whether an EPD's validity date has passed (pages mark such a stored EPD)."""
    return valid_until is not None and valid_until < date.today()


from catalog import (  # noqa: E402,F401
    api,
    category_api,
    category_views,
    data_text,
    download_views,
    evidence_views,
    manufacturer_access,
    openepd_views,
    peer_hooks,
    plant_views,
    product_views,
    views,
)
from catalog.reports import review_views as report_review_views  # noqa: E402,F401
from catalog.reports import views as report_views  # noqa: E402,F401
