"""Data files (categories, demo organisations and products) and their idempotent loaders."""
