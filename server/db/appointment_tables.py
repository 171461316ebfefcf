"""The tables of appointments (预约), on the shared ``metadata`` of ``tables.py`` (which
imports this module at its end, so that every table is known wherever one is).

No clear identity data is stored: the ID number only as a keyed hash (``id_hash``) and
masked, the name and phone only masked; the purge job (services/booking/purge.py)
empties the personal fields of old appointments. Strikes and blocks keep only the hash.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Index, Integer, String, Table, Text, text

from .tables import metadata
from .types import UTCDateTime

ACTIVE = "status IN ('booked', 'checked_in')"

appointments = Table(
    "appointments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token", String(64), nullable=False, unique=True),
    Column("code", String(16), nullable=False, unique=True),
    Column("matter_id", String(64), nullable=False),
    Column("queue_id", String(64), nullable=False),
    Column("service_day", Date, nullable=False),  # the slot's local day
    Column("slot_start", UTCDateTime, nullable=False),
    Column("slot_end", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),  # booked | checked_in | cancelled | missed
    Column("id_hash", String(64)),  # HMAC-SHA256 of the ID number; NULL once purged
    Column("id_masked", String(32)),
    Column("name_masked", String(64)),
    Column("phone_masked", String(32)),
    Column("booked_at", UTCDateTime, nullable=False),
    Column("checked_in_at", UTCDateTime),
    Column("cancelled_at", UTCDateTime),
    Column("cancel_reason", Text),  # shown to the visitor (a closed day or slot)
    Column("missed_at", UTCDateTime),
    Column("ticket_id", Integer),
    Column("idempotency_key", String(100), unique=True),
    Column("channel", String(16), nullable=False),  # web | partner
    Column("device_id", String(64)),  # the partner that booked it (its webhooks), or NULL
    Column("purged_at", UTCDateTime),
    Index("ix_appointments_queue_id_slot_start", "queue_id", "slot_start"),
    Index("ix_appointments_status_slot_end", "status", "slot_end"),
    Index("ix_appointments_ticket_id", "ticket_id"),  # a ticket's appointment (webhooks, views)
    # One active booking per person and day, however many hubs book at once.
    Index("ix_appointments_id_hash_service_day", "id_hash", "service_day", unique=True,
          sqlite_where=text(ACTIVE), postgresql_where=text(ACTIVE)),
)

# One row per (queue, slot) that has ever been booked: ``booked`` is raised only by a
# conditional UPDATE ... WHERE booked < capacity, so no slot holds more than it may.
slot_counts = Table(
    "slot_counts",
    metadata,
    Column("queue_id", String(64), primary_key=True),
    Column("slot_start", UTCDateTime, primary_key=True),
    Column("booked", Integer, nullable=False),
)

appointment_closures = Table(
    "appointment_closures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False),
    Column("slot_start", UTCDateTime),  # NULL: the whole day
    Column("reason", Text, nullable=False),
    Column("closed_by", String(100), nullable=False),
    Column("closed_at", UTCDateTime, nullable=False),
    Index("ix_appointment_closures_day", "day"),
)

booking_strikes = Table(
    "booking_strikes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("id_hash", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("appointment_id", Integer, nullable=False, unique=True),
    Index("ix_booking_strikes_id_hash", "id_hash"),
)

booking_blocks = Table(
    "booking_blocks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("id_hash", String(64), nullable=False),
    Column("since", UTCDateTime, nullable=False),
    Column("until", Date, nullable=False),  # the first day bookings are taken again
    Column("lifted_at", UTCDateTime),
    Column("lifted_by", String(100)),
    Index("ix_booking_blocks_id_hash", "id_hash"),
)
