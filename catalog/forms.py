"""Forms of the registry: plants, energy figures, products (per category), evidence, import."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from catalog.energy import ENERGY_METRICS
from catalog.models import (
    CapacityKind,
    Category,
    CategoryIndicator,
    CategoryVariant,
    EvidenceKind,
    GwpProvenance,
)
from catalog.plants import CAPACITY_UNITS
from catalog.units import format_unit
from greenbm.forms_util import Form, select_choices

PROVENANCE_CHOICES = select_choices(
    [
        (GwpProvenance.VERIFIED_EPD.value, _l("Third-party verified EPD")),
        (
            GwpProvenance.VERIFIED_EPD_UNREGISTERED.value,
            _l("Verified EPD, not registered with a programme"),
        ),
        (GwpProvenance.VERIFIED_LCA.value, _l("Verified LCA")),
        (GwpProvenance.SELF_DECLARED.value, _l("Self-declared calculation")),
        (GwpProvenance.DEFAULT_FACTOR.value, _l("Default factor (GB/T 51366)")),
    ]
)

EVIDENCE_CHOICES = select_choices(
    [
        (EvidenceKind.TYPE_TEST_REPORT.value, _l("Type-test report (CMA laboratory)")),
        (EvidenceKind.EPD.value, _l("Environmental product declaration (EPD)")),
        (EvidenceKind.EMISSION_MONITORING.value, _l("Emission monitoring report")),
        (EvidenceKind.MANAGEMENT_SYSTEM.value, _l("Management-system certificate")),
        (EvidenceKind.OTHER.value, _l("Other")),
    ]
)


def not_in_future(form, field) -> None:
    """Reject a date later than today."""
    if field.data and field.data > date.today():
        raise ValidationError(_l("The date cannot be in the future."))


def readable_number(form, field) -> None:
    """Stop checking a number that could not be read: its own error already says why."""
    if field.process_errors:
        raise StopValidation()


def year_until_now(form, field) -> None:
    """Reject a year before 2000 or after this year (read at each request, not at start-up)."""
    this_year = date.today().year
    if field.data is not None and not 2000 <= field.data <= this_year:
        raise ValidationError(_l("Enter a year from 2000 to %(year)s.", year=this_year))


class Between:
    """Require a number within a range, with a message shown as given (it may contain "%")."""

    def __init__(self, minimum: float, maximum: float, message) -> None:
        self.minimum, self.maximum, self.message = minimum, maximum, message

    def __call__(self, form, field) -> None:
        """Reject a value outside the range (NaN included)."""
        if field.data is not None and not self.minimum <= field.data <= self.maximum:
            raise ValidationError(self.message)


class PlantForm(Form):
    """A production site."""

    name = StringField(_l("Plant name"), validators=[InputRequired(), Length(max=200)])
    division_code = SelectField(_l("Division"), validators=[InputRequired()])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    capacity_kind = SelectField(
        _l("Capacity measures"),
        choices=select_choices(
            [
                (CapacityKind.CLINKER.value, _l("Clinker")),
                (CapacityKind.PRODUCT.value, _l("Product")),
            ]
        ),
        default=CapacityKind.PRODUCT.value,
    )
    capacity = FloatField(
        _l("Capacity"),
        validators=[
            Optional(),
            readable_number,
            NumberRange(min=0.001, message=_l("Must be greater than 0.")),
        ],
    )
    capacity_unit = SelectField(
        _l("Capacity unit"), choices=select_choices((u, format_unit(u)) for u in CAPACITY_UNITS)
    )


class EnergyFigureForm(Form):
    """One yearly energy figure of a plant."""

    year = IntegerField(_l("Year"), validators=[InputRequired(), readable_number, year_until_now])
    # Choices are built per request (see __init__) so that the labels follow the language.
    metric = SelectField(_l("Figure"))
    value = FloatField(_l("Value"), validators=[InputRequired(), readable_number])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.metric.choices = select_choices(
            (m.code, f"{m.label} ({format_unit(m.unit)})") for m in ENERGY_METRICS.values()
        )


class ProductFormBase(Form):
    """The fields every product has; indicator fields are added per category."""

    plant_id = SelectField(_l("Plant"), coerce=int, validators=[InputRequired()])
    name_zh = StringField(
        _l("Product name (Chinese)"), validators=[InputRequired(), Length(max=200)]
    )
    name_en = StringField(_l("Product name (English)"), validators=[Optional(), Length(max=200)])
    series = StringField(_l("Series / brand"), validators=[Optional(), Length(max=100)])
    model_spec = StringField(_l("Model / specification"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    declared_unit = SelectField(_l("Declared unit"))
    gwp_a1a3 = FloatField(
        _l("GWP, cradle to gate (A1–A3)"),
        validators=[
            InputRequired(),
            readable_number,
            NumberRange(min=0.000001, message=_l("The GWP must be greater than 0 kgCO2e.")),
        ],
    )
    gwp_provenance = SelectField(_l("Source of the GWP figure"), choices=PROVENANCE_CHOICES)
    epd_programme_operator = StringField(
        _l("EPD programme operator"), validators=[Optional(), Length(max=200)]
    )
    epd_registration_number = StringField(
        _l("EPD registration number"), validators=[Optional(), Length(max=100)]
    )
    epd_verifier = StringField(
        _l("EPD third-party verifier"), validators=[Optional(), Length(max=200)]
    )
    epd_issue_date = DateField(_l("EPD issue date"), validators=[Optional(), not_in_future])
    epd_valid_until = DateField(_l("EPD valid until"), validators=[Optional()])

    def validate_epd_valid_until(self, field) -> None:
        """Require the validity to end after the issue date."""
        issued = self.epd_issue_date.data
        if field.data and issued and field.data <= issued:
            raise ValidationError(_l("Must be after the EPD issue date."))


def product_form_class(
    category: Category,
    indicators: list[CategoryIndicator],
    variants: list[CategoryVariant],
    localized,
) -> type[ProductFormBase]:
    """Return a product form with the category's variant and indicator fields."""

    class ProductForm(ProductFormBase):
        pass

    if variants:
        ProductForm.variant = SelectField(
            localized(category, "variant_name"),
            choices=select_choices((v.code, localized(v)) for v in variants),
            validators=[InputRequired()],
        )
    for ind in indicators:
        unit = format_unit(ind.unit)
        message = _l(
            "Enter a value from %(min)s to %(max)s %(unit)s.",
            min=f"{ind.plausible_min:g}",
            max=f"{ind.plausible_max:g}",
            unit=unit,
        )
        field = FloatField(
            localized(ind),
            description=unit,
            validators=[
                Optional(),
                readable_number,
                Between(ind.plausible_min, ind.plausible_max, message),
            ],
        )
        setattr(ProductForm, f"ind_{ind.code}", field)
    return ProductForm


class EvidenceForm(Form):
    """A PDF attached to a product."""

    kind = SelectField(_l("Kind of document"), choices=EVIDENCE_CHOICES)
    test_date = DateField(
        _l("Test date (type-test reports)"), validators=[Optional(), not_in_future]
    )
    file = FileField(_l("PDF file, 20 MB at most"), validators=[FileRequired()])


class ImportForm(Form):
    """An openEPD JSON file to turn into a draft product."""

    category_id = SelectField(_l("Category"), coerce=int)
    plant_id = SelectField(_l("Plant"), coerce=int)
    # openEPD has no field for the class some categories grade by (concrete strength class,
    # tile water absorption), so the manufacturer names it here.
    variant = SelectField(
        _l("Class (concrete and ceramic tile only)"), validators=[Optional()], default=""
    )
    file = FileField(_l("openEPD JSON file"), validators=[FileRequired()])
