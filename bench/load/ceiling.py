"""The load bench's ceiling: the least a page of this stack can do, served like the app.

    gunicorn -c gunicorn.conf.py --workers 2 --chdir bench/load 'ceiling:create_app()'

One indexed SELECT of a product row on the same PostgreSQL (DATABASE_URL, through the app's
own engine settings), one small Jinja template, Flask, gunicorn with the app's settings. What
the app's pages serve is measured as a fraction of what this serves in the same run
(bench/load/run.py), so the figure holds on a machine whose speed varies.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, abort, render_template
from sqlalchemy import text

from greenbm.db import make_engine

PRODUCT = text(
    "SELECT id, name_zh, name_en, model_spec, gwp_a1a3, declared_unit, cert_stars, cert_number "
    "FROM product WHERE id = :id"
)


def create_app() -> Flask:
    """Create the ceiling app: one route, one query, one template."""
    app = Flask(__name__, template_folder=str(Path(__file__).resolve().parent / "templates"))
    # Under the same key as the app's engine: gunicorn.conf.py's post_fork disposes of it.
    engine = app.extensions["db_engine"] = make_engine(os.environ["DATABASE_URL"])

    @app.get("/products/<int:product_id>")
    def product(product_id: int):
        with engine.connect() as conn:
            row = conn.execute(PRODUCT, {"id": product_id}).one_or_none()
        if row is None:
            abort(404)
        return render_template("ceiling.html", product=row)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app
