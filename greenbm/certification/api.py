"""api of certification (being written)."""
