# ruff: noqa: E501 (the table keeps one aligned line per endpoint, easier to review than wrapped)
"""Who may do what: the explicit access table of every route, checked by test_access.py.

One line per (endpoint, method[, variant]). The nine columns are the principals, in order:

    anon  maker_a  maker_b  reviewer_a  reviewer_b  officer_a  officer_b  contractor  admin

The world's objects (tests/security/world.py) belong to manufacturer A, certification body A
and procurement agency A; "_b" principals are another organisation of the same kind.

What a principal gets, for GET (and HEAD, which must answer like GET):
    ok   200
    in   a redirect to the sign-in page
    go   a redirect elsewhere (e.g. a reviewer sent from /applications to the queue)
    nf   404: the object or the page does not exist for this principal
    no   403
    bad  400 (the request lacks what it needs)

For POST (and any other state-changing method):
    ok   allowed: test_csrf.py posts as this principal without a token (and must get 400);
         test_access.py does not post, so the world stays as built
    in / go / nf / no / err   denied: test_access.py posts valid-looking form data with a valid
         CSRF token and checks the answer class and that no table changed ("err" = the form is
         shown again with an error, 200 or 400)

`args` names, per URL argument, which world value fills it (see ARGS for the defaults); a
`variant` label lets one endpoint be checked with several objects (e.g. a draft product).

To classify a new route: add one line here. /dashboard... pages are public (admins may see
more): "ok" for everyone. /admin... pages are for administrators only, 404 for everyone else,
anonymous included: "nf nf nf nf nf nf nf nf ok".
"""

from dataclasses import dataclass, field

from tests.security.world import PRINCIPALS

# Default world value for each URL argument name (a key of World.ids, or a literal).
ARGS: dict[str, object] = {
    "product_id": "draft_id",
    "plant_id": "plant_id",
    "evidence_id": "evidence_id",
    "application_id": "app_review",
    "certificate_id": "certificate_id",
    "number": "number",
    "project_id": "project_id",
    "list_id": "list_id",
    "line_id": "line_id",
    "token": "token",
    "user_id": "user_id",
    "code": "cement",
    "category": "cement",
    "fmt": "csv",
    "filename": "css/app.css",
    "snapshot": "certificates-2020-01-01.csv",
    "unknown": "no-such-thing",
    "organisation_id": "maker_a_org_id",
    "version_id": "criteria_version_id",
    "report_id": "report_id",
    "key": "certified-category",
    "endpoint_id": "endpoint_id",
    "key_id": "api_key_id",
    "body_code": "CNCA-R-0000-000",
}


@dataclass(frozen=True)
class Route:
    """One line of the table: what each principal gets from one endpoint and method."""

    endpoint: str
    method: str
    answers: str
    args: dict[str, object] = field(default_factory=dict)
    query: str = ""
    variant: str = ""

    def answer(self, principal: str) -> str:
        """Return the expected answer class of the principal."""
        return dict(zip(PRINCIPALS, self.answers.split(), strict=True))[principal]

    @property
    def id(self) -> str:
        """Return a readable test id."""
        return f"{self.method} {self.endpoint}{'[' + self.variant + ']' if self.variant else ''}"


PUBLIC = "ok ok ok ok ok ok ok ok ok"
SIGNED_IN = "in ok ok ok ok ok ok ok ok"
NOWHERE = "nf nf nf nf nf nf nf nf nf"
ADMIN = "nf nf nf nf nf nf nf nf ok"  # the console hides itself, even from anonymous visitors
MAKERS = "in ok ok nf nf nf nf nf nf"  # every manufacturer, each sees its own
MAKER_A = "in ok nf nf nf nf nf nf nf"  # only the owner of the object
REVIEWERS = "in nf nf ok ok nf nf nf nf"
REVIEWER_A = "in nf nf ok nf nf nf nf nf"
DECIDERS = "in nf nf ok ok nf nf nf ok"  # every reviewer and the administrator
OFFICERS = "in nf nf nf nf ok ok nf nf"
OFFICER_A = "in nf nf nf nf ok nf nf nf"

# fmt: off
ROUTES: list[Route] = [
    # --- public pages and files ------------------------------------------------------------
    Route("home",                                   "GET",  PUBLIC),
    Route("healthz",                                "GET",  PUBLIC),
    Route("static",                                 "GET",  PUBLIC),
    # Changes only the visitor's own language cookie.
    Route("i18n.switch_language",                   "POST", PUBLIC, {"code": "en"}),
    Route("catalog.index",                          "GET",  PUBLIC),
    Route("catalog.compare_products",               "GET",  PUBLIC, query="?ids={published_id},{certified_id}"),
    Route("catalog.product",                        "GET",  PUBLIC, {"product_id": "published_id"}),
    Route("catalog.product",                        "GET",  NOWHERE, variant="draft"),
    Route("catalog.product",                        "GET",  NOWHERE, {"product_id": "app_product_id"}, variant="applied"),
    Route("catalog.product_epd",                    "GET",  PUBLIC, {"product_id": "published_id", "evidence_id": "epd_id"}),
    Route("catalog.product_epd",                    "GET",  NOWHERE, variant="draft evidence"),
    Route("catalog.product_epd",                    "GET",  NOWHERE, {"product_id": "published_id"}, variant="other product's evidence"),
    # Issue 16 (h16s): category statistics, downloads, open data.
    Route("catalog.categories",                     "GET",  PUBLIC),
    Route("catalog.category",                       "GET",  PUBLIC),
    Route("catalog.search_csv",                     "GET",  PUBLIC, query="?category=cement"),
    Route("catalog.search_xlsx",                    "GET",  PUBLIC),
    Route("catalog.compare_csv",                    "GET",  PUBLIC, query="?ids={published_id},{certified_id}"),
    Route("catalog.product_openepd",                "GET",  PUBLIC, {"product_id": "published_id"}),
    Route("catalog.product_openepd",                "GET",  NOWHERE, variant="draft"),
    Route("certification.open_data",                "GET",  PUBLIC),
    Route("certification.open_data_file",           "GET",  NOWHERE),  # no snapshot written
    Route("certification.verify_lookup",            "GET",  PUBLIC),
    Route("certification.verify_certificate",       "GET",  PUBLIC),
    Route("certification.certificate_pdf_download", "GET",  PUBLIC),
    Route("certification.certificate_feed",         "GET",  PUBLIC),
    Route("certification.verify_document",          "GET",  PUBLIC),
    # Checks an uploaded PDF; changes nothing.
    Route("certification.verify_document_check",    "POST", PUBLIC),
    Route("certification.criteria_index",           "GET",  PUBLIC),
    Route("certification.criteria_category",        "GET",  PUBLIC),
    # Supplier eligibility is public: certificates are public records.
    Route("eligibility.check",                      "GET",  PUBLIC),
    Route("eligibility.suppliers",                  "GET",  PUBLIC),
    Route("eligibility.bulk",                       "GET",  PUBLIC),
    Route("eligibility.bulk_run",                   "POST", PUBLIC),
    # A stored result is reached only through its unguessable token (a capability URL).
    Route("eligibility.bulk_result",                "GET",  PUBLIC),
    Route("eligibility.bulk_result",                "GET",  NOWHERE, {"token": "no-such-token-000000000"}, variant="unknown token"),
    Route("eligibility.bulk_csv",                   "GET",  PUBLIC),
    Route("eligibility.bulk_xlsx",                  "GET",  PUBLIC),
    Route("eligibility.bulk_template",              "GET",  PUBLIC),

    # --- the JSON API: read-only public data, no cookies needed -------------------------------
    Route("api.openapi",                            "GET",  PUBLIC),
    Route("api.list_categories",                    "GET",  PUBLIC),
    Route("api.category_statistics",                "GET",  PUBLIC),
    Route("api.search_products",                    "GET",  PUBLIC),
    Route("api.get_product",                        "GET",  PUBLIC, {"product_id": "published_id"}),
    Route("api.get_product",                        "GET",  NOWHERE, variant="draft"),
    Route("api.get_product",                        "GET",  NOWHERE, {"product_id": "app_product_id"}, variant="applied"),
    Route("api.get_certificate",                    "GET",  PUBLIC),
    Route("api.list_certificates",                  "GET",  PUBLIC),
    # POST only to send the PDF to check; changes nothing.
    Route("api.verify_certificate_document",        "POST", PUBLIC),
    Route("api.get_criteria",                       "GET",  PUBLIC),
    Route("api.check_eligibility",                  "GET",  PUBLIC, query="?supplier={maker_a_uscc}&category=cement"),
    # POST only to send many questions at once; answers public data, changes nothing.
    Route("api.check_eligibility_many",             "POST", PUBLIC),
    # Authenticated by a certification body's API key, never by the session: who may change
    # which record is tested in tests/certification/test_external_push.py.
    Route("api.put_external_certificate",           "PUT",  PUBLIC),
    # Public like verification; the world holds no other body's record (a 404 for everyone).
    Route("api.get_external_certificate",           "GET",  NOWHERE),

    # --- accounts ------------------------------------------------------------------------------
    Route("accounts.login",                         "GET",  PUBLIC),
    Route("accounts.login",                         "POST", PUBLIC),
    Route("accounts.logout",                        "POST", SIGNED_IN),
    # Each organisation's own keys (tests/accounts/test_api_key_pages.py: no one else's).
    Route("accounts.api_keys",                      "GET",  SIGNED_IN),
    Route("accounts.create_key",                    "POST", SIGNED_IN),
    Route("accounts.revoke_key",                    "POST", MAKER_A),
    Route("accounts.register",                      "GET",  "ok go go go go go go go go"),
    Route("accounts.register",                      "POST", "ok go go go go go go go go"),
    Route("accounts.forgot_password",               "GET",  "ok go go go go go go go go"),
    Route("accounts.forgot_password",               "POST", "ok go go go go go go go go"),
    Route("accounts.reset_password",                "GET",  "bad bad bad bad bad bad bad bad bad", {"token": "not-a-reset-token"}),
    # Anyone holding a valid mailed link may post ("ok", for the CSRF check); a wrong link: 400.
    Route("accounts.reset_password",                "POST", "ok err err err err err err err err", {"token": "not-a-reset-token"}),
    Route("certification.notifications",            "GET",  SIGNED_IN),
    # Marks the signed-in user's own notifications read.
    Route("certification.notifications",            "POST", SIGNED_IN),
    # Webhooks: every organisation manages its own endpoints (the world's belongs to maker A).
    Route("certification.webhooks",                 "GET",  SIGNED_IN),
    Route("certification.webhook_create",           "POST", SIGNED_IN),
    Route("certification.webhook",                  "GET",  MAKER_A),
    Route("certification.webhook_test",             "POST", MAKER_A),
    Route("certification.webhook_remove",           "POST", MAKER_A),

    # --- the provincial dashboard: public; administrators see more ----------------------------
    Route("dashboard.index",                        "GET",  PUBLIC),
    Route("dashboard.download",                     "GET",  PUBLIC),
    Route("dashboard.download",                     "GET",  PUBLIC, {"key": "certificate-alerts"}, variant="alerts"),
    Route("dashboard.download",                     "GET",  PUBLIC, {"key": "procurement"}, variant="procurement"),
    Route("dashboard.download",                     "GET",  NOWHERE, {"key": "no-such-panel"}, variant="unknown"),

    # --- the administrators' console ------------------------------------------------------------
    Route("admin.home",                             "GET",  ADMIN),
    Route("admin.organisations",                    "GET",  ADMIN),
    Route("admin.organisation",                     "GET",  ADMIN),
    Route("admin.new_organisation",                 "GET",  ADMIN),
    Route("admin.new_organisation",                 "POST", ADMIN),
    Route("admin.users",                            "GET",  ADMIN),
    Route("admin.new_user",                         "GET",  ADMIN),
    Route("admin.new_user",                         "POST", ADMIN),
    Route("admin.toggle_user",                      "POST", ADMIN),
    Route("admin.reset_password",                   "GET",  ADMIN),
    Route("admin.reset_password",                   "POST", ADMIN),
    Route("admin.categories",                       "GET",  ADMIN),
    Route("admin.edit_category",                    "GET",  ADMIN),
    Route("admin.edit_category",                    "POST", ADMIN),
    Route("admin.criteria",                         "GET",  ADMIN),
    Route("admin.upload",                           "POST", ADMIN),
    Route("admin.criteria_version",                 "GET",  ADMIN),
    Route("admin.activate",                         "POST", ADMIN),
    Route("admin.audit",                            "GET",  ADMIN),
    Route("admin.plants",                           "GET",  ADMIN),
    Route("admin.confirm",                          "POST", ADMIN),
    Route("admin.figures",                          "GET",  ADMIN),
    Route("admin.enter",                            "POST", ADMIN),

    # --- annual plant reports: the decision queue of reviewers and the administrator -----------
    Route("reports.queue",                          "GET",  DECIDERS),
    Route("reports.confirm",                        "POST", DECIDERS),
    Route("reports.send_back",                      "POST", DECIDERS),
    Route("admin.external_import",                  "GET",  ADMIN),
    Route("admin.external_import",                  "POST", ADMIN),
    Route("admin.external_import_status",           "GET",  ADMIN, {"token": "import_token"}),
    Route("admin.external_import_next",             "POST", ADMIN, {"token": "import_token"}),
    Route("admin.external_import_errors",           "GET",  ADMIN, {"token": "import_token"}),

    # --- manufacturer: plants, products, evidence, openEPD -------------------------------------
    Route("manufacturer.plants",                    "GET",  MAKERS),
    Route("manufacturer.new_plant",                 "GET",  MAKERS),
    Route("manufacturer.new_plant",                 "POST", MAKERS),
    Route("manufacturer.plant",                     "GET",  MAKER_A),
    Route("manufacturer.plant",                     "POST", MAKER_A),
    Route("manufacturer.add_energy",                "POST", MAKER_A),
    Route("manufacturer.reports",                   "GET",  MAKER_A),
    Route("manufacturer.new_report",                "POST", MAKER_A),
    Route("manufacturer.upload_report",             "POST", MAKER_A),
    Route("manufacturer.report_template",           "GET",  MAKER_A),
    Route("manufacturer.products",                  "GET",  MAKERS),
    Route("manufacturer.new_product",               "GET",  MAKERS),
    Route("manufacturer.new_product",               "POST", MAKERS),
    Route("manufacturer.import_epd",                "GET",  MAKERS),
    Route("manufacturer.import_epd",                "POST", MAKERS),
    Route("manufacturer.product",                   "GET",  MAKER_A),
    Route("manufacturer.edit_product",              "GET",  MAKER_A),
    Route("manufacturer.edit_product",              "POST", MAKER_A),
    Route("manufacturer.export_epd",                "GET",  MAKER_A),
    Route("manufacturer.publish",                   "POST", MAKER_A),
    Route("manufacturer.withdraw",                  "POST", MAKER_A, {"product_id": "published_id"}),
    Route("manufacturer.upload_evidence",           "POST", MAKER_A),
    Route("manufacturer.download_evidence",         "GET",  MAKER_A),
    Route("manufacturer.remove_evidence",           "POST", MAKER_A),

    # --- certification: manufacturer side ------------------------------------------------------
    Route("certification.apply",                    "GET",  MAKER_A),
    Route("certification.apply",                    "POST", MAKER_A),
    # A reviewer is sent on to the review page of the same application.
    Route("certification.applications",             "GET",  "in ok ok go go nf nf nf nf"),
    Route("certification.application",              "GET",  "in ok nf go nf nf nf nf nf"),
    Route("certification.submit",                   "POST", MAKER_A, {"application_id": "app_draft"}),
    Route("certification.resubmit",                 "POST", MAKER_A, {"application_id": "app_info"}),
    Route("certification.my_certificates",          "GET",  MAKERS),
    Route("certification.apply_change",             "GET",  MAKER_A),
    Route("certification.apply_change",             "POST", MAKER_A),
    Route("certification.apply_renewal",            "POST", MAKER_A),

    # --- certification: reviewer side ----------------------------------------------------------
    Route("certification.review_queue",             "GET",  REVIEWERS),
    Route("certification.review_application",       "GET",  REVIEWER_A),
    Route("certification.review_start",             "POST", REVIEWER_A, {"application_id": "app_submitted"}),
    Route("certification.review_record",            "POST", REVIEWER_A),
    Route("certification.review_decide",            "POST", REVIEWER_A),
    Route("certification.review_evidence",          "GET",  REVIEWER_A, {"evidence_id": "submitted_evidence_id"}),
    # Evidence of a draft never applied for is no reviewer's business.
    Route("certification.review_evidence",          "GET",  "in nf nf nf nf nf nf nf nf", variant="draft evidence"),
    Route("certification.review_certificates",      "GET",  REVIEWERS),
    Route("certification.review_certificate",       "GET",  REVIEWER_A),
    Route("certification.review_change_status",     "POST", REVIEWER_A),
    Route("certification.review_record_surveillance", "POST", REVIEWER_A),

    # --- procurement ---------------------------------------------------------------------------
    Route("procurement.projects",                   "GET",  OFFICERS),
    Route("procurement.new_project",                "GET",  OFFICERS),
    Route("procurement.new_project",                "POST", OFFICERS),
    Route("procurement.project",                    "GET",  OFFICER_A),
    Route("procurement.edit_project",               "GET",  OFFICER_A),
    Route("procurement.edit_project",               "POST", OFFICER_A),
    Route("procurement.new_list",                   "POST", OFFICER_A),
    Route("procurement.procurement_list",           "GET",  OFFICER_A),
    Route("procurement.export",                     "GET",  OFFICER_A),
    Route("procurement.export",                     "GET",  OFFICER_A, {"fmt": "xlsx"}, variant="xlsx"),
    Route("procurement.export",                     "GET",  OFFICER_A, {"fmt": "pdf"}, variant="pdf"),
    Route("procurement.add_line",                   "POST", OFFICER_A),
    Route("procurement.add_material",               "POST", OFFICER_A),
    Route("procurement.remove",                     "POST", OFFICER_A),
    # Any officer may add a catalogue product, but only to a list of its own agency.
    Route("procurement.add_from_catalogue",         "GET",  OFFICERS, query="?product_id={certified_id}"),
    Route("procurement.add_from_catalogue",         "POST", "in nf nf nf nf ok err nf nf", query="?product_id={certified_id}"),
]
# fmt: on

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
