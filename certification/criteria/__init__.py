"""Criteria: versioned data, the scoring rules, a product's assessment; their pages and API."""

from certification.criteria import api, views  # noqa: F401
