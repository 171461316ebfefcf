"""Demo users and devices for ``run.py --demo``: fixed, printed credentials for trying it out."""

from __future__ import annotations

from .accounts import create_device, set_user_password
from .errors import ConflictError
from .hub import Hub

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


def seed_demo(hub: Hub) -> list[str]:
    """Create (or reset) the demo accounts and devices; return lines describing them."""
    lines = []
    for username, role, name in DEMO_USERS:
        set_user_password(hub, username, DEMO_PASSWORD, role=role, name=name)
        lines.append(f"  {role:<8} {username} / {DEMO_PASSWORD}")
    for i in range(1, DEMO_CLERKS + 1):
        username = f"clerk{i}"
        set_user_password(hub, username, DEMO_PASSWORD, role="clerk", name=f"窗口人员{i}")
    lines.append(f"  clerk    clerk1 … clerk{DEMO_CLERKS} / {DEMO_PASSWORD}")
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
    from .ratings import create_rating_pad

    window = min(hub.center.windows.values(), key=lambda w: w.number)
    name = f"{window.name}评价器"
    try:
        create_rating_pad(hub, name=name, window_id=window.id, key=DEMO_PAD_KEY)
    except ConflictError:
        pass
    return f"  rating_pad {name}: key {DEMO_PAD_KEY}  (/rate/?key={DEMO_PAD_KEY})"
