"""Shared test set-up: keep every test's response cache in its own temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

# Store fixtures (`store_url` over SQLite and a real PostgreSQL) for the store and serve tests.
pytest_plugins = ("store_fixtures",)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    # `khulasa eval`/`batch` cache by default in ~/.cache/khulasa: a test must neither read a
    # developer's cache nor leave entries behind that change the next run's behaviour.
    path = tmp_path_factory.mktemp("khulasa-cache")
    monkeypatch.setenv("KHULASA_CACHE_DIR", str(path))
    return path


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The default claim store lives in the user data directory: tests never touch a real one.
    path = tmp_path_factory.mktemp("khulasa-store") / "store.sqlite3"
    monkeypatch.setenv("KHULASA_STORE", f"sqlite:///{path}")
    return path
