"""Application factory: configuration, database, extensions, blueprints, CLI and errors."""

from pathlib import Path

import email_validator
from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from greenbm import db, i18n, kept_pages, security, urls
from greenbm.api import problem, problem_for
from greenbm.config import load_config
from greenbm.extensions import babel, csrf, limiter, login_manager, retry_after
from greenbm.paths import STATIC_DIR, TEMPLATES_DIR, TRANSLATIONS_DIR
from ops.uploads import UploadClosingRequest

DATABASE_RETRY_AFTER = 60  # seconds, sent with a 503 while the database is unavailable


def _allow_test_domain() -> None:
    # email-validator refuses RFC 6761 special-use domains; the demo accounts live under
    # `.test` (reserved for exactly this), so that one is allowed and the others stay refused.
    if "test" in email_validator.SPECIAL_USE_DOMAIN_NAMES:
        email_validator.SPECIAL_USE_DOMAIN_NAMES.remove("test")


def create_app(config: dict | None = None) -> Flask:
    """Create and configure the Flask application."""
    _allow_test_domain()
    app = Flask(
        __name__,
        instance_relative_config=False,
        template_folder=TEMPLATES_DIR,
        static_folder=STATIC_DIR,
    )
    urls.init_app(app)  # before any blueprint adds a route
    app.request_class = UploadClosingRequest
    app.config.update(load_config(config))
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)
    Path(app.config["EVIDENCE_DIR"]).mkdir(parents=True, exist_ok=True)
    if proxies := app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    if app.config.get("PASSWORD_HASH_FAST"):
        from accounts.passwords import use_fast_hashing

        use_fast_hashing()
    db.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(TRANSLATIONS_DIR),
    )
    i18n.init_app(app)
    csrf.init_app(app)
    # After Flask-WTF: its context processor names csrf_token too, and the later one wins.
    kept_pages.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    _init_login(app)
    _register_blueprints(app)
    _register_errors(app)
    _register_cli(app)
    _register_template_helpers(app)
    db.init_unit_of_work(app)  # last: see its docstring
    # Load jieba's dictionary now, not on the first search a visitor makes.
    from catalog.search import init_search

    init_search()
    if app.config["AUTO_MIGRATE"]:
        from greenbm.migrate import upgrade

        upgrade(app)
    return app


def _init_login(app: Flask) -> None:
    from accounts.auth import load_user

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)


def _register_blueprints(app: Flask) -> None:
    # Importing a domain package imports its route modules, and with them the routes that its
    # api module adds to greenbm.api.api_bp (catalog, certification, eligibility). Every domain
    # package is therefore imported here, before api_bp is registered at the end: Flask refuses
    # a route added to a blueprint that is already registered.
    from accounts import bp as accounts_bp
    from admin import bp as admin_bp
    from catalog import bp as catalog_bp
    from catalog import manufacturer_bp, reports_bp
    from certification import bp as certification_bp
    from dashboard import bp as dashboard_bp
    from eligibility import bp as eligibility_bp
    from greenbm.api import api_bp
    from procurement import bp as procurement_bp

    app.register_blueprint(i18n.bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(catalog_bp)
    app.register_blueprint(manufacturer_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(certification_bp)
    app.register_blueprint(procurement_bp)
    app.register_blueprint(eligibility_bp)
    app.register_blueprint(dashboard_bp)
    # Last, once every domain package above has added its API routes.
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # read-only JSON for other systems; no cookies needed

    @app.get("/")
    def home():
        from catalog.overview import catalogue_overview
        from greenbm.db import get_session

        return render_template("home.html", overview=catalogue_overview(session=get_session()))

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}


def _register_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        message = _("The form has expired or did not come from this site. Reload it and try again.")
        return render_template("error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.startswith("/api/"):
            return problem_for(exc)
        # Keep the error's own headers (Allow on 405); a broken rate limit says when to return.
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        if exc.code == 429:
            headers["Retry-After"] = str(retry_after())
        messages = {
            400: _("The request could not be understood."),
            403: _("You are not allowed to do that."),
            404: _("There is nothing here."),
            405: _("That action is not available here."),
            # Each upload form states its own, smaller limit; this is the request's ceiling.
            413: _(
                "The upload is larger than the %(n)d MB this site accepts. "
                "Go back and choose a smaller file.",
                n=app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
            ),
        }
        message = messages.get(exc.code, exc.description)
        if exc.code == 429:
            wait = i18n.wait_text(int(headers["Retry-After"]))
            message = _("Too many attempts. Wait %(wait)s and try again.", wait=wait)
        return render_template("error.html", code=exc.code, message=message), exc.code, headers

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeoutError)
    def database_unavailable(exc: Exception):
        # The server is down, restarting or unreachable: say so and ask the client to retry;
        # the engine's pre-ping replaces dead connections once it answers again.
        app.logger.warning("database unavailable: %s", exc)
        message = _("The database is unavailable at the moment; please try again in a minute.")
        headers = {"Retry-After": str(DATABASE_RETRY_AFTER)}
        if request.path.startswith("/api/"):
            # The API answers in English, like its other error messages.
            english = "The database is unavailable at the moment; please try again in a minute."
            return problem(503, english, headers.items())
        # The page must not need the database itself: render it for an anonymous visitor.
        g._login_user = login_manager.anonymous_user()
        return render_template("error.html", code=503, message=message), 503, headers

    @app.errorhandler(500)
    def server_error(exc):
        if request.path.startswith("/api/"):
            return problem(500, "Something went wrong on our side. The error has been logged.")
        message = _("Something went wrong on our side. The error has been logged.")
        return render_template("error.html", code=500, message=message), 500


def _register_cli(app: Flask) -> None:
    from accounts.cli import users_cli
    from catalog.cli import catalog_cli
    from certification.cli import certification_cli
    from certification.webhooks.cli import webhooks_cli
    from greenbm.migrate import db_cli
    from ops.cli import backup_command, restore_command
    from seeds.loader import seed_command

    app.cli.add_command(db_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_command)
    app.cli.add_command(certification_cli)
    app.cli.add_command(catalog_cli)
    app.cli.add_command(webhooks_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


def _register_template_helpers(app: Flask) -> None:
    from accounts.divisions import division_name
    from catalog.units import format_unit
    from greenbm.numbers import format_number, plain_number

    app.jinja_env.filters["number"] = format_number
    app.jinja_env.globals.update(
        plain_number=plain_number,
        localized=i18n.localized,
        current_language=i18n.current_language,
        division_name=division_name,
        format_unit=format_unit,
        current_user=current_user,
    )
