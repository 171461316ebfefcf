"""Demo users and devices for ``yimen --demo``: fixed, printed credentials for trying it out.

The demo only adds what is missing. An account that exists keeps its password, whoever
set it (an earlier demo run, the operator's ``YIMEN_ADMIN_PASSWORD``, a password change
on the manager page): ``--demo`` never weakens an account.
"""

from __future__ import annotations

from collections.abc import Collection

from ..errors import ConflictError
from ..hub import Hub
from .passwords import hash_password
from .users import create_device, create_user

DEMO_PASSWORD = "yimen-demo"
DEMO_USERS = (
    ("admin", "admin", "系统管理员"),
    ("manager", "manager", "大厅主任"),
    ("supervisor", "supervisor", "效能监察"),
)
DEMO_CLERKS = 8
DEMO_DEVICES = (
    ("kiosk", "一楼取号机 1", "demo-kiosk-1"),
    ("kiosk", "一楼取号机 2", "demo-kiosk-2"),
    ("display", "一楼大屏", "demo-display-1"),
)


def _add_user(hub: Hub, username: str, role: str, name: str, hashed: str) -> bool:
    """Create the demo user unless it exists; True when it was created."""
    try:
        create_user(hub, username=username, password=DEMO_PASSWORD, role=role, name=name, hashed=hashed)
    except ConflictError:
        return False
    return True


def seed_demo(hub: Hub, *, skip: Collection[str] = ()) -> list[str]:
    """Create the demo accounts and devices that do not exist yet (never touching
    ``skip``, the usernames the operator sets himself); return lines describing them."""
    lines = []
    # One scrypt for the eleven accounts: their password is printed for all to read, so a
    # salt of their own would protect nothing, and each costs the hub's start a tenth of a second.
    hashed = hash_password(DEMO_PASSWORD)
    for username, role, name in DEMO_USERS:
        if username in skip:
            lines.append(f"  {role:<8} {username} / (the password you gave)")
        elif _add_user(hub, username, role, name, hashed):
            lines.append(f"  {role:<8} {username} / {DEMO_PASSWORD}")
        else:
            lines.append(f"  {role:<8} {username} (exists: its password is unchanged)")
    clerks = [f"clerk{i}" for i in range(1, DEMO_CLERKS + 1)]
    kept = [u for i, u in enumerate(clerks, 1) if not _add_user(hub, u, "clerk", f"窗口人员{i}", hashed)]
    lines.append(f"  clerk    clerk1 … clerk{DEMO_CLERKS} / {DEMO_PASSWORD}"
                 + (f" (existing, passwords unchanged: {', '.join(kept)})" if kept else ""))
    for kind, name, key in DEMO_DEVICES:
        try:
            create_device(hub, kind=kind, name=name, key=key)
        except ConflictError:
            pass
        lines.append(f"  {kind:<8} {name}: key {key}")
    lines.append(_demo_rating_pad(hub))
    return lines


DEMO_PAD_KEY = "demo-rating-pad-1"


def _demo_rating_pad(hub: Hub) -> str:
    """A 好差评 rating pad facing the visitor at window number 1."""
    from ..feedback.ratings import create_rating_pad

    window = min(hub.center.windows.values(), key=lambda w: w.number)
    name = f"{window.name}评价器"
    try:
        create_rating_pad(hub, name=name, window_id=window.id, key=DEMO_PAD_KEY)
    except ConflictError:
        pass
    return f"  rating_pad {name}: key {DEMO_PAD_KEY}  (/rate/?key={DEMO_PAD_KEY})"
