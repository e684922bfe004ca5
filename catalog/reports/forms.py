"""Forms of annual plant reports: the report with its lines, the XLSX upload, the decision."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    FloatField,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import Form as SubForm
from wtforms.validators import InputRequired, Length, Optional

from catalog.forms import readable_number, year_until_now
from catalog.reports.data import report_data
from catalog.reports.rules import ProductLine, ReportInput, WasteLine
from catalog.units import format_unit
from greenbm.forms_util import Form, select_choices
from greenbm.i18n import localized

PRODUCT_ROWS = 3
WASTE_ROWS = 5


class ProductLineForm(SubForm):
    """One product line; a line without an industry is left out."""

    industry = SelectField(_l("Industry"), validate_choice=False)
    capacity = FloatField(_l("Capacity a year"), validators=[Optional(), readable_number])
    production = FloatField(_l("Production"), validators=[Optional(), readable_number])
    energy = FloatField(_l("Energy per unit"), validators=[Optional(), readable_number])


class WasteLineForm(SubForm):
    """One kind of solid waste consumed; a line without a kind is left out."""

    kind = SelectField(_l("Solid waste or by-product"), validate_choice=False)
    tonnes = FloatField(_l("Tonnes"), validators=[Optional(), readable_number])
    in_raw_meal = BooleanField(_l("Replaced limestone in raw meal"))


class ReportForm(Form):
    """A plant's annual report."""

    year = IntegerField(_l("Year"), validators=[InputRequired(), readable_number, year_until_now])
    fuel_tce = FloatField(_l("All fuels (tce)"), validators=[InputRequired(), readable_number])
    substitute_fuel_tce = FloatField(
        _l("Substitute fuels among them (tce)"), validators=[InputRequired(), readable_number]
    )
    raw_meal_limestone_t = FloatField(
        _l("Limestone in cement raw meal (t)"),
        validators=[Optional(), readable_number],
        description=_l("Leave empty if the plant makes no raw meal."),
    )
    evidence = StringField(
        _l("Evidence"),
        validators=[InputRequired(), Length(max=500)],
        description=_l("The document the figures come from, e.g. the energy audit report."),
    )
    products = FieldList(FormField(ProductLineForm), min_entries=PRODUCT_ROWS)
    wastes = FieldList(FormField(WasteLineForm), min_entries=WASTE_ROWS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = report_data()
        industries = [("", "—")] + [
            (
                i.code,
                f"{localized(i)} ({format_unit(i.energy_unit)})" if i.energy_unit else localized(i),
            )
            for i in data.industries.values()
        ]
        kinds = [("", "—")] + [(k.code, localized(k)) for k in data.wastes.values()]
        for line in self.products:
            line.industry.choices = select_choices(industries)
        for line in self.wastes:
            line.kind.choices = select_choices(kinds)

    def to_input(self) -> ReportInput:
        """Return the report as entered, leaving out empty lines."""
        return ReportInput(
            year=self.year.data,
            fuel_tce=self.fuel_tce.data,
            substitute_fuel_tce=self.substitute_fuel_tce.data,
            raw_meal_limestone_t=self.raw_meal_limestone_t.data,
            evidence=self.evidence.data or "",
            products=[
                ProductLine(
                    industry=line.industry.data,
                    capacity=line.capacity.data or 0.0,
                    production=line.production.data or 0.0,
                    energy=line.energy.data,
                )
                for line in self.products
                if line.industry.data
            ],
            wastes=[
                WasteLine(line.kind.data, line.tonnes.data or 0.0, bool(line.in_raw_meal.data))
                for line in self.wastes
                if line.kind.data
            ],
        )


class ReportUploadForm(Form):
    """A filled XLSX template."""

    file = FileField(_l("Filled template (XLSX)"), validators=[FileRequired()])


class ReturnReportForm(Form):
    """Why a report goes back to its manufacturer."""

    reason = TextAreaField(_l("Reason"), validators=[InputRequired(), Length(max=2000)])
