"""The reviewer is told the real cause; a too old type-test report is a fact, not a judgement."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlmodel import select

from catalog.models import EvidenceFile
from certification.applications.assessment import application_criteria, assess_application
from certification.applications.assessment_rows import assessment_rows
from certification.applications.review import (
    Judgement,
    approval_refusal,
    decide_application,
    record_review,
)
from certification.criteria.parsing import SHIPPED_CRITERIA_DIR, load_criteria_dir
from certification.criteria.rules import EVIDENCE_TOO_OLD, assess, assessment_to_dict
from greenbm.errors import Invalid
from tests import factories

CEMENT = load_criteria_dir(SHIPPED_CRITERIA_DIR)["cement"]
THREE_STARS = {i.code: i.thresholds_for(None)[2] for i in CEMENT.indicators}


@pytest.fixture
def world(app, session, tmp_path):
    world = factories.make_certification_world(session, str(tmp_path))
    session.commit()
    return world


def _judge_all_but(world, application, session, *, skip: str | None = None) -> None:
    criteria = application_criteria(application, session=session)
    record_review(
        session=session,
        actor=world.reviewer,
        application_id=application.id,
        corrections={},
        judgements={
            p.code: Judgement(True, "")
            for p in criteria.prerequisites
            if p.check == "reviewer" and p.code != skip
        },
    )


def test_a_fact_fails_the_prerequisite_whatever_the_judgement():
    values = dict(THREE_STARS)
    judged = dict.fromkeys((p.code for p in CEMENT.prerequisites), True)
    met = assess(CEMENT, variant=None, values=values, prerequisites=judged)
    assert met.stars >= 1
    old = assess(
        CEMENT,
        variant=None,
        values=values,
        prerequisites=judged,
        facts={"type_test_report": EVIDENCE_TOO_OLD},
    )
    assert old.stars == 0
    result = {p.code: p for p in old.prerequisites}["type_test_report"]
    assert not result.passed and result.reason == EVIDENCE_TOO_OLD


def test_approving_with_an_unjudged_prerequisite_says_so(app, session, world):
    application = factories.application_under_review(session, world)
    criteria = application_criteria(application, session=session)
    unjudged = next(p for p in criteria.prerequisites if p.check == "reviewer")
    _judge_all_but(world, application, session, skip=unjudged.code)
    with pytest.raises(Invalid) as refused:
        decide_application(
            session=session, actor=world.reviewer, application_id=application.id, approve=True
        )
    message = refused.value.errors["decision"][0]
    assert "not judged yet" in message
    assert unjudged.name_zh in message or unjudged.name_en in message
    assert "can only be rejected" not in message


def test_the_refusal_names_the_real_cause(app, session, world):
    application = factories.application_under_review(session, world)
    criteria = application_criteria(application, session=session)
    assessment = assess_application(application, session=session)
    assert "not judged yet" in approval_refusal(assessment, criteria)
    failed = assess(
        criteria,
        variant=None,
        values=dict(THREE_STARS),
        prerequisites={p.code: p.code != "emissions_compliant" for p in criteria.prerequisites},
    )
    assert "A prerequisite is not met" in approval_refusal(failed, criteria)


def test_a_report_older_than_twelve_months_cannot_be_judged_met(app, session, world):
    application = factories.application_under_review(session, world)
    report = session.exec(
        select(EvidenceFile).where(
            EvidenceFile.product_id == world.product.id, EvidenceFile.kind == "type_test_report"
        )
    ).one()
    report.test_date = date.today() - relativedelta(months=12) - timedelta(days=1)
    session.add(report)
    session.flush()
    with pytest.raises(Invalid) as refused:
        record_review(
            session=session,
            actor=world.reviewer,
            application_id=application.id,
            corrections={},
            judgements={"type_test_report": Judgement(True, "")},
        )
    assert "older than 12 months" in refused.value.errors["prereq_type_test_report"][0]
    _judge_all_but(world, application, session)
    assessment = assess_application(application, session=session)
    assert assessment.stars == 0
    rows = assessment_rows(
        assessment_to_dict(assessment),
        application_criteria(application, session=session),
        declared={},
        reviewed={},
        judgements={},
        preview=False,
    )
    row = next(r for r in rows.prerequisites if r.code == "type_test_report")
    assert not row.passed and row.judged and "older than 12 months" in row.note


def test_an_unjudged_prerequisite_is_shown_as_unjudged(app, session, world):
    application = factories.application_under_review(session, world)
    assessment = assessment_to_dict(assess_application(application, session=session))
    rows = assessment_rows(
        assessment,
        application_criteria(application, session=session),
        declared={},
        reviewed={},
        judgements={},
        preview=False,
    )
    reviewer_judged = [r for r in rows.prerequisites if not r.passed and not r.judged]
    assert reviewer_judged and all(r.note == "Not judged yet." for r in reviewer_judged)
