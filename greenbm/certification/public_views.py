"""public_views of certification (being written)."""
