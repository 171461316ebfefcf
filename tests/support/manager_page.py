"""Opening the manager page in Chromium as a staff user: the login every browser test of
/manager/ starts with."""

from __future__ import annotations


def log_in(page, url: str, user: str = "manager", tab: str = "") -> None:
    """Go to /manager/ (``tab``: a hash such as ``reports``) and log in with the demo password."""
    page.goto(url + "/manager/" + (f"#{tab}" if tab else ""))
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", "yimen-demo")
    page.click("#login-form button[type=submit]")
