"""Forms of the procurement pages, and the words for project types and line statuses."""

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from greenbm.forms_util import Form, select_choices
from greenbm.urls import id_range
from procurement.models import ProjectType
from procurement.rules import LineStatus

PROJECT_TYPE_LABELS = {
    ProjectType.HOSPITAL: _l("Hospital"),
    ProjectType.SCHOOL: _l("School"),
    ProjectType.OFFICE: _l("Office building"),
    ProjectType.COMPLEX: _l("Complex"),
    ProjectType.EXHIBITION_CENTRE: _l("Exhibition or convention centre"),
    ProjectType.GYMNASIUM: _l("Gymnasium"),
    ProjectType.AFFORDABLE_HOUSING: _l("Affordable housing"),
    ProjectType.URBAN_RENEWAL: _l("Urban renewal"),
    ProjectType.OTHER: _l("Other"),
}

STATUS_LABELS = {
    LineStatus.GREEN: _l("green (certificate valid)"),
    LineStatus.OFF_CATALOGUE: _l("not in the catalogue"),
    LineStatus.NOT_CERTIFIED: _l("not certified"),
    LineStatus.SUSPENDED: _l("suspended"),
    LineStatus.REVOKED: _l("revoked"),
    LineStatus.EXPIRED: _l("expired"),
}


def project_type_label(value: str) -> str:
    """Return the project type in words."""
    return str(PROJECT_TYPE_LABELS.get(value, value))


def status_label(value: str | None) -> str:
    """Return a line's (or a certificate's) status in words."""
    if value == "valid":
        return str(STATUS_LABELS[LineStatus.GREEN])
    return str(STATUS_LABELS.get(value, value or STATUS_LABELS[LineStatus.NOT_CERTIFIED]))


def POSITIVE(form, field) -> None:  # noqa: N802  (used like the validator constants)
    """Reject zero and negative numbers."""
    if field.data is not None and field.data <= 0:
        raise ValidationError(_l("Enter a number greater than 0."))


NOT_NEGATIVE = NumberRange(min=0, message=_l("Enter 0 or more."))


def _quantity(**kwargs):
    return DecimalField(
        _l("Quantity"), places=None, validators=[InputRequired(), POSITIVE], **kwargs
    )


def _unit_price(**kwargs):
    return DecimalField(
        _l("Unit price (CNY)"), places=None, validators=[InputRequired(), NOT_NEGATIVE], **kwargs
    )


class ProjectForm(Form):
    """A government-investment project."""

    name = StringField(_l("Project name"), validators=[InputRequired(), Length(max=200)])
    code = StringField(_l("Project code"), validators=[InputRequired(), Length(max=60)])
    project_type = SelectField(
        _l("Project type"),
        choices=select_choices((t.value, label) for t, label in PROJECT_TYPE_LABELS.items()),
    )
    division_code = SelectField(_l("Division"))
    owner_unit = StringField(_l("Owner unit"), validators=[Optional(), Length(max=200)])
    budget = DecimalField(_l("Budget (CNY)"), places=None, validators=[Optional(), NOT_NEGATIVE])


class ListForm(Form):
    """A new procurement list."""

    name = StringField(_l("List name"), validators=[InputRequired(), Length(max=200)])


class ProductLineForm(Form):
    """A catalogue product to add to a list, by its number."""

    product_id = IntegerField(
        _l("Product number"),
        validators=[InputRequired(), id_range()],
        description=_l("The number at the end of the product's catalogue address."),
    )
    quantity = _quantity()
    unit_price = _unit_price()


class MaterialLineForm(Form):
    """A material that is not in the catalogue."""

    category_id = SelectField(_l("Category"), coerce=int)
    description = StringField(_l("Material"), validators=[InputRequired(), Length(max=300)])
    supplier_name = StringField(_l("Supplier"), validators=[InputRequired(), Length(max=200)])
    # The list page shows this form beside ProductLineForm: distinct ids, the same names.
    quantity = _quantity(id="material_quantity")
    unit_price = _unit_price(id="material_unit_price")


class AddToListForm(Form):
    """Add a product from the catalogue to one of the agency's lists."""

    list_id = SelectField(_l("Procurement list"), coerce=int)
    quantity = _quantity()
    unit_price = _unit_price()


class RemoveLineForm(Form):
    """Remove a line (the form carries only the CSRF token)."""
