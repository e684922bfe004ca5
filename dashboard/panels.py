"""Each dashboard chart with its data table, by key (the key names its CSV download).

The table is what the page shows beside the chart and what its CSV download holds, cell for
cell, so the two cannot disagree. Administrators see more rows (divisions, plants).
"""

from collections.abc import Callable

from dashboard.certificate_panels import (
    certificate_alerts_panel,
    certified_by_category,
    certified_by_division,
    certified_by_month,
)
from dashboard.clinker_panels import clinker_benchmark, clinker_intensity
from dashboard.market_panels import gwp_distribution, procurement_share
from dashboard.panel_base import Context, Panel, Table
from dashboard.report_panels import (
    industry_benchmark,
    substitution_panel,
    waste_by_division,
    waste_by_industry,
)

__all__ = ["PANELS", "Context", "Panel", "Table"]

PANELS: dict[str, Callable[[Context], Panel]] = {
    "clinker-benchmark": clinker_benchmark,
    "clinker-intensity": clinker_intensity,
    "industry-benchmark": industry_benchmark,
    "waste-division": waste_by_division,
    "waste-industry": waste_by_industry,
    "substitution": substitution_panel,
    "certified-category": certified_by_category,
    "certified-division": certified_by_division,
    "certified-month": certified_by_month,
    "gwp": gwp_distribution,
    "procurement": procurement_share,
    "certificate-alerts": certificate_alerts_panel,
}
