"""Green building-material certification and procurement catalogue for Guizhou."""

from greenbm.warnings_filter import ignore_upstream_deprecations

# Before anything imports pyHanko (the app factory does, through certification).
ignore_upstream_deprecations()

from greenbm.app import create_app  # noqa: E402

__all__ = ["create_app"]
