"""Reporting, planning and alerts: figures from the event log, and what managers hear."""
