"""The sample ticket shared by the hardware tests (unit and integration)."""

from __future__ import annotations

from datetime import datetime

from hardware.ticket import TicketContent

STATUS_URL = "http://192.0.2.10:8000/t/Xk3f9QmZ2aLp"


def fixed_ticket() -> TicketContent:
    """The ticket used by golden images: change it and the goldens must be redone."""
    return TicketContent(
        center_name="拉萨市城关区政务服务中心",
        number="A023",
        matter_name="不动产登记（二手房转移登记）",
        unit_name="市自然资源局",
        windows=("15号窗口", "16号窗口"),
        ahead=7,
        estimated_wait_s=1260,
        issued_at=datetime(2024, 5, 8, 9, 31, 12),
        status_url=STATUS_URL,
        materials=("身份证", "户口簿", "不动产权证书", "购房合同", "完税证明"),
        header="欢迎光临",
        footer="请留意叫号屏幕与语音提示，过号请重新取号。",
        priority_label="优先",
    )
