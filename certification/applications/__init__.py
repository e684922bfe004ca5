"""Applications and their review: the manufacturer's and the reviewer's pages, notifications."""

from certification.applications import (  # noqa: F401
    manufacturer_views,
    notification_views,
    review_views,
)
