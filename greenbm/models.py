"""Import every table model so that SQLModel.metadata knows the whole schema."""

from greenbm.accounts.models import Organisation, User
from greenbm.catalog.models import (
    Category,
    CategoryIndicator,
    CategoryVariant,
    EvidenceFile,
    Plant,
    PlantEnergyFigure,
    Product,
    ProductIndicatorValue,
)

__all__ = [
    "Category",
    "CategoryIndicator",
    "CategoryVariant",
    "EvidenceFile",
    "Organisation",
    "Plant",
    "PlantEnergyFigure",
    "Product",
    "ProductIndicatorValue",
    "User",
]
