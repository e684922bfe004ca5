"""openEPD documents: products read from them and written as them (the keys both share)."""

EXT_KEY = "greenbm"
"""Key of this catalogue's fields in the openEPD `ext`, `alt_ids` and `product_classes` maps."""
GWP_UNIT = "kgCO2e"
