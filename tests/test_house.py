"""House rules that a reviewer would otherwise have to remember, checked over the whole tree."""

import ast

import pytest

from greenbm.paths import PROJECT_ROOT

PACKAGES = (
    "greenbm",
    "accounts",
    "catalog",
    "certification",
    "procurement",
    "eligibility",
    "dashboard",
    "admin",
    "ops",
    "seeds",
)
MAX_LINES = 300


def _modules():
    for package in PACKAGES:
        yield from sorted((PROJECT_ROOT / package).rglob("*.py"))


MODULES = list(_modules())


def test_the_packages_sit_at_the_root_as_specified():
    for folder in ("catalog", "certification", "procurement", "templates", "seeds", "tests"):
        assert (PROJECT_ROOT / folder).is_dir(), folder
    for name in ("pyproject.toml", "README.md"):
        assert (PROJECT_ROOT / name).is_file(), name


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_module_is_small_and_says_what_it_is(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES, "split the module along what it does"
    assert ast.get_docstring(ast.parse(text)), "a one-line module docstring"


def test_the_session_is_keyword_only_everywhere():
    """`*, session`: a call never passes the session by position (blinker senders aside)."""
    positional = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [a.arg for a in node.args.posonlyargs + node.args.args]
                if "session" in names:
                    positional.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert positional == []


def _subclasses(cls) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found))


def test_every_form_takes_text_through_the_shared_base():
    """One rule for typed text (NFC, no invisible characters): every form derives from Form."""
    from flask_wtf import FlaskForm

    import greenbm.app  # noqa: F401 (imports every package, so every form class exists)
    from greenbm.forms_util import Form

    outside = {
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _subclasses(FlaskForm)
        if cls is not Form and not issubclass(cls, Form)
    }
    assert outside == set()
