"""Webhooks: organisations receive certificate events at their own HTTPS endpoints."""
