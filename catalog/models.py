"""Categories, plants, products, their declared values and their evidence files."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from greenbm.models_base import enum_field, timestamp_field


class ProcurementClass(StrEnum):
    """Whether government projects must buy only green products of a category."""

    MANDATORY = "mandatory"
    OPTIONAL = "optional"


class GwpProvenance(StrEnum):
    """Where a GWP figure comes from, best first (GB/T 51366-2019 §6.2.4)."""

    VERIFIED_EPD = "verified_epd"
    # A verifier is named but no programme registration: verified, yet not findable in a
    # programme's register, so it ranks below a registered EPD.
    VERIFIED_EPD_UNREGISTERED = "verified_epd_unregistered"
    VERIFIED_LCA = "verified_lca"
    SELF_DECLARED = "self_declared"
    DEFAULT_FACTOR = "default_factor"


class ProductStatus(StrEnum):
    """A draft is visible to its manufacturer only; a published product is public."""

    DRAFT = "draft"
    PUBLISHED = "published"


class EvidenceKind(StrEnum):
    """The kinds of document a manufacturer attaches to a product."""

    TYPE_TEST_REPORT = "type_test_report"
    EPD = "epd"
    EMISSION_MONITORING = "emission_monitoring"
    MANAGEMENT_SYSTEM = "management_system"
    OTHER = "other"


class CapacityKind(StrEnum):
    """What a plant's capacity figure measures."""

    CLINKER = "clinker"
    PRODUCT = "product"


class Category(SQLModel, table=True):
    """A product family with its declared unit and procurement class."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    name_zh: str = Field(max_length=100)
    name_en: str = Field(max_length=100)
    declared_unit: str = Field(max_length=20)
    # Other declared units a product may use (e.g. gypsum binder per t beside board per m²).
    alternative_units: str = Field(default="", max_length=100)
    procurement_class: str = enum_field(ProcurementClass)
    gwp_reference: float | None = None
    gwp_reference_source: str = Field(default="", max_length=200)
    gwp_min: float
    gwp_max: float
    variant_attribute: str | None = Field(default=None, max_length=40)
    variant_name_zh: str | None = Field(default=None, max_length=60)
    variant_name_en: str | None = Field(default=None, max_length=60)
    position: int = 0
    # Where the type comes from (the national catalogue item, a policy text), as the seed
    # file cites it; and whether this project has its own criteria for it. Without them the
    # type is certificate-only: it takes certificates issued elsewhere, no application here.
    source: str = Field(default="", max_length=300)
    own_criteria: bool = True
    # Which GWP of an EPD the criteria grade: "gwp" (total) or "gwp-fossil" (openEPD keys).
    gwp_indicator: str = Field(default="gwp", max_length=20)

    @property
    def certificate_only(self) -> bool:
        """Return whether products of this type can only hold certificates issued elsewhere."""
        return not self.own_criteria

    @property
    def allowed_units(self) -> list[str]:
        """Return the declared unit followed by the alternatives."""
        extra = [u for u in self.alternative_units.split(",") if u]
        return [self.declared_unit, *extra]


class CategoryVariant(SQLModel, table=True):
    """A value of a category's variant attribute (e.g. a tile water-absorption class)."""

    __table_args__ = (sa.UniqueConstraint("category_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    category_id: int = Field(foreign_key="category.id", index=True)
    code: str = Field(max_length=40)
    name_zh: str = Field(max_length=60)
    name_en: str = Field(max_length=60)
    gwp_reference: float | None = None
    gwp_reference_source: str = Field(default="", max_length=200)
    position: int = 0


class CategoryIndicator(SQLModel, table=True):
    """An indicator value every product of the category declares."""

    __table_args__ = (sa.UniqueConstraint("category_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    category_id: int = Field(foreign_key="category.id", index=True)
    code: str = Field(max_length=40)
    group: str = Field(max_length=20)
    name_zh: str = Field(max_length=100)
    name_en: str = Field(max_length=100)
    unit: str = Field(max_length=30)
    plausible_min: float
    plausible_max: float
    position: int = 0


class Plant(SQLModel, table=True):
    """A production site of a manufacturer."""

    id: int | None = Field(default=None, primary_key=True)
    manufacturer_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)
    address: str = Field(default="", max_length=300)
    division_code: str = Field(max_length=6, index=True)
    capacity: float | None = None
    capacity_unit: str | None = Field(default=None, max_length=20)
    capacity_kind: str = enum_field(CapacityKind, default=CapacityKind.PRODUCT)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
    # Who confirmed the capacity, division and kind (a reviewer or an administrator) and when:
    # until then, and again after the manufacturer changes them, the plant counts in no
    # provincial figure (catalog.plant_confirmation). confirmed_by None with a date: migration.
    confirmed_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    confirmed_by_id: int | None = Field(default=None, foreign_key="user.id")


class PlantEnergyFigure(SQLModel, table=True):
    """One energy figure of a plant for one year."""

    __table_args__ = (sa.UniqueConstraint("plant_id", "year", "metric"),)

    id: int | None = Field(default=None, primary_key=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    year: int
    metric: str = Field(max_length=40)
    value: float
    unit: str = Field(max_length=30)
    # As on Plant: a new or changed figure counts only once confirmed.
    confirmed_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    confirmed_by_id: int | None = Field(default=None, foreign_key="user.id")


class Product(SQLModel, table=True):
    """A manufacturer's product with its embodied carbon and indicator values."""

    id: int | None = Field(default=None, primary_key=True)
    manufacturer_id: int = Field(foreign_key="organisation.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    category_id: int = Field(foreign_key="category.id", index=True)
    name_zh: str = Field(max_length=200)
    name_en: str = Field(default="", max_length=200)
    series: str = Field(default="", max_length=100)
    model_spec: str = Field(default="", max_length=200)
    description: str = Field(default="", sa_type=sa.Text)
    declared_unit: str = Field(max_length=20)
    variant: str | None = Field(default=None, max_length=40)
    gwp_a1a3: float
    gwp_provenance: str = enum_field(GwpProvenance)
    epd_programme_operator: str = Field(default="", max_length=200)
    epd_registration_number: str = Field(default="", max_length=100)
    epd_issue_date: date | None = None
    epd_valid_until: date | None = None
    epd_verifier: str = Field(default="", max_length=200)
    # Which GWP was read from an imported EPD, and under which LCIA method ("" if typed in).
    gwp_indicator: str = Field(default="", max_length=20)
    gwp_lcia_method: str = Field(default="", max_length=40)
    status: str = enum_field(ProductStatus, default=ProductStatus.DRAFT, index=True)
    # Summary of the product's current certificate, kept by the certification package through
    # `catalog.services.set_certification_summary` so that catalogue pages need not import it.
    cert_number: str | None = Field(default=None, max_length=40)
    cert_stars: int | None = None
    cert_status: str | None = Field(default=None, max_length=20, index=True)
    cert_valid_until: date | None = None
    # The certification body whose certificate this entry was recorded from (not registered
    # here by its manufacturer); None for a product its manufacturer registered.
    recorded_from_id: int | None = Field(default=None, foreign_key="organisation.id")
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
    published_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class PeerGroup(SQLModel, table=True):
    """The GWP of a category's published products of one variant and unit, kept sorted.

    Written by catalog/peer_groups.py in the transaction that changes the products; the
    arrays, sorted by GWP then id, are packed little-endian (int64 id, float64 GWP, uint8
    status code, int32 end-date ordinal) so that a page reads ten thousand peers as one row.
    """

    __table_args__ = (sa.UniqueConstraint("category_id", "declared_unit", "variant"),)

    id: int | None = Field(default=None, primary_key=True)
    category_id: int = Field(foreign_key="category.id")
    variant: str = Field(default="", max_length=40)  # "" for a product without a variant
    declared_unit: str = Field(max_length=20)
    count: int = 0
    product_id: bytes = Field(default=b"", sa_type=sa.LargeBinary)
    gwp: bytes = Field(default=b"", sa_type=sa.LargeBinary)
    cert_status: bytes = Field(default=b"", sa_type=sa.LargeBinary)
    cert_valid_until: bytes = Field(default=b"", sa_type=sa.LargeBinary)
    updated_at: datetime = timestamp_field()


class ProductIndicatorValue(SQLModel, table=True):
    """A product's declared value for one of its category's indicators."""

    __table_args__ = (sa.UniqueConstraint("product_id", "indicator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True, ondelete="CASCADE")
    indicator_id: int = Field(foreign_key="categoryindicator.id", index=True)
    value: float
    unit: str = Field(max_length=30)


class EvidenceFile(SQLModel, table=True):
    """A PDF attached to a product, stored under the instance folder with a random name."""

    id: int | None = Field(default=None, primary_key=True)
    manufacturer_id: int = Field(foreign_key="organisation.id", index=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    kind: str = enum_field(EvidenceKind)
    original_name: str = Field(max_length=255)
    stored_name: str = Field(max_length=64, unique=True)
    size: int
    sha256: str = Field(max_length=64)
    test_date: date | None = None
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
    uploaded_at: datetime = timestamp_field()


class SearchOutbox(SQLModel, table=True):
    """A product whose search document must be refreshed, written in the changing transaction.

    Each instance's indexer applies the rows in id order and remembers the last id it applied
    (in its own index directory), so several instances can follow one database.
    """

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(index=True)  # no foreign key: a deleted product is still removed
    created_at: datetime = timestamp_field()
