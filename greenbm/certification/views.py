"""views of certification (being written)."""
