"""Texts of the manager page's bookings tab (预约, bookings.js), as msgids."""

BOOKING_TEXTS = (
    "预约", "预约数", "待签到", "已签到", "爽约", "已取消", "预约者平均等候", "现场取号平均等候",
    "当日没有预约",
)
