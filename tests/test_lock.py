"""The set-up installs from uv.lock only: a pyproject.toml the lock does not match is refused."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UV = ROOT / ".venv-uv" / "bin" / "uv"


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """Copy what `make check-lock` reads into a folder of its own, with the pinned uv beside it."""
    if not UV.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{UV} is missing: `make install` puts it there")
        pytest.skip(f"{UV} is missing: run `make install`")
    for name in ("Makefile", "pyproject.toml", "uv.lock", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / ".venv-uv").symlink_to(ROOT / ".venv-uv")
    return tmp_path


def _check_lock(folder: Path) -> subprocess.CompletedProcess:
    # Offline: the check must not depend on the registry, and a mismatch must not be resolved.
    env = {**os.environ, "UV_OFFLINE": "1", "MAKEFLAGS": ""}
    return subprocess.run(
        ["make", "--no-print-directory", "check-lock"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_committed_lock_matches_pyproject(project_copy):
    result = _check_lock(project_copy)
    assert result.returncode == 0, result.stderr
    assert "uv.lock matches pyproject.toml" in result.stdout


@pytest.mark.parametrize(
    "change",
    [
        # A new dependency the lock does not hold.
        ('"numpy>=2.0",', '"numpy>=2.0",\n    "six>=1.16",'),
        # A bound the locked version no longer satisfies.
        ('"flask>=3.1,<4",', '"flask>=3.0,<3.1",'),
    ],
    ids=["dependency-added", "bound-changed"],
)
def test_a_pyproject_change_without_a_new_lock_fails_with_what_to_run(project_copy, change):
    pyproject = project_copy / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    old, new = change
    assert old in text
    pyproject.write_text(text.replace(old, new), encoding="utf-8")

    result = _check_lock(project_copy)

    assert result.returncode != 0
    assert "pyproject.toml and uv.lock disagree: run 'make lock'" in result.stderr
