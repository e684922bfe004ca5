"""Console page for figures entered with their source: phosphogypsum produced, a clinker base."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import FloatField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from admin import bp
from catalog.provincial_figures import FIGURE_KINDS, enter_figure, entered_figures
from greenbm.db import discard_changes, get_session
from greenbm.errors import Invalid
from greenbm.forms_util import Form, apply_errors, select_choices


class FigureForm(Form):
    """A figure for a year with its source."""

    kind = SelectField(_l("Figure"))
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    value = FloatField(_l("Value"), validators=[InputRequired()])
    source = StringField(
        _l("Source"),
        validators=[InputRequired(), Length(max=500)],
        description=_l("The document, its table or page, and its date."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = select_choices(
            (k.code, f"{k.label} ({k.unit})") for k in FIGURE_KINDS.values()
        )


def _page(form: FigureForm, status: int = 200):
    db = get_session()
    figures = {code: entered_figures(session=db, kind=code) for code in FIGURE_KINDS}
    html = render_template("admin/figures.html", form=form, figures=figures, kinds=FIGURE_KINDS)
    return html, status


@bp.get("/figures")
def figures():
    """List the entered figures and offer the form."""
    return _page(FigureForm(formdata=None))


@bp.post("/figures")
def enter():
    """Enter (or replace) a figure for a year, with its source; audited."""
    form = FigureForm()
    if form.validate_on_submit():
        try:
            enter_figure(
                session=get_session(),
                actor=current_user,
                kind=form.kind.data,
                year=form.year.data,
                value=form.value.data,
                source=form.source.data or "",
            )
        except Invalid as exc:
            discard_changes()
            apply_errors(form, exc)
        else:
            flash(_("Figure saved."), "success")
            return redirect(url_for("admin.figures"))
    return _page(form, 400)
