"""Appointments (预约): slots, bookings, closures, no-shows and the purge of personal data."""
