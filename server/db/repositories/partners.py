"""Partners (devices of kind "partner"), their sealed secrets, and the nonces they sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ..tables import devices, partner_nonces, partners


@dataclass(frozen=True)
class PartnerRecord:
    id: int
    name: str
    webhook_url: str | None
    key_sealed: str
    secret_sealed: str
    previous_secret_sealed: str | None
    previous_until: datetime | None
    created_at: datetime


_COLUMNS = (devices.c.id, devices.c.name, partners.c.webhook_url, partners.c.key_sealed,
            partners.c.secret_sealed, partners.c.previous_secret_sealed, partners.c.previous_until,
            devices.c.created_at)
_SELECT = select(*_COLUMNS).join(partners, partners.c.device_id == devices.c.id)


class PartnerRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, device_id: int, webhook_url: str | None, key_sealed: str, secret_sealed: str) -> None:
        self.conn.execute(insert(partners).values(device_id=device_id, webhook_url=webhook_url,
                                                  key_sealed=key_sealed, secret_sealed=secret_sealed))

    def by_key_hash(self, key_hash: str) -> PartnerRecord | None:
        # A disabled partner (POST /devices/<id>/disable) is refused at once, like any device.
        row = self.conn.execute(_SELECT.where(devices.c.key_hash == key_hash, devices.c.active.is_(True))).first()
        return PartnerRecord(*row) if row else None

    def by_id(self, device_id: int) -> PartnerRecord | None:
        row = self.conn.execute(_SELECT.where(devices.c.id == device_id)).first()
        return PartnerRecord(*row) if row else None

    def listing(self) -> list[dict]:
        """Every partner, for the staff's view: id, name, active, webhook_url (no secrets)."""
        query = (select(devices.c.id, devices.c.name, devices.c.active, partners.c.webhook_url,
                        devices.c.created_at)
                 .join(partners, partners.c.device_id == devices.c.id).order_by(devices.c.id))
        return [dict(row._mapping) for row in self.conn.execute(query)]

    def by_ids(self, ids) -> dict[int, PartnerRecord]:
        rows = self.conn.execute(_SELECT.where(devices.c.id.in_(list(ids)))).all()
        return {row[0]: PartnerRecord(*row) for row in rows}

    def rotate(self, device_id: int, secret_sealed: str, previous_sealed: str, until: datetime,
               at: datetime) -> None:
        self.conn.execute(
            update(partners).where(partners.c.device_id == device_id)
            .values(secret_sealed=secret_sealed, previous_secret_sealed=previous_sealed,
                    previous_until=until, rotated_at=at)
        )


class NonceStore:
    """Nonces in the shared database: every hub of a hall sees the same ones."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def remember(self, partner_id: int, nonce: str, at: datetime) -> bool:
        """True the first time; False for a nonce already seen (a replay). Call it alone
        in its unit of work: after a refused insert the transaction only rolls back."""
        try:
            self.conn.execute(insert(partner_nonces).values(partner_id=partner_id, nonce=nonce,
                                                            seen_at=at))
        except IntegrityError:
            return False
        return True

    def purge(self, now: datetime, ttl_s: int) -> int:
        cutoff = now - timedelta(seconds=ttl_s)
        return self.conn.execute(delete(partner_nonces).where(partner_nonces.c.seen_at < cutoff)).rowcount
