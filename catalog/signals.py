"""Signals the catalogue sends, so that higher packages can react without being imported."""

from blinker import Namespace

_signals = Namespace()

# Sent by `set_certification_summary` with `session`, `product_id` and `status` (the new
# certificate status, or None): procurement flags list lines whose product stopped being green.
certification_changed = _signals.signal("certification-changed")

# Sent by the product page with `session`, `product` and `declared` (its indicator values by
# code, GWP included, or None to read them): a receiver (certification) returns
# {"stars": int, "criteria_version": str, "indicators": {code: {"level": int,
# "thresholds": [one, two, three], "unit": str}}}, or None. With no answer, no levels show.
product_assessment_requested = _signals.signal("product-assessment-requested")

# Sent by the category statistics with `session`, `category_id`, `variant` and `unit`: a
# receiver (certification) returns {"criteria_version": str, "direction": str,
# "thresholds": [one, two, three], "unit": str} for the GWP indicator in force, or None.
gwp_thresholds_requested = _signals.signal("gwp-thresholds-requested")
