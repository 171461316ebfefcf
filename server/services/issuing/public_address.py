"""The address printed in a ticket's QR code, and a warning when a phone cannot reach it.

Without ``YIMEN_PUBLIC_URL`` a ticket carries the address the kiosk reached the hub at;
a kiosk on the hub's own machine reaches it at 127.0.0.1, which no visitor's phone can
open. The hub says so at start and on the managers' dashboard.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from ..hub import Hub

START_WARNING = ("YIMEN_PUBLIC_URL is not set: the QR code on a ticket carries the address the kiosk "
                 "reached the hub at ({seen}). Set YIMEN_PUBLIC_URL to the hall network's address "
                 "of this hub, e.g. http://192.168.1.10:8000, so that visitors' phones can open it.")
LOOPBACK_WARNING = ("YIMEN_PUBLIC_URL is {url}, a loopback address: no visitor's phone can open the QR "
                    "code on a ticket. Set it to the hall network's address of this hub.")
DASHBOARD_WARNING = "票面二维码地址为本机地址 {url}，访客手机无法打开：请将 YIMEN_PUBLIC_URL 设为本机在大厅网络中的地址。"


def is_loopback(url: str | None) -> bool:
    host = (urlsplit(url or "").hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def start_warning(public_url: str | None) -> str | None:
    """What the hub logs at start about the printed address, or None when it is fine."""
    if not public_url:
        return START_WARNING.format(seen="unknown until the first ticket")
    return LOOPBACK_WARNING.format(url=public_url) if is_loopback(public_url) else None


def printed_base(hub: Hub, base_url: str | None) -> str:
    """The base of a ticket's status address; remembers it for the dashboard."""
    base = (hub.settings.public_url or base_url or "").rstrip("/")
    hub.printed_base = base
    return base


def dashboard_warning(hub: Hub) -> str | None:
    """For the managers: the printed address is a loopback one (configured, or seen on the
    last ticket when none is configured)."""
    url = hub.settings.public_url or hub.printed_base
    return DASHBOARD_WARNING.format(url=url) if is_loopback(url) else None
