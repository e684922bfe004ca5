"""whoosh-reloaded: pinned exactly, installed at that version, imported only by catalog/search/."""

import os
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The version whose private internals catalog/search/ was checked against (each use carries a
# comment naming it). Change it only after checking every one of those uses again.
CHECKED = "2.7.5"
WHOOSH_IMPORT = re.compile(r"^\s*(?:import|from)\s+whoosh\b", re.MULTILINE)


def test_whoosh_reloaded_is_pinned_exactly_in_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = [d for d in project["dependencies"] if d.startswith("whoosh-reloaded")]
    assert pins == [f"whoosh-reloaded=={CHECKED}"]


def test_the_installed_whoosh_reloaded_is_the_pinned_version():
    assert version("whoosh-reloaded") == CHECKED


def _python_files() -> list[Path]:
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        # Hidden folders hold virtual environments and git's objects, not the project's code.
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        found += [Path(folder) / name for name in files if name.endswith(".py")]
    return found


def test_only_the_search_package_imports_whoosh():
    search = ROOT / "catalog" / "search"
    importers = [
        path.relative_to(ROOT).as_posix()
        for path in _python_files()
        if search not in path.parents and WHOOSH_IMPORT.search(path.read_text(encoding="utf-8"))
    ]
    assert importers == []
