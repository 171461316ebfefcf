"""办件: cases opened by accepted tickets, the back office, pickup, the year-end clearance."""
