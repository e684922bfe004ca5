"""Forms for sign-in, manufacturer registration and the fields organisation forms share."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional

from accounts.services import MIN_PASSWORD_LENGTH, OrganisationData
from greenbm.forms_util import Form


class LoginForm(Form):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])


class OrganisationFields(Form):
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


class UserFields(Form):
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


def organisation_data(form: OrganisationFields) -> OrganisationData:
    """Return the organisation a form describes (a manufacturer unless the form has a kind)."""
    kind = getattr(form, "kind", None)
    prefix = getattr(form, "cert_number_prefix", None)
    approval = getattr(form, "approval_number", None)
    email = getattr(form, "contact_email", None)
    return OrganisationData(
        kind=kind.data if kind is not None and kind.data else "manufacturer",
        name_zh=form.name_zh.data or "",
        name_en=form.name_en.data,
        credit_code=form.credit_code.data or "",
        division_code=form.division_code.data or "",
        address=form.address.data or "",
        contact_name=form.contact_name.data or "",
        contact_phone=form.contact_phone.data or "",
        contact_email=(email.data or "") if email is not None else "",
        cert_number_prefix=prefix.data if prefix is not None else None,
        approval_number=approval.data if approval is not None else None,
    )


class ForgotPasswordForm(Form):
    """The e-mail address of the account whose password is forgotten."""

    email = EmailField(_l("E-mail"), validators=[InputRequired(), Email(), Length(max=254)])


class NewPasswordForm(Form):
    """A new password, typed twice."""

    password = UserFields.password
    confirm = RegistrationForm.confirm
