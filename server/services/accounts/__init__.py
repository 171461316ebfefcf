"""Accounts: staff and devices, passwords, the login guard, demo accounts."""
