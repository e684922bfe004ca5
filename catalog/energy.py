"""The plant energy figures a manufacturer can record, with their units and sane ranges."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class EnergyMetric:
    """A kind of plant energy figure."""

    code: str
    label: object
    unit: str
    minimum: float
    maximum: float


ENERGY_METRICS: dict[str, EnergyMetric] = {
    m.code: m
    for m in [
        # GB 16780-2021 quantities for cement plants.
        EnergyMetric("clinker_energy", _l("Clinker comprehensive energy"), "kgce/t", 60, 250),
        EnergyMetric("clinker_power", _l("Clinker power consumption"), "kWh/t", 20, 150),
        EnergyMetric("cement_energy", _l("Cement comprehensive energy"), "kgce/t", 40, 200),
        EnergyMetric("grinding_power", _l("Cement grinding power"), "kWh/t", 10, 100),
        EnergyMetric("product_energy", _l("Energy per unit of product"), "kgce/unit", 0, 2000),
        EnergyMetric("electricity", _l("Electricity used in the year"), "MWh", 0, 10_000_000),
    ]
}
