"""Forms of the certificate lifecycle: a surveillance visit, a change of status."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from certification.models import SurveillanceResult
from greenbm.forms_util import Form, select_choices


class SurveillanceForm(Form):
    """A surveillance visit and its result."""

    visited_on = DateField(_l("Date of the visit"), validators=[InputRequired()])
    result = SelectField(
        _l("Result"),
        choices=select_choices(
            [
                (SurveillanceResult.PASSED.value, _l("Passed")),
                (SurveillanceResult.FAILED.value, _l("Failed")),
                (SurveillanceResult.REFUSED.value, _l("Refused by the holder")),
            ]
        ),
    )
    notes = TextAreaField(
        _l("Notes"),
        validators=[Length(max=4000)],
        description=_l("Required when the visit did not pass: a failed visit suspends."),
    )


class StatusForm(Form):
    """Suspend, reinstate or revoke, with the reason."""

    action = SelectField(_l("Action"))
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(), Length(max=4000)])
