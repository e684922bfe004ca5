"""Forms of applications: applying, answering, the queue, review, decision, change."""

import math

from flask_babel import lazy_gettext as _l
from wtforms import (
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from catalog.forms import readable_number
from certification.criteria.model import IndicatorCriterion, PrerequisiteCriterion
from certification.models import ApplicationState
from greenbm.forms_util import Form, select_choices

S = ApplicationState
# The states a reviewer's queue can show; the default shows the ones waiting for the reviewer.
QUEUE_STATES = (S.SUBMITTED, S.UNDER_REVIEW, S.INFORMATION_REQUESTED, S.RESUBMITTED)
WAITING_FOR_REVIEWER = (S.SUBMITTED, S.UNDER_REVIEW, S.RESUBMITTED)

APPROVE, REJECT, REQUEST_INFORMATION = "approve", "reject", "request_information"
PASSED, NOT_PASSED = "yes", "no"


def finite(form, field) -> None:
    """Reject NaN and infinity, which no threshold can be compared with."""
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(_l("Enter a number."))


class LockedForm(Form):
    """A form that changes an application: it carries the version of the application it saw."""

    lock_version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class ApplyForm(Form):
    """Open an application for a product with a certification body."""

    body_id = SelectField(_l("Certification body"), coerce=int, validators=[InputRequired()])


class AnswerForm(LockedForm):
    """The manufacturer's answer to the reviewer's question."""

    reason = TextAreaField(
        _l("Your answer to the reviewer"), validators=[InputRequired(), Length(max=5000)]
    )


class DecisionForm(LockedForm):
    """The reviewer's decision: approve, reject, or ask the manufacturer a question."""

    decision = RadioField(
        _l("Decision"),
        choices=select_choices(
            [
                (APPROVE, _l("Approve and issue the certificate")),
                (REJECT, _l("Reject")),
                (REQUEST_INFORMATION, _l("Ask the manufacturer for information")),
            ]
        ),
        validators=[InputRequired(message=_l("Choose a decision."))],
    )
    reason = TextAreaField(
        _l("Reason, or the question for the manufacturer"), validators=[Length(max=5000)]
    )

    def validate_reason(self, field) -> None:
        """Require a reason for a rejection and a question for a request."""
        if self.decision.data in (REJECT, REQUEST_INFORMATION) and not (field.data or "").strip():
            if self.decision.data == REJECT:
                raise ValidationError(_l("Give the reason for the rejection."))
            raise ValidationError(_l("Write the question for the manufacturer."))


class QueueFilterForm(Form):
    """Filters of the reviewer's queue, read from the query string."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    category = SelectField(_l("Category"), validators=[Optional()])
    state = SelectField(_l("State"), validators=[Optional()])
    age = IntegerField(
        _l("Submitted more than (days ago)"),
        validators=[
            Optional(),
            readable_number,
            NumberRange(min=0, max=3650, message=_l("Enter a number of days from 0 to 3650.")),
        ],
    )

    def __init__(self, categories, state_labels, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = select_choices([("", _l("All categories")), *categories])
        self.state.choices = select_choices(
            [("", _l("Waiting for the reviewer")), *((s, state_labels[s]) for s in QUEUE_STATES)]
        )

    def filters(self) -> dict:
        """Return the valid filters (an invalid one is dropped; its error is shown)."""
        return {
            name: (field.data if not field.errors else None) or None
            for name, field in self._fields.items()
        }


def review_form_class(
    indicators: list[IndicatorCriterion], prerequisites: list[PrerequisiteCriterion], localized
) -> type[LockedForm]:
    """Return the review form: value and reason per indicator, verdict and reason per prerequisite.

    Field names follow the error keys of `record_review`, so its errors land on their fields.
    """

    class ReviewForm(LockedForm):
        pass

    for ind in indicators:
        setattr(
            ReviewForm,
            f"value_{ind.code}",
            FloatField(
                _l("Confirmed value of %(name)s", name=localized(ind)),
                validators=[Optional(), readable_number, finite],
            ),
        )
        setattr(
            ReviewForm,
            f"reason_{ind.code}",
            StringField(
                _l("Reason for a correction of %(name)s", name=localized(ind)),
                validators=[Optional(), Length(max=2000)],
            ),
        )
    for prereq in prerequisites:
        setattr(
            ReviewForm,
            f"prereq_{prereq.code}",
            SelectField(
                _l("Is it met: %(name)s", name=localized(prereq)),
                choices=select_choices(
                    [("", _l("Not judged")), (PASSED, _l("Met")), (NOT_PASSED, _l("Not met"))]
                ),
                validators=[Optional()],
            ),
        )
        setattr(
            ReviewForm,
            f"prereq_reason_{prereq.code}",
            StringField(
                _l("Reason for %(name)s", name=localized(prereq)),
                validators=[Optional(), Length(max=2000)],
            ),
        )
    return ReviewForm


class ChangeForm(Form):
    """A change application: what changes, and the body that reviews it."""

    body_id = SelectField(_l("Certification body"), coerce=int)
    description = TextAreaField(
        _l("What changes"),
        validators=[InputRequired(), Length(max=4000)],
        description=_l("The site, process, model or standard that changes, and how."),
    )
