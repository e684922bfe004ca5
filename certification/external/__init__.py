"""Certificates issued by other certification bodies: their records, imported or pushed."""
