"""Applications and their review: the manufacturer's and the reviewer's pages, notifications."""

from accounts.models import Role
from accounts.signals import serve_home

serve_home(Role.REVIEWER, "certification.review_queue")

from certification.applications import (  # noqa: E402,F401
    manufacturer_views,
    notification_views,
    review_views,
)
