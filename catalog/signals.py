"""Signals the catalogue sends, so that higher packages can react without being imported."""

from blinker import Namespace

_signals = Namespace()

# Sent by `set_certification_summary` with `session`, `product_id` and `status` (the new
# certificate status, or None): procurement flags list lines whose product stopped being green.
certification_changed = _signals.signal("certification-changed")
