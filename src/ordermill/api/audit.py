"""The audit log endpoint: who changed what, when, with before and after."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from ordermill.accounts.domain import Principal
from ordermill.api import pagination
from ordermill.api.auth import database, require
from ordermill.db import audit
from ordermill.db.engine import Database

router = APIRouter(prefix="/audit-log", tags=["audit"])


@router.get("")
def audit_log(entity_type: str | None = None, entity_id: str | None = None,
              action: str | None = None, limit: pagination.Limit = 50,
              cursor: pagination.Cursor = None, db: Database = Depends(database),
              _: Principal = Depends(require("audit:read"))) -> dict[str, Any]:
    with db.reading() as connection:
        items, position = audit.entries(connection, entity_type=entity_type,
                                        entity_id=entity_id, action=action,
                                        before_id=pagination.decode(cursor), limit=limit)
    return pagination.page(items, position)
