"""The JSON API under /api/v1: one blueprint that each domain package adds its routes to."""

from flask import Blueprint, jsonify
from werkzeug.exceptions import HTTPException

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")


@api_bp.errorhandler(HTTPException)
def _json_error(exc: HTTPException):
    """Answer API errors in JSON, never with an HTML page."""
    return jsonify({"error": exc.name, "message": exc.description}), exc.code
