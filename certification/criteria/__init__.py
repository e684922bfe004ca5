"""Criteria: versioned data, the scoring rules, a product's assessment; their pages and API."""

# The listeners answer catalogue signals; importing them connects them.
from certification.criteria import api, listeners, views  # noqa: F401
