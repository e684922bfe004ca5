"""The printed documents' fetcher: data: URIs and the static folder only, nothing else."""

from pathlib import Path

import pytest

from greenbm.paths import STATIC_DIR
from greenbm.pdf import FetchRefused, StaticOnlyFetcher


@pytest.fixture
def static_tree(tmp_path) -> Path:
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "ok.css").write_text("p { color: green }")
    (tmp_path / "secret.txt").write_text("secret")
    (static / "leak.txt").symlink_to(tmp_path / "secret.txt")
    return static


def test_fetcher_serves_static_files_and_data_uris(static_tree):
    fetcher = StaticOnlyFetcher(static_tree)
    response = fetcher.fetch((static_tree / "css" / "ok.css").as_uri())
    assert response.read() == b"p { color: green }"
    assert response.content_type == "text/css"
    response.close()
    response = fetcher.fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"
    response.close()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/x",
        "https://example.com/x.png",
        "ftp://example.com/x",
        "file://evil.example.com/etc/passwd",
        "javascript:alert(1)",
        "/etc/passwd",
    ],
)
def test_fetcher_refuses_everything_else(static_tree, url):
    with pytest.raises(FetchRefused):
        StaticOnlyFetcher(static_tree).fetch(url)


def test_fetcher_refuses_dot_dot_escapes_symlinks_out_and_missing_files(static_tree):
    fetcher = StaticOnlyFetcher(static_tree)
    for url in (
        f"file://{static_tree}/../secret.txt",
        f"file://{static_tree}/css/../../secret.txt",
        f"file://{static_tree}/%2e%2e/secret.txt",
        f"file://{static_tree}/%252e%252e/secret.txt",  # decoded once only: a missing name
        (static_tree / "leak.txt").as_uri(),  # a symlink pointing out of the static folder
        (static_tree / "css").as_uri(),  # a directory, not a file
        (static_tree / "missing.css").as_uri(),
    ):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)


def test_real_static_folder_is_served():
    fetcher = StaticOnlyFetcher(STATIC_DIR)
    response = fetcher.fetch((STATIC_DIR / "css" / "app.css").as_uri())
    assert response.read()
    response.close()
