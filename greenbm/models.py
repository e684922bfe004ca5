"""Import every table model so that SQLModel.metadata knows the whole schema."""

from greenbm.accounts.models import Notification, Organisation, User
from greenbm.audit import AuditEntry
from greenbm.catalog.models import (
    Category,
    CategoryIndicator,
    CategoryVariant,
    EvidenceFile,
    Plant,
    PlantEnergyFigure,
    Product,
    ProductIndicatorValue,
    SearchOutbox,
)
from greenbm.certification.models import (
    Application,
    ApplicationEvent,
    Certificate,
    CertificateEvent,
    CertificateSequence,
    CriteriaVersion,
    PrerequisiteJudgement,
    ReviewedValue,
    SurveillanceRecord,
)
from greenbm.procurement.models import ListLine, ProcurementList, Project

__all__ = [
    "Application",
    "AuditEntry",
    "ApplicationEvent",
    "Certificate",
    "CertificateEvent",
    "CertificateSequence",
    "CriteriaVersion",
    "Notification",
    "PrerequisiteJudgement",
    "ReviewedValue",
    "SearchOutbox",
    "SurveillanceRecord",
    "Category",
    "CategoryIndicator",
    "CategoryVariant",
    "EvidenceFile",
    "ListLine",
    "Organisation",
    "Plant",
    "PlantEnergyFigure",
    "Product",
    "ProcurementList",
    "ProductIndicatorValue",
    "Project",
    "User",
]
