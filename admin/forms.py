"""Forms of the administrators' console."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import Email, InputRequired, Length, Optional

from accounts.forms import OrganisationFields, UserFields
from accounts.models import OrganisationKind, Role
from accounts.services import MIN_PASSWORD_LENGTH
from catalog.models import ProcurementClass
from greenbm.forms_util import Form, select_choices
from greenbm.urls import id_range

KIND_CHOICES = [
    (OrganisationKind.MANUFACTURER.value, _l("Manufacturer")),
    (OrganisationKind.CERTIFICATION_BODY.value, _l("Certification body")),
    (OrganisationKind.PROCUREMENT_AGENCY.value, _l("Procurement agency")),
    (OrganisationKind.CONSTRUCTION_FIRM.value, _l("Construction firm")),
    (OrganisationKind.ADMINISTRATOR.value, _l("Administrator")),
]
ROLE_CHOICES = [
    (Role.MANUFACTURER.value, _l("Manufacturer")),
    (Role.REVIEWER.value, _l("Certification reviewer")),
    (Role.PROCUREMENT_OFFICER.value, _l("Procurement officer")),
    (Role.CONTRACTOR.value, _l("Contractor")),
    (Role.ADMINISTRATOR.value, _l("Administrator")),
]
OBJECT_TYPE_CHOICES = [
    ("organisation", _l("Organisation")),
    ("user", _l("User")),
    ("category", _l("Category")),
    ("criteria_version", _l("Criteria version")),
    ("plant", _l("Plant")),
    ("application", _l("Application")),
    ("certificate", _l("Certificate")),
]


class OrganisationForm(OrganisationFields):
    """An organisation created by an administrator."""

    kind = SelectField(_l("Kind"), choices=select_choices(KIND_CHOICES))
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional(), Email()])
    cert_number_prefix = StringField(
        _l("Certificate-number prefix"),
        description=_l("Certification bodies only, e.g. GZGBM"),
        validators=[Optional(), Length(max=16)],
    )
    approval_number = StringField(
        _l("CNCA approval number"),
        description=_l("Certification bodies only, e.g. CNCA-R-2021-123"),
        validators=[Optional(), Length(max=40)],
    )


class NewUserForm(UserFields):
    """A user created by an administrator inside an organisation."""

    organisation_id = SelectField(_l("Organisation"), coerce=int)


class PasswordResetForm(Form):
    """A new password typed by the administrator, or one generated and shown once."""

    password = PasswordField(
        _l("New password"),
        description=_l(
            "Leave it empty to have one generated and shown to you once; "
            "otherwise at least %(n)d characters.",
            n=MIN_PASSWORD_LENGTH,
        ),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
    )


class CategoryForm(Form):
    """The fields of a category an administrator may change."""

    name_zh = StringField(_l("Name in Chinese"), validators=[InputRequired(), Length(max=100)])
    name_en = StringField(_l("Name in English"), validators=[InputRequired(), Length(max=100)])
    declared_unit = StringField(
        _l("Declared unit"),
        description=_l(
            "GWP and every per-unit value are declared per this unit. It can only change while "
            "no product of the category is declared in the current unit."
        ),
        validators=[InputRequired(), Length(max=20)],
    )
    procurement_class = SelectField(
        _l("Procurement class"),
        choices=select_choices(
            [
                (ProcurementClass.MANDATORY.value, _l("Mandatory: every product bought is green")),
                (
                    ProcurementClass.OPTIONAL.value,
                    _l("Optional: green for at least 40 per cent of the types"),
                ),
            ]
        ),
    )


class CriteriaUploadForm(Form):
    """A criteria file in TOML."""

    file = FileField(_l("Criteria file (TOML, UTF-8)"), validators=[FileRequired()])


class UserFilterForm(Form):
    """Filters of the user list (a GET form)."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    email = StringField(_l("E-mail contains"), validators=[Optional(), Length(max=254)])
    organisation = SelectField(_l("Organisation"), default="")
    role = SelectField(
        _l("Role"), choices=select_choices([("", _l("Any")), *ROLE_CHOICES]), default=""
    )
    status = SelectField(
        _l("Status"),
        choices=select_choices(
            [("", _l("Any")), ("enabled", _l("Enabled")), ("disabled", _l("Disabled"))]
        ),
        default="",
    )


class AuditFilterForm(Form):
    """Filters of the audit search (a GET form)."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    organisation = SelectField(_l("Organisation"), default="")
    user = StringField(_l("User (e-mail)"), validators=[Optional(), Length(max=254)])
    object_type = SelectField(
        _l("Object"), choices=select_choices([("", _l("Any")), *OBJECT_TYPE_CHOICES]), default=""
    )
    object_id = IntegerField(_l("Object id"), validators=[Optional(), id_range()])
    date_from = DateField(_l("From (date)"), validators=[Optional()])
    date_to = DateField(_l("To (date)"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        """Validate the fields, then refuse a date range that ends before it starts."""
        ok = super().validate(extra_validators)
        start, end = self.date_from.data, self.date_to.data
        if ok and start and end and end < start:
            self.date_to.errors.append(_l("The end date is before the start date."))
            return False
        return ok
