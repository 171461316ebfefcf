"""Staff users, their login sessions, and registered devices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from ..tables import devices, sessions, users, window_posts

ACCESS_CHANGED = "yimen_access_changed"


def access_changed(conn: Connection) -> None:
    """Note on the connection that this transaction ends or grants someone's access: the
    unit of work tells the hubs' access caches when it commits (``UnitOfWork.commit``)."""
    conn.info[ACCESS_CHANGED] = True


@dataclass(frozen=True)
class UserRecord:
    id: int
    username: str
    name: str | None
    role: str
    password_hash: str
    active: bool
    unit_id: str | None = None


@dataclass(frozen=True)
class DeviceRecord:
    id: int
    kind: str
    name: str
    created_at: datetime
    last_seen_at: datetime | None
    status: dict | None
    active: bool = True


def _user(row) -> UserRecord:
    m = row._mapping
    return UserRecord(m["id"], m["username"], m["name"], m["role"], m["password_hash"], m["active"],
                      m["unit_id"])


def _device(row) -> DeviceRecord:
    m = row._mapping
    return DeviceRecord(m["id"], m["kind"], m["name"], m["created_at"], m["last_seen_at"], m["status"],
                        m["active"])


_USER_BY_ID = select(users).where(users.c.id == bindparam("user_id"))  # a pad's clerk, on every finish


class UserRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def by_username(self, username: str) -> UserRecord | None:
        row = self.conn.execute(select(users).where(users.c.username == username)).first()
        return _user(row) if row else None

    def by_id(self, user_id: int) -> UserRecord | None:
        row = self.conn.execute(_USER_BY_ID, {"user_id": user_id}).first()
        return _user(row) if row else None

    def add(self, username: str, name: str | None, role: str, password_hash: str, at: datetime,
            unit_id: str | None = None) -> int:
        return self.conn.execute(
            insert(users)
            .values(username=username, name=name, role=role, password_hash=password_hash,
                    active=True, created_at=at, unit_id=unit_id)
            .returning(users.c.id)
        ).scalar_one()

    def set_password(self, user_id: int, password_hash: str) -> None:
        access_changed(self.conn)
        self.conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))

    def set_active(self, user_id: int, active: bool) -> None:
        access_changed(self.conn)
        self.conn.execute(update(users).where(users.c.id == user_id).values(active=active))

    def all(self) -> list[UserRecord]:
        return [_user(r) for r in self.conn.execute(select(users).order_by(users.c.id))]


class SessionRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, token_hash: str, user_id: int, at: datetime, expires_at: datetime) -> None:
        self.conn.execute(
            insert(sessions).values(token_hash=token_hash, user_id=user_id, created_at=at,
                                    expires_at=expires_at)
        )

    def session_of(self, token_hash: str, now: datetime) -> tuple[UserRecord, datetime] | None:
        """The active user of an open session and when that session expires."""
        row = self.conn.execute(
            select(users, sessions.c.expires_at.label("session_expires_at"))
            .join(sessions, sessions.c.user_id == users.c.id)
            .where(sessions.c.token_hash == token_hash, sessions.c.expires_at > now,
                   users.c.active.is_(True))
        ).first()
        return (_user(row), row.session_expires_at) if row else None

    def user_for(self, token_hash: str, now: datetime) -> UserRecord | None:
        row = self.conn.execute(
            select(users)
            .join(sessions, sessions.c.user_id == users.c.id)
            .where(sessions.c.token_hash == token_hash, sessions.c.expires_at > now,
                   users.c.active.is_(True))
        ).first()
        return _user(row) if row else None

    def valid_hashes(self, token_hashes: set[str], now: datetime) -> set[str]:
        """Which of these token hashes still belong to an open session of an active user."""
        if not token_hashes:
            return set()
        rows = self.conn.execute(
            select(sessions.c.token_hash)
            .join(users, sessions.c.user_id == users.c.id)
            .where(sessions.c.token_hash.in_(token_hashes), sessions.c.expires_at > now,
                   users.c.active.is_(True))
        )
        return {row.token_hash for row in rows}

    def revoke(self, token_hash: str) -> None:
        access_changed(self.conn)
        self.conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash))

    def revoke_user(self, user_id: int, *, keep: str | None = None) -> int:
        """End every session of a user, except the one whose hash is ``keep``."""
        access_changed(self.conn)
        query = delete(sessions).where(sessions.c.user_id == user_id)
        if keep is not None:
            query = query.where(sessions.c.token_hash != keep)
        return self.conn.execute(query).rowcount

    def purge_expired(self, now: datetime) -> int:
        return self.conn.execute(delete(sessions).where(sessions.c.expires_at <= now)).rowcount


class DeviceRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, kind: str, name: str, key_hash: str, at: datetime) -> int:
        return self.conn.execute(
            insert(devices).values(kind=kind, name=name, key_hash=key_hash, created_at=at)
            .returning(devices.c.id)
        ).scalar_one()

    def by_key_hash(self, key_hash: str) -> DeviceRecord | None:
        row = self.conn.execute(select(devices).where(devices.c.key_hash == key_hash)).first()
        return _device(row) if row else None

    def by_id(self, device_id: int) -> DeviceRecord | None:
        row = self.conn.execute(select(devices).where(devices.c.id == device_id)).first()
        return _device(row) if row else None

    def all(self) -> list[DeviceRecord]:
        return [_device(r) for r in self.conn.execute(select(devices).order_by(devices.c.id))]

    def active_ids(self, device_ids: set[int]) -> set[int]:
        if not device_ids:
            return set()
        rows = self.conn.execute(select(devices.c.id).where(devices.c.id.in_(device_ids),
                                                            devices.c.active.is_(True)))
        return {row.id for row in rows}

    def set_active(self, device_id: int, active: bool) -> None:
        access_changed(self.conn)
        self.conn.execute(update(devices).where(devices.c.id == device_id).values(active=active))

    def touch(self, device_id: int, at: datetime, status: dict | None = None) -> None:
        values: dict = {"last_seen_at": at}
        if status is not None:
            values["status"] = status
        self.conn.execute(update(devices).where(devices.c.id == device_id).values(**values))


class PostRepository:
    """Which clerk holds post A (works) and post B (stands in) at each window."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def of_window(self, window_id: str) -> dict[str, UserRecord]:
        rows = self.conn.execute(
            select(window_posts.c.post, users)
            .join(users, users.c.id == window_posts.c.user_id)
            .where(window_posts.c.window_id == window_id)
        ).all()
        return {row.post: _user(row) for row in rows}

    def all(self) -> dict[str, dict[str, UserRecord]]:
        rows = self.conn.execute(
            select(window_posts.c.window_id, window_posts.c.post, users)
            .join(users, users.c.id == window_posts.c.user_id)
        ).all()
        result: dict[str, dict[str, UserRecord]] = {}
        for row in rows:
            result.setdefault(row.window_id, {})[row.post] = _user(row)
        return result

    def assign(self, window_id: str, post: str, user_id: int | None, at: datetime) -> None:
        """Give ``post`` of the window to a clerk, or leave it empty with None."""
        self.conn.execute(delete(window_posts).where(window_posts.c.window_id == window_id,
                                                     window_posts.c.post == post))
        if user_id is not None:
            self.conn.execute(insert(window_posts).values(window_id=window_id, post=post,
                                                          user_id=user_id, assigned_at=at))
