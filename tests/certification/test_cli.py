"""`flask certification assess | expire | load-criteria`: good input, bad input, idempotence."""

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from catalog.models import Category
from certification.criteria.parsing import SHIPPED_CRITERIA_DIR
from certification.models import Certificate, CertificateEvent, CriteriaVersion
from tests.factories import issue_test_certificate, make_body, set_dates

CEMENT = {
    "values": {
        "clinker_energy": 104,
        "cement_energy": 86,
        "solid_waste_content": 18,
        "gwp": 655,
        "strength_margin": 2.5,
    },
    "prerequisites": {
        "type_test_report": True,
        "emissions_compliant": True,
        "no_eliminated_process": True,
        "quality_management": True,
        "gwp_declared": True,
    },
}


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def run(runner, *args):
    return runner.invoke(args=["certification", *args])


def write(tmp_path, content, name="input.json"):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


# --- assess ---------------------------------------------------------------------------------


def test_assess_prints_the_assessment(runner, tmp_path):
    result = run(runner, "assess", "--category", "cement", str(write(tmp_path, CEMENT)))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["category"], data["version"], data["stars"]) == ("cement", "2026.1", 1)
    assert 0 < data["score"] < 100
    levels = {i["code"]: (i["value"], i["level"]) for i in data["indicators"]}
    assert levels["clinker_energy"] == (104, 2)
    assert levels["solid_waste_content"] == (18, 1)
    assert all(p["passed"] for p in data["prerequisites"])
    # Two stars need 20 % solid waste: 2 percentage points more.
    shortfalls = {s["code"]: s for s in data["next_star"]["indicators"]}
    assert data["next_star"]["target"] == 2
    assert shortfalls == {
        "solid_waste_content": {
            "code": "solid_waste_content",
            "value": 18,
            "needed": 20,
            "gap": 2,
            "unit": "%",
        }
    }


def test_assess_official_threshold_is_inclusive(runner, tmp_path):
    at = {**CEMENT, "values": {**CEMENT["values"], "clinker_energy": 107}}
    above = {**CEMENT, "values": {**CEMENT["values"], "clinker_energy": 107.1}}
    for content, level in [(at, 2), (above, 1)]:
        result = run(runner, "assess", "--category", "cement", str(write(tmp_path, content)))
        indicators = {i["code"]: i["level"] for i in json.loads(result.output)["indicators"]}
        assert indicators["clinker_energy"] == level


def test_assess_a_category_with_variants(runner, tmp_path):
    tile = {
        "variant": "e_gt_10",
        "values": {"tile_energy": 3.2, "body_waste_content": 25, "gwp": 11, "thickness": 6},
        "prerequisites": {
            "type_test_report": True,
            "emissions_compliant": True,
            "no_eliminated_process": True,
            "quality_management": True,
            "gwp_declared": True,
        },
    }
    result = run(runner, "assess", "--category", "ceramic-tile", str(write(tmp_path, tile)))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["variant"], data["stars"], data["next_star"]) == ("e_gt_10", 3, None)


def test_assess_without_a_judged_prerequisite_gives_no_star(runner, tmp_path):
    content = {"values": CEMENT["values"]}
    result = run(runner, "assess", "--category", "cement", str(write(tmp_path, content)))
    data = json.loads(result.output)
    assert data["stars"] == 0
    failed = {p["code"] for p in data["prerequisites"] if not p["passed"]}
    assert "no_eliminated_process" in failed


@pytest.mark.parametrize(
    ("category", "content", "message"),
    [
        ("cement", "{not json", "not valid JSON: Expecting property name"),
        ("cement", "[1, 2]", "expected a JSON object"),
        ("cement", {"values": {}, "extra": 1}, "extra: unknown key"),
        ("cement", {"prerequisites": {}}, "values: required"),
        ("cement", {"values": [104]}, "values: expected an object"),
        ("cement", {"values": {}, "prerequisites": True}, "prerequisites: expected an object"),
        ("marble", {"values": {}}, "--category: unknown category 'marble'"),
        ("cement", {"values": {"kiln_speed": 3}}, "values.kiln_speed: not an indicator"),
        ("cement", {"values": {"clinker_energy": "104"}}, "values.clinker_energy: expected a"),
        ("cement", {"values": {"clinker_energy": True}}, "values.clinker_energy: expected a"),
        ("cement", {"values": {}, "variant": "c30"}, "variant: the cement criteria have no"),
        ("cement", {"values": {}, "variant": 3}, "variant: expected a string"),
        ("ceramic-tile", {"values": {}}, "variant: water_absorption must be one of"),
        ("ceramic-tile", {"values": {}, "variant": "e_huge"}, "got 'e_huge'"),
        (
            "cement",
            {"values": {}, "prerequisites": {"gwp_declared": "yes"}},
            "prerequisites.gwp_declared: expected true or false",
        ),
        (
            "cement",
            {"values": {}, "prerequisites": {"halal": True}},
            "prerequisites.halal: not a prerequisite",
        ),
    ],
)
def test_assess_bad_input_names_the_field(runner, tmp_path, category, content, message):
    result = run(runner, "assess", "--category", category, str(write(tmp_path, content)))
    assert result.exit_code != 0
    assert message in result.output, result.output
    assert "Traceback" not in result.output


def test_assess_unreadable_file(runner, tmp_path):
    result = run(runner, "assess", "--category", "cement", str(tmp_path / "missing.json"))
    assert result.exit_code != 0 and "cannot read it: No such file or directory" in result.output
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00")
    result = run(runner, "assess", "--category", "cement", str(binary))
    assert result.exit_code != 0 and "not UTF-8 text" in result.output


def test_assess_needs_the_category(runner, tmp_path):
    result = run(runner, "assess", str(write(tmp_path, CEMENT)))
    assert result.exit_code == 2 and "--category" in result.output


# --- expire ---------------------------------------------------------------------------------


def test_expire_is_idempotent(runner, session):
    body, reviewer = make_body(session)
    old = issue_test_certificate(session, body=body, reviewer=reviewer)
    fresh = issue_test_certificate(session, body=body, reviewer=reviewer)
    set_dates(session, old, valid_until=date(2026, 1, 31))
    first = run(runner, "expire", "--today", "2026-02-01")
    assert first.exit_code == 0, first.output
    assert f"expired {old.number} (valid until 2026-01-31)" in first.output
    assert "1 certificate(s) expired." in first.output and fresh.number not in first.output
    second = run(runner, "expire", "--today", "2026-02-01")
    assert second.exit_code == 0 and "0 certificate(s) expired." in second.output
    session.expire_all()
    assert session.get(Certificate, old.id).status == "expired"
    assert session.get(Certificate, fresh.id).status == "valid"
    events = session.exec(
        select(CertificateEvent).where(CertificateEvent.certificate_id == old.id)
    ).all()
    assert [e.to_status for e in events] == ["valid", "expired"]


def test_expire_on_the_last_valid_day_expires_nothing(runner, session):
    body, reviewer = make_body(session)
    certificate = issue_test_certificate(session, body=body, reviewer=reviewer)
    last = certificate.valid_until.isoformat()
    assert "0 certificate(s) expired." in run(runner, "expire", "--today", last).output
    after = (certificate.valid_until + timedelta(days=1)).isoformat()
    assert "1 certificate(s) expired." in run(runner, "expire", "--today", after).output


def test_expire_refuses_a_bad_date(runner):
    result = run(runner, "expire", "--today", "01/02/2026")
    assert result.exit_code == 2 and "expected a date YYYY-MM-DD" in result.output


# --- load-criteria --------------------------------------------------------------------------

TEST_VERSION = "2099.1-test"


@pytest.fixture
def new_cement_criteria(app, session, tmp_path):
    """A cement criteria file with a new version; the shipped version is active again after."""
    cement = session.exec(select(Category).where(Category.code == "cement")).one()
    shipped = session.exec(
        select(CriteriaVersion).where(
            CriteriaVersion.category_id == cement.id, CriteriaVersion.active
        )
    ).one()
    text = (SHIPPED_CRITERIA_DIR / "cement.toml").read_text("utf-8")
    text = text.replace('version = "2026.1"', f'version = "{TEST_VERSION}"', 1)
    text = text.replace(
        "thresholds = { default = [117, 107, 100] }", "thresholds = { default = [115, 105, 98] }"
    )
    yield write(tmp_path, text, "cement.toml")
    # criteriaversion is reference data kept across tests: put it back as it was.
    session.expire_all()
    for row in session.exec(
        select(CriteriaVersion).where(CriteriaVersion.version == TEST_VERSION)
    ).all():
        session.delete(row)
    session.get(CriteriaVersion, shipped.id).active = True
    session.commit()


def _active_version(session) -> str:
    session.expire_all()
    cement = session.exec(select(Category).where(Category.code == "cement")).one()
    return session.exec(
        select(CriteriaVersion.version).where(
            CriteriaVersion.category_id == cement.id, CriteriaVersion.active
        )
    ).one()


def test_load_criteria_stores_then_activates(runner, session, tmp_path, new_cement_criteria):
    result = run(runner, "load-criteria", str(new_cement_criteria))
    assert result.exit_code == 0, result.output
    assert f"cement {TEST_VERSION}: stored, not active." in result.output
    assert _active_version(session) == "2026.1"
    result = run(runner, "load-criteria", str(new_cement_criteria), "--activate")
    assert f"cement {TEST_VERSION}: active." in result.output
    assert _active_version(session) == TEST_VERSION
    # assess now uses the new thresholds: 106 kgce/t reached level 2 before, level 1 now.
    content = {**CEMENT, "values": {**CEMENT["values"], "clinker_energy": 106}}
    output = run(runner, "assess", "--category", "cement", str(write(tmp_path, content))).output
    data = json.loads(output)
    assert data["version"] == TEST_VERSION
    assert {i["code"]: i["level"] for i in data["indicators"]}["clinker_energy"] == 1


def test_load_criteria_refuses_other_content_under_a_stored_version(runner, tmp_path):
    text = (SHIPPED_CRITERIA_DIR / "cement.toml").read_text("utf-8")
    changed = text.replace("[117, 107, 100]", "[116, 107, 100]")
    result = run(runner, "load-criteria", str(write(tmp_path, changed, "cement.toml")))
    assert result.exit_code != 0
    assert "version: cement 2026.1 already exists with other content" in result.output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('direction = "at_most"', 'direction = "lower"'), "indicator[0].direction"),
        (("[117, 107, 100]", "[100, 107, 117]"), "at_most thresholds must not increase"),
        (('category = "cement"', 'category = "marble"'), "category: unknown category"),
        (('code = "clinker_energy"', 'code = "clinker_energy'), "TOML syntax"),
    ],
)
def test_load_criteria_bad_file_names_the_field(
    runner, session, tmp_path, new_cement_criteria, change, message
):
    text = new_cement_criteria.read_text("utf-8").replace("[115, 105, 98]", "[117, 107, 100]")
    assert change[0] in text
    result = run(runner, "load-criteria", str(write(tmp_path, text.replace(*change, 1), "c.toml")))
    assert result.exit_code != 0
    assert message in result.output, result.output
    assert _active_version(session) == "2026.1"
