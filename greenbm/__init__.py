"""Green building-material certification and procurement catalogue for Guizhou."""

from greenbm.app import create_app

__all__ = ["create_app"]
