"""JSON API of supplier eligibility: one query by GET, up to 10,000 in one POST.

    GET  /api/v1/eligibility?supplier=<credit code>&category=<code>&min_stars=<1..3>
    POST /api/v1/eligibility   [{"supplier", "category", "min_stars"}, …]

GET answers an `EligibilityAnswer`; an invalid credit code, an unknown category or stars
outside 1–3 get a 400 `Error` whose message names each bad parameter ("supplier: …").
POST answers a list in the order of the queries: each item an `EligibilityAnswer`, or an
`EligibilityQueryError` (`{"errors": [{"parameter", "message"}]}`) for a malformed query,
which never stops the others; a body that is not a list, or of more than 10,000, gets a 400.
Messages are in English whatever language the client asks for.
"""

import json

from flask import abort, current_app, jsonify, request
from flask_babel import force_locale
from flask_limiter.util import get_remote_address

from accounts.api_auth import request_key
from eligibility.answers import answer_json
from eligibility.api_schemas import (
    ANSWER,
    ANSWERS,
    CATEGORY_DESCRIPTION,
    QUERIES,
    STARS,
    STARS_DESCRIPTION,
    SUPPLIER_DESCRIPTION,
)
from eligibility.bulk_run import bulk_rate_limit
from eligibility.queries import parse_query
from eligibility.services import MAX_ROWS, check_eligibility, check_many, load_categories
from greenbm.api import API_KEY_SCHEME, TEXT, api_get, api_post
from greenbm.db import get_session
from greenbm.errors import Invalid
from greenbm.extensions import limiter
from greenbm.untrusted import NumberTooLong, TooDeep, load_untrusted


def rate_limit_key() -> str:
    """Count a keyed request against its key, an anonymous one against its address."""
    key = request_key(required=False)
    return f"api-key:{key.id}" if key is not None else get_remote_address()


def keyed_rate_limit() -> str:
    """Return the limit of the request: the keyed one with an API key, else the anonymous one."""
    if request_key(required=False) is not None:
        return current_app.config["ELIGIBILITY_KEY_RATE_LIMIT"]
    return bulk_rate_limit()


def _problems(error: Invalid) -> str:
    return " ".join(f"{name}: {' '.join(messages)}" for name, messages in error.errors.items())


@api_get(
    "/eligibility",
    operation_id="check_eligibility",
    summary="Whether a supplier holds a valid certificate in a category with enough stars.",
    description="A 400 names each bad parameter: an invalid credit code, an unknown category, "
    "stars outside 1–3.",
    response=ANSWER,
    tags=("eligibility",),
    query={
        "supplier": {
            "required": True,
            "schema": {**TEXT, "minLength": 1},
            "description": SUPPLIER_DESCRIPTION,
        },
        "category": {
            "required": True,
            "schema": {**TEXT, "minLength": 1},
            "description": CATEGORY_DESCRIPTION,
        },
        "min_stars": {"schema": {**STARS, "default": 1}, "description": STARS_DESCRIPTION},
    },
    errors=(400,),
)
def eligibility():
    """Answer one eligibility query."""
    session = get_session()
    with force_locale("en"):
        try:
            query = parse_query(
                supplier=request.args.get("supplier"),
                category=request.args.get("category"),
                min_stars=request.args.get("min_stars"),
                categories=load_categories(session=session),
            )
        except Invalid as exc:
            abort(400, description=_problems(exc))
        return jsonify(answer_json(check_eligibility(session=session, query=query)))


NOT_A_LIST = (
    'Send a JSON list of queries, each {"supplier": credit code, "category": code, '
    '"min_stars": 1, 2 or 3}.'
)


def _json_body() -> object:
    """Return the request's JSON, None if it is not JSON; a 400 if it is too deep or long."""
    if not request.is_json:
        return None
    try:
        return load_untrusted(json.loads, request.get_data(cache=False))
    except TooDeep:
        abort(400, description=f"The JSON is nested too deeply to read. {NOT_A_LIST}")
    except NumberTooLong:
        abort(400, description=f"The JSON holds a number too long to read. {NOT_A_LIST}")
    except ValueError:  # not JSON, or not UTF-8
        return None


def _well_typed(item: object) -> bool:
    """Return whether the item has the JSON shape of a query (its values checked later)."""
    if not isinstance(item, dict):
        return False
    texts = all(isinstance(item.get(k), str | None) for k in ("supplier", "category"))
    stars = item.get("min_stars")
    valid_stars = stars is None or (isinstance(stars, int | str) and not isinstance(stars, bool))
    return texts and valid_stars


@api_post(
    "/eligibility",
    operation_id="check_eligibility_many",
    summary=f"Answer up to {MAX_ROWS:,} eligibility queries at once, in order.",
    description="The body is a list of queries; the answer lists one item per query in the "
    "same order: an EligibilityAnswer, or an EligibilityQueryError for a malformed query "
    "(which does not stop the others). A body that is not a list, or of more than "
    f"{MAX_ROWS:,} queries, gets a 400.",
    request_body=QUERIES,
    response=ANSWERS,
    tags=("eligibility",),
    errors=(400, 401, 429),
    # Anonymous use keeps working at the anonymous limit; a key raises it.
    security=[{}, {API_KEY_SCHEME: []}],
)
@limiter.limit(keyed_rate_limit, key_func=rate_limit_key)
def eligibility_many():
    """Answer many eligibility queries, in order, with an error item for each malformed one."""
    body = _json_body()
    if not isinstance(body, list):
        abort(400, description=NOT_A_LIST)
    if len(body) > MAX_ROWS:
        abort(400, description=f"At most {MAX_ROWS:,} queries at once, not {len(body):,}.")
    malformed = [n for n, item in enumerate(body) if not _well_typed(item)]
    if malformed:
        # Not a list of queries at all (wrong JSON types): the request is refused as a whole,
        # unlike a query whose values are wrong, which gets its own error item below.
        abort(
            400,
            description=f"Item {malformed[0]} is not a query: each query is an object "
            '{"supplier": text, "category": text, "min_stars": 1, 2 or 3}.',
        )
    session = get_session()
    categories = load_categories(session=session)
    with force_locale("en"):
        items: list = []
        for item in body:
            try:
                items.append(
                    parse_query(
                        supplier=item.get("supplier"),
                        category=item.get("category"),
                        min_stars=item.get("min_stars"),
                        categories=categories,
                    )
                )
            except Invalid as exc:
                errors = [
                    {"parameter": name, "message": message}
                    for name, messages in exc.errors.items()
                    for message in messages
                ]
                items.append({"errors": errors})
        queries = [item for item in items if not isinstance(item, dict)]
        answers = iter(check_many(session=session, queries=queries))
        return jsonify(
            [item if isinstance(item, dict) else answer_json(next(answers)) for item in items]
        )
