"""Which GWP figure of an EPD is read: the indicator the criteria grade, by method preference."""

from openepd.model.epd import Epd
from openepd.model.lcia import LCIAMethod, Measurement

# Methods in the order they are preferred when an EPD declares several. EN 15804+A2 first
# (its climate indicators are characterised with EF 3.x; openEPD names them so), then the IPCC
# assessment reports, AR6 before AR5; any other named method next, in the document's order;
# the unknown method after those, and TRACI last: its GWP follows US practice (EPA factors),
# not the EN 15804 / IPCC basis that the Chinese standards (GB/T 51366) use.
METHOD_PREFERENCE = (
    "EN 15804+A2",
    LCIAMethod.EF_3_1.value,
    LCIAMethod.EF_3_0.value,
    LCIAMethod.EF_2_0.value,
    LCIAMethod.IPCC_AR6.value,
    LCIAMethod.IPCC_AR5.value,
)
UNKNOWN_METHOD = LCIAMethod.UNKNOWN.value
"""The openEPD name of "method not stated": read and stored as no method at all ("")."""

# The openEPD keys of the GWP indicators a category's criteria can grade.
GWP_TOTAL = "gwp"
GWP_FOSSIL = "gwp-fossil"
INDICATOR_FIELDS = {GWP_TOTAL: "gwp", GWP_FOSSIL: "gwp_fossil"}


def method_rank(method: str) -> int:
    """Return where a method stands in the preference order (lower is preferred)."""
    if method in METHOD_PREFERENCE:
        return METHOD_PREFERENCE.index(method)
    if method.upper().startswith("TRACI"):
        return len(METHOD_PREFERENCE) + 2
    if method == UNKNOWN_METHOD:
        return len(METHOD_PREFERENCE) + 1
    return len(METHOD_PREFERENCE)


def pick_gwp(epd: Epd, indicator: str) -> tuple[str, Measurement] | None:
    """Return (method, A1-A3 measurement) of the indicator under the preferred method, or None."""
    field = INDICATOR_FIELDS[indicator]
    found = []
    for method, impact_set in (epd.impacts.root if epd.impacts else {}).items():
        scope_set = getattr(impact_set, field)
        if scope_set is not None and scope_set.A1A2A3 is not None:
            name = method.value if isinstance(method, LCIAMethod) else str(method)
            found.append((name, scope_set.A1A2A3))
    if not found:
        return None
    # sorted() is stable: methods of equal rank keep the document's order.
    return sorted(found, key=lambda item: method_rank(item[0]))[0]


def stored_method(method: str) -> str:
    """Return the method as stored on a product: "" when the EPD does not name one."""
    return "" if method == UNKNOWN_METHOD else method
