"""Roles and the permissions they carry; who may touch which channel and location."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from enum import StrEnum

from ordermill.shared.errors import NotFound, PermissionDenied


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    WAREHOUSE = "warehouse"
    SUPPORT = "support"
    FINANCE = "finance"
    ANALYST = "analyst"
    INTEGRATION = "integration"


READ = frozenset({
    "products:read", "locations:read", "inventory:read", "channels:read", "orders:read",
    "customers:read", "fulfillment:read", "routing:read",
})
ALL = READ | {
    "products:write", "locations:write", "inventory:write", "channels:write", "orders:write",
    "orders:create", "audit:read", "accounts:write", "fulfillment:write", "routing:write",
}

PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset(ALL),
    Role.MANAGER: frozenset(ALL - {"accounts:write"}),
    Role.WAREHOUSE: frozenset({"products:read", "locations:read", "inventory:read",
                               "inventory:write", "orders:read", "fulfillment:read",
                               "fulfillment:write"}),
    Role.SUPPORT: frozenset(READ | {"orders:write"}),
    Role.FINANCE: frozenset(READ | {"audit:read"}),
    Role.ANALYST: frozenset(READ | {"audit:read"}),
    Role.INTEGRATION: frozenset({"orders:create", "orders:read", "products:read",
                                 "channels:read"}),
}

KEY_PREFIXES: dict[Role, str] = {
    Role.ADMIN: "om_admin_", Role.MANAGER: "om_mgr_", Role.WAREHOUSE: "om_wh_",
    Role.SUPPORT: "om_sup_", Role.FINANCE: "om_fin_", Role.ANALYST: "om_ro_",
    Role.INTEGRATION: "om_int_",
}


@dataclass(frozen=True)
class Principal:
    """Who is calling, with the scope their role and key allow."""

    kind: str  # "user" or "api_key"
    id: int
    name: str
    role: Role
    channel_id: int | None = None
    channel_code: str | None = None
    location_ids: frozenset[int] = field(default_factory=frozenset)

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS[self.role]

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise PermissionDenied(f"the {self.role} role may not {permission.replace(':', ' ')}")

    @property
    def is_location_scoped(self) -> bool:
        return self.role is Role.WAREHOUSE

    def require_channel(self, channel_code: str) -> None:
        """A channel's key sees only its channel; to it other channels do not exist."""
        if self.channel_code is not None and self.channel_code != channel_code:
            raise NotFound(f"channel {channel_code!r} not found")

    def require_location(self, location_id: int, location_code: str) -> None:
        if self.is_location_scoped and location_id not in self.location_ids:
            raise PermissionDenied(f"you do not work at location {location_code!r}")


def new_api_key(role: Role) -> str:
    return KEY_PREFIXES[role] + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    # API keys are 256 random bits, so a fast hash is safe; argon2 is for guessable passwords
    # and would cost every API request tens of milliseconds.
    return hashlib.sha256(key.encode()).hexdigest()


def new_session_token() -> str:
    return secrets.token_urlsafe(32)
