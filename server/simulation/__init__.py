"""The hall simulator: realistic days run through the real services (see docs/manager.md)."""
