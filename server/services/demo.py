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
    return lines
