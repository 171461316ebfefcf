"""The counter and staffing: a window's use cases and who may take it."""
