"""Import every table model so that SQLModel.metadata knows the whole schema."""

from accounts.models import ApiKey, Notification, Organisation, User
from catalog.models import (
    Category,
    CategoryIndicator,
    CategoryVariant,
    EvidenceFile,
    PeerGroup,
    Plant,
    PlantEnergyFigure,
    Product,
    ProductIndicatorValue,
    SearchOutbox,
)
from catalog.reports.models import (
    PlantReport,
    PlantReportProduct,
    PlantReportWaste,
    ProvincialFigure,
)
from certification.models import (
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
from certification.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookFanout
from greenbm.audit import AuditEntry
from greenbm.figures import FiguresVersion
from procurement.models import ListLine, ProcurementList, Project

__all__ = [
    "ApiKey",
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
    "FiguresVersion",
    "ListLine",
    "Organisation",
    "PeerGroup",
    "Plant",
    "PlantEnergyFigure",
    "PlantReport",
    "PlantReportProduct",
    "PlantReportWaste",
    "ProvincialFigure",
    "Product",
    "ProcurementList",
    "ProductIndicatorValue",
    "Project",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookFanout",
]
