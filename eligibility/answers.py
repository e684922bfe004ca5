"""What an eligibility answer says: its JSON form (API and stored bulk rows) and its words.

An answer's JSON form is the API's `EligibilityAnswer`:

    {"supplier": {"uscc", "name", "name_en"} | null, "category", "min_stars", "eligible",
     "reasons": [{"code", "message"}], "certificates": [{"number", "stars", "status",
     "valid_until", "qualifies", "product": {"id", "name", "name_en"}}]}

`reasons` is empty when the supplier is eligible; otherwise each reason has a stable `code`
(a `Reason`) and a `message` in the current language (the API always answers in English).
"""

from collections import Counter

from flask_babel import gettext as _
from flask_babel import ngettext

from eligibility.rules import Reason
from eligibility.services import Answer
from greenbm.i18n import current_language, localized


def status_label(status: str) -> str:
    """Return a certificate status in the current language."""
    labels = {
        "valid": _("Valid"),
        "suspended": _("Suspended"),
        "revoked": _("Revoked"),
        "expired": _("Expired"),
    }
    return labels.get(status, status)


def stars_text(n: int) -> str:
    """Return "1 star", "2 stars"… in the current language."""
    return ngettext("%(num)d star", "%(num)d stars", n)


def reason_message(
    code: str, *, category_name: str, min_stars: int, certificates: list[dict]
) -> str:
    """Return why a supplier is not eligible, in words, from the reason's code.

    `certificates` are the answer's certificates in their JSON form.
    """
    if code == Reason.UNKNOWN_SUPPLIER:
        return _("No manufacturer with this credit code is registered in the catalogue.")
    if code == Reason.NO_CERTIFICATE:
        return _(
            "Holds no green building-material certificate in %(category)s.",
            category=category_name,
        )
    if code == Reason.NOT_VALID:
        counts = Counter(c["status"] for c in certificates)
        statuses = ", ".join(f"{status_label(s)} {n}" for s, n in sorted(counts.items()))
        return _(
            "No certificate in %(category)s is valid today (%(statuses)s).",
            category=category_name,
            statuses=statuses,
        )
    best = max(c["stars"] for c in certificates if c["status"] == "valid")
    return _(
        "Its valid certificates in %(category)s have at most %(best)s; at least %(required)s "
        "are required.",
        category=category_name,
        best=stars_text(best),
        required=stars_text(min_stars),
    )


def answer_json(answer: Answer, *, category_name: str | None = None) -> dict:
    """Return the JSON form of an answer (the API's, and what a bulk result stores per row).

    The reasons' messages name the category by `category_name`, by default its name in the
    current language.
    """
    supplier = answer.supplier
    query = answer.query
    certificates = [
        {
            "number": rated.fact.number,
            "stars": rated.fact.stars,
            "status": rated.status,
            "valid_until": rated.fact.valid_until.isoformat(),
            "qualifies": rated.qualifies,
            "product": {
                "id": rated.fact.product_id,
                "name": rated.fact.product_name,
                "name_en": rated.fact.product_name_en,
            },
        }
        for rated in answer.judgement.certificates
    ]
    reasons = []
    if answer.judgement.reason is not None:
        code = answer.judgement.reason
        message = reason_message(
            code,
            category_name=category_name or localized(query.category),
            min_stars=query.min_stars,
            certificates=certificates,
        )
        reasons.append({"code": code.value, "message": message})
    return {
        "supplier": None
        if supplier is None
        else {"uscc": supplier.credit_code, "name": supplier.name_zh, "name_en": supplier.name_en},
        "category": query.category.code,
        "min_stars": query.min_stars,
        "eligible": answer.eligible,
        "reasons": reasons,
        "certificates": certificates,
    }


def reason_codes(row: dict) -> str:
    """Return the reason codes of an answer's JSON form, space-separated ("" when eligible)."""
    return " ".join(reason["code"] for reason in row.get("reasons") or ())


def explain(row: dict, category_name: str) -> str:
    """Return why an answer (JSON form), or a malformed bulk row, is what it is.

    The words are made again in the current language from the reasons' codes, so that a
    stored bulk result reads in the language of whoever looks at it.
    """
    if row.get("errors"):
        return " ".join(error["message"] for error in row["errors"])
    if row["eligible"]:
        count = sum(1 for c in row["certificates"] if c["qualifies"])
        return ngettext(
            "Holds %(num)d valid certificate in %(category)s with at least %(stars)s.",
            "Holds %(num)d valid certificates in %(category)s with at least %(stars)s.",
            count,
            category=category_name,
            stars=stars_text(row["min_stars"]),
        )
    return " ".join(
        reason_message(
            reason["code"],
            category_name=category_name,
            min_stars=row["min_stars"],
            certificates=row["certificates"],
        )
        for reason in row["reasons"]
    )


def result_label(row: dict) -> str:
    """Return the one-word result of a bulk row."""
    if row.get("errors"):
        return _("Malformed row")
    return _("Eligible") if row["eligible"] else _("Not eligible")


def supplier_name(supplier: dict) -> str:
    """Return the name of a supplier in an answer, in the current language."""
    if current_language() == "en":
        return supplier["name_en"] or supplier["name"]
    return supplier["name"]
