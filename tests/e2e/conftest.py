"""End-to-end fixtures: the real application over the test database, with keys of several
roles, and the `ordermill` command line."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from click.testing import Result
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ordermill.accounts.service import create_api_key
from ordermill.api.app import create_app
from ordermill.cli.main import app as cli
from ordermill.db.engine import Database
from tests.builders import uow


def key_for(database: Database, role: str, **scope: object) -> str:
    return create_api_key(uow(database), name=f"{role} key", role=role, **scope).key  # type: ignore[arg-type]


@pytest.fixture
def app_client(database: Database) -> Iterator[TestClient]:
    with TestClient(create_app(database), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def admin(database: Database, app_client: TestClient) -> TestClient:
    app_client.headers["Authorization"] = f"Bearer {key_for(database, 'admin')}"
    return app_client


Run = Callable[..., Result]


@pytest.fixture
def ordermill(database: Database, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Run:
    """`ordermill ARGS...` against the test database, on a terminal wide enough for tables."""
    monkeypatch.setenv("ORDERMILL_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args))
