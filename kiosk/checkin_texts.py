"""The texts of the kiosk's check-in screens (我有预约, checkin.js and checkin.html), as
Chinese msgids; translations in ``kiosk/translations/<lang>/LC_MESSAGES/messages.po``."""

CHECKIN_TEXTS: tuple[str, ...] = (
    "我有预约",
    "凭预约码或身份证号签到",
    "预约签到",
    "请输入预约码或身份证号，或扫描预约二维码",
    "返回首页",
    "签到取号",
    "预约时段 {slot}",
    "预约时段开始后优先叫号",
    # refusals (with the time from the answer's details)
    "没有找到这个预约",
    "签到时间未到",
    "预约已过期，请普通取号",
    "身份证号码有误",
    "请输入预约码或身份证号",
    "网络连接失败，请重试",
    "签到时间未到，{time} 起可签到",
    "签到时间未到，{month}月{day}日 {time} 起可签到",
    "预约时段已于 {time} 结束，请普通取号",
)
