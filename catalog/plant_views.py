"""The manufacturer's plants and their yearly energy figures."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.divisions import division_choices
from catalog import manufacturer_bp as bp
from catalog.energy import ENERGY_METRICS
from catalog.forms import EnergyFigureForm, PlantForm
from catalog.manufacturer_access import own_or_404
from catalog.plant_confirmation import is_confirmed
from catalog.plants import (
    PlantInput,
    create_plant,
    energy_figures,
    list_own_plants,
    record_energy_figure,
    update_plant,
)
from catalog.services import own_plant
from greenbm.db import discard_changes, get_session
from greenbm.errors import Invalid
from greenbm.forms_util import apply_errors

# `{% if plant is confirmed %}` in templates: the same rule as the dashboard's.
bp.add_app_template_test(is_confirmed, "confirmed")


@bp.get("/plants")
def plants():
    """List the company's plants."""
    return render_template(
        "manufacturer/plants.html",
        plants=list_own_plants(session=get_session(), actor=current_user),
    )


def _plant_input(form: PlantForm) -> PlantInput:
    return PlantInput(
        name=form.name.data or "",
        division_code=form.division_code.data or "",
        address=form.address.data or "",
        capacity=form.capacity.data,
        capacity_unit=form.capacity_unit.data if form.capacity.data is not None else None,
        capacity_kind=form.capacity_kind.data,
    )


@bp.route("/plants/new", methods=["GET", "POST"])
def new_plant():
    """Register a plant."""
    form = PlantForm()
    form.division_code.choices = division_choices()
    if form.validate_on_submit():
        db = get_session()
        try:
            plant = create_plant(session=db, actor=current_user, data=_plant_input(form))
        except Invalid as exc:
            discard_changes()
            apply_errors(form, exc)
        else:
            flash(_("Plant saved."), "success")
            return redirect(url_for("manufacturer.plant", plant_id=plant.id))
    return render_template("manufacturer/plant_form.html", form=form, plant=None)


@bp.route("/plants/<int:plant_id>", methods=["GET", "POST"])
def plant(plant_id: int):
    """Show and edit a plant and its energy figures."""
    db = get_session()
    item = own_or_404(own_plant, plant_id=plant_id)
    form = PlantForm(obj=item)
    form.division_code.choices = division_choices()
    if form.validate_on_submit():
        try:
            update_plant(session=db, actor=current_user, plant_id=item.id, data=_plant_input(form))
        except Invalid as exc:
            discard_changes()
            apply_errors(form, exc)
        else:
            flash(_("Plant saved."), "success")
            return redirect(url_for("manufacturer.plant", plant_id=item.id))
    return _plant_page(item, form, EnergyFigureForm(formdata=None))


def _plant_page(item, form, energy_form):
    return render_template(
        "manufacturer/plant_form.html",
        form=form,
        plant=item,
        energy_form=energy_form,
        figures=energy_figures(session=get_session(), plant_id=item.id),
        metrics=ENERGY_METRICS,
    )


@bp.post("/plants/<int:plant_id>/energy")
def add_energy(plant_id: int):
    """Record a yearly energy figure of a plant."""
    db = get_session()
    item = own_or_404(own_plant, plant_id=plant_id)
    energy_form = EnergyFigureForm()
    if energy_form.validate_on_submit():
        try:
            record_energy_figure(
                session=db,
                actor=current_user,
                plant_id=item.id,
                year=energy_form.year.data,
                metric=energy_form.metric.data,
                value=energy_form.value.data,
            )
        except Invalid as exc:
            discard_changes()
            apply_errors(energy_form, exc)
        else:
            flash(_("Energy figure saved."), "success")
            return redirect(url_for("manufacturer.plant", plant_id=item.id))
    form = PlantForm(obj=item, formdata=None)
    form.division_code.choices = division_choices()
    return _plant_page(item, form, energy_form), 400
