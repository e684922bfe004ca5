"""Parser and validator errors reach the user as messages in their language, with what to do."""

import json
import tomllib

import pydantic
import pytest
from flask_babel import force_locale

from certification.criteria.parsing import parse_criteria
from certification.criteria.problems import criteria_problem
from greenbm.messages import FORM_MESSAGES, json_problem, pydantic_problem, toml_problem

# Parser words that must never reach a page.
DEVELOPER_WORDS = ("Expecting", "Value error", "Input should", "TOML syntax", ": required")


def _json_error(text: str) -> json.JSONDecodeError:
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads(text)
    return caught.value


@pytest.mark.parametrize(
    ("text", "english", "chinese"),
    [
        ('{"a": 1,}', "a name in double quotes was expected", "此处应为带双引号的名称"),
        ('{"a": }', "a value was expected here", "此处应有一个值"),
        ('{"a": 1 "b": 2}', "a comma was expected", "此处两项之间应有逗号"),
    ],
)
def test_json_errors_say_where_and_what_to_fix(app, text, english, chinese):
    error = _json_error(text)
    with app.test_request_context(), force_locale("en"):
        message = json_problem(error)
        assert english in message and "line 1, column" in message
        assert not any(word in message for word in DEVELOPER_WORDS)
    with app.test_request_context(), force_locale("zh_CN"):
        assert chinese in json_problem(error)


class _Model(pydantic.BaseModel):
    id: str
    count: float
    size: int = pydantic.Field(ge=0)


@pytest.mark.parametrize(
    ("data", "english", "chinese"),
    [
        ({"count": 1, "size": 1}, "is missing: add it", "缺失"),
        ({"id": 5, "count": 1, "size": 1}, "must be text in quotes", "文本"),
        ({"id": "a", "count": "many", "size": 1}, "must be a number", "数字"),
        ({"id": "a", "count": 1, "size": -1}, "must be at least 0", "不得小于 0"),
    ],
)
def test_pydantic_errors_in_the_readers_words(app, data, english, chinese):
    with pytest.raises(pydantic.ValidationError) as caught:
        _Model.model_validate(data)
    (error,) = caught.value.errors()
    with app.test_request_context(), force_locale("en"):
        assert pydantic_problem(error) == english
    with app.test_request_context(), force_locale("zh_CN"):
        assert chinese in pydantic_problem(error)


def test_toml_errors_name_line_and_column(app):
    with pytest.raises(tomllib.TOMLDecodeError) as caught:
        tomllib.loads("a = = b")
    with app.test_request_context(), force_locale("en"):
        message = toml_problem(caught.value)
    assert "line 1, column" in message and "upload it again" in message


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("not = = toml", "not valid TOML at line 1"),
        ('category = "cement"', "In the file, “basis” is missing: add it."),
    ],
)
def test_a_criteria_file_error_reads_as_a_sentence(app, text, english):
    with pytest.raises(ValueError) as caught:
        parse_criteria(text)
    with app.test_request_context(), force_locale("en"):
        message = criteria_problem(caught.value)
    assert english in message
    assert not any(word in message for word in DEVELOPER_WORDS)
    with app.test_request_context(), force_locale("zh_CN"):
        assert "TOML" in criteria_problem(caught.value) or "文件" in criteria_problem(caught.value)


def test_wtforms_number_errors_are_ours_in_both_languages(app, client, login, session):
    from tests import factories

    maker = factories.make_manufacturer_user(session)
    session.commit()
    login(maker)
    form = {"name": "基地", "division_code": "520100", "capacity": "4,500 t"}
    page = client.post("/manufacturer/plants/new", data=form).get_data(as_text=True)
    assert str(FORM_MESSAGES["Not a valid float value."]) in page
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    page = client.post("/manufacturer/plants/new", data=form).get_data(as_text=True)
    assert "请输入数字" in page and "不是有效的浮点数" not in page
