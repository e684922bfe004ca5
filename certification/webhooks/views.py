"""An organisation's webhooks: register an endpoint, see its deliveries, test it, remove it."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectField, SelectMultipleField, StringField, widgets

from catalog.categories import list_categories
from certification import bp
from certification.certificates.events import EVENT_KINDS
from certification.labels import event_kind_label
from certification.pages import page_args
from certification.webhooks.delivery import BACKOFF, MAX_ATTEMPTS, SIGNATURE_HEADER
from certification.webhooks.services import (
    delivery_log,
    organisation_endpoint,
    organisation_endpoints,
    queue_test_delivery,
    register_endpoint,
    remove_endpoint,
)
from greenbm.db import get_session
from greenbm.errors import NotFound
from greenbm.forms_util import Form, attempt
from greenbm.i18n import localized


class EndpointForm(Form):
    """A new endpoint: its address and which events it receives."""

    url = StringField(
        _l("Address that receives the deliveries"),
        description=_l("An https:// address of your own system."),
        render_kw={"placeholder": "https://example.cn/greenbm/hooks", "inputmode": "url"},
    )
    category_code = SelectField(_l("Only this category"), choices=[], validate_choice=False)
    supplier_credit_code = StringField(
        _l("Only this supplier (credit code)"),
        description=_l("Leave empty for every supplier."),
    )
    kinds = SelectMultipleField(
        _l("Only these events"),
        description=_l("Tick none to receive every event."),
        choices=[],
        validate_choice=False,
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
    )


def _endpoint_form() -> EndpointForm:
    form = EndpointForm()
    categories = list_categories(session=get_session())
    form.category_code.choices = [("", _("Every category"))] + [
        (c.code, localized(c)) for c in categories
    ]
    form.kinds.choices = [(k, event_kind_label(k)) for k in EVENT_KINDS]
    return form


def _index_page(form: EndpointForm, status: int = 200, secret_of: int | None = None):
    endpoints = organisation_endpoints(current_user, session=get_session())
    page = render_template(
        "certification/webhooks.html",
        form=form,
        endpoints=endpoints,
        action_form=Form(),
        event_kind_label=event_kind_label,
        signature_header=SIGNATURE_HEADER,
        new_secret=secret_of,
    )
    return page, status


@bp.get("/account/webhooks")
@login_required
def webhooks():
    """List the organisation's endpoints with the form to add one."""
    return _index_page(_endpoint_form())


@bp.post("/account/webhooks")
@login_required
def webhook_create():
    """Register an endpoint; its secret is shown once, on the answer to this request."""
    form = _endpoint_form()
    if not form.validate_on_submit():
        return _index_page(form, 400)
    endpoint = attempt(
        form,
        lambda: register_endpoint(
            session=get_session(),
            actor=current_user,
            url=form.url.data or "",
            category_code=form.category_code.data or None,
            supplier_credit_code=(form.supplier_credit_code.data or "").strip() or None,
            kinds=list(form.kinds.data or []),
            insecure_hosts=current_app.config["WEBHOOK_INSECURE_HOSTS"],
        ),
    )
    if endpoint is None:
        return _index_page(form, 400)
    page, status = _index_page(_endpoint_form(), secret_of=endpoint.id)
    response = current_app.make_response((page, 201))
    response.headers["Cache-Control"] = "no-store"  # the page shows the secret
    return response


def _own(endpoint_id: int):
    try:
        return organisation_endpoint(current_user, endpoint_id, session=get_session())
    except NotFound:
        abort(404)


@bp.get("/account/webhooks/<int:endpoint_id>")
@login_required
def webhook(endpoint_id: int):
    """Show an endpoint's deliveries, newest first."""
    endpoint = _own(endpoint_id)
    log = delivery_log(endpoint, session=get_session(), **page_args())
    return render_template(
        "certification/webhook.html",
        endpoint=endpoint,
        log=log,
        action_form=Form(),
        event_kind_label=event_kind_label,
        max_attempts=MAX_ATTEMPTS,
        backoff_minutes=[s // 60 for s in BACKOFF],
    )


@bp.post("/account/webhooks/<int:endpoint_id>/test")
@login_required
def webhook_test(endpoint_id: int):
    """Queue a test delivery to the endpoint."""
    _own(endpoint_id)
    if not Form().validate_on_submit():
        abort(400)
    queue_test_delivery(session=get_session(), actor=current_user, endpoint_id=endpoint_id)
    flash(_("A test delivery is queued: it is sent within a few seconds."), "success")
    return redirect(url_for(".webhook", endpoint_id=endpoint_id))


@bp.post("/account/webhooks/<int:endpoint_id>/remove")
@login_required
def webhook_remove(endpoint_id: int):
    """Remove the endpoint and its delivery log."""
    _own(endpoint_id)
    if not Form().validate_on_submit():
        abort(400)
    remove_endpoint(session=get_session(), actor=current_user, endpoint_id=endpoint_id)
    flash(_("The endpoint is removed: it receives nothing more."), "success")
    return redirect(url_for(".webhooks"))
