"""HTTP fixtures: the real application over the test database, with keys of several roles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ordermill.accounts.service import create_api_key
from ordermill.api.app import create_app
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
