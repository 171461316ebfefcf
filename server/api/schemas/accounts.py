"""Logins, staff users and devices."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from server.services.accounts.users import DEVICE_KINDS, ROLES
from server.services.feedback.ratings import PAD_KIND
from server.services.partners.access import KIND as PARTNER_KIND

from . import Answer

Role = Literal[ROLES]  # type: ignore[valid-type]
DeviceKind = Literal[(*DEVICE_KINDS, PAD_KIND, PARTNER_KIND)]  # type: ignore[valid-type]


class LoginUser(Answer):
    id: int
    username: str
    name: str | None
    role: Role


class LoginAnswer(Answer):
    token: str
    expires_at: datetime
    user: LoginUser


class Me(Answer):
    id: int
    name: str | None
    role: Role


class User(Answer):
    id: int
    username: str
    name: str | None
    role: Role
    unit_id: str | None


class Device(Answer):
    id: int
    kind: DeviceKind
    name: str
    last_seen_at: datetime | None = None
    status: dict[str, Any] | None = Field(None, description="the device's last report (a kiosk: its printer)")


class NewDevice(Answer):
    """The device key is shown this once."""

    id: int
    kind: DeviceKind
    name: str
    key: str


class ClerkDay(Answer):
    date: date
    called: int
    recalled: int
    started: int
    finished: int
    completed: int
    accepted: int
    returned: int
    no_show: int
    transferred: int
