"""Forms for sign-in, manufacturer registration and the administrator's user pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional

from greenbm.accounts.models import OrganisationKind
from greenbm.accounts.services import MIN_PASSWORD_LENGTH
from greenbm.forms_util import select_choices


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])


class OrganisationFields(FlaskForm):
    """The fields that describe an organisation."""

    name_zh = StringField(_l("Name in Chinese"), validators=[InputRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    credit_code = StringField(
        _l("Unified Social Credit Code"),
        description=_l("18 characters, e.g. 91520100MA6DXXXXXX"),
        validators=[InputRequired(), Length(min=18, max=22)],
    )
    division_code = SelectField(_l("Division"), validators=[InputRequired()])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=100)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])


class UserFields(FlaskForm):
    """The fields of a new user account."""

    display_name = StringField(_l("Your name"), validators=[Optional(), Length(max=100)])
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Email(), Length(max=254)])
    password = PasswordField(
        _l("Password"),
        description=_l("At least %(n)d characters", n=MIN_PASSWORD_LENGTH),
        validators=[
            InputRequired(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("Use at least %(min)d and at most %(max)d characters."),
            ),
        ],
    )


class RegistrationForm(OrganisationFields, UserFields):
    """A manufacturer and its first user."""

    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class OrganisationForm(OrganisationFields):
    """An organisation created by an administrator."""

    kind = SelectField(
        _l("Kind"),
        choices=select_choices(
            [
                (OrganisationKind.MANUFACTURER.value, _l("Manufacturer")),
                (OrganisationKind.CERTIFICATION_BODY.value, _l("Certification body")),
                (OrganisationKind.PROCUREMENT_AGENCY.value, _l("Procurement agency")),
                (OrganisationKind.CONSTRUCTION_FIRM.value, _l("Construction firm")),
                (OrganisationKind.ADMINISTRATOR.value, _l("Administrator")),
            ]
        ),
    )
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional(), Email()])
    cert_number_prefix = StringField(
        _l("Certificate-number prefix"),
        description=_l("Certification bodies only, e.g. GZGBM"),
        validators=[Optional(), Length(max=16)],
    )


class NewUserForm(UserFields):
    """A user created by an administrator inside an organisation."""

    organisation_id = SelectField(_l("Organisation"), coerce=int)
