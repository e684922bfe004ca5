"""Certification: criteria, applications and their review, certificates and their lifecycle."""

from flask import Blueprint

bp = Blueprint("certification", __name__)

# Each subpackage imports its own route modules; together they register every route on `bp`.
from certification import applications, certificates, criteria  # noqa: E402,F401
from certification.external import api as external_api  # noqa: E402,F401
from certification.webhooks import views as webhook_views  # noqa: E402,F401
