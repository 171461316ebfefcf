"""The labels pages show, defined once: status names, priority reasons, unit groups,
printer problems with their severity. Each is a Chinese msgid, translated for the
request's language by the one i18n layer (``server.i18n``), and handed to page scripts
in their boot data and by ``GET /api/v1/pages/<page>/config``. A page script never
spells these out itself: it looks a code up in ``labels``.
"""

from __future__ import annotations

from flask_babel import gettext

from hardware.printer_health import PROBLEM_LEVELS
from server.queueing.cases import CaseResult, CaseStatus
from server.queueing.ratings import BAD_REASONS, LEVEL_NAMES
from server.queueing.rectification import RectificationStatus
from server.queueing.tickets import Outcome, TicketStatus
from server.queueing.windows import WindowStatus

TICKET_STATUS_NAMES: dict[str, str] = {
    TicketStatus.WAITING: "等候中",
    TicketStatus.CALLED: "已呼叫",
    TicketStatus.SERVING: "正在办理",
    TicketStatus.DONE: "已办结",
    TicketStatus.NO_SHOW: "已过号",
    TicketStatus.CANCELLED: "已取消",
}
OUTCOME_NAMES: dict[str, str] = {
    Outcome.COMPLETED: "当场办结",
    Outcome.ACCEPTED: "已受理，转后台办理",
    Outcome.RETURNED: "材料退回",
}
# 办件: a case's status and its result.
CASE_STATUS_NAMES: dict[str, str] = {
    CaseStatus.IN_PROGRESS: "后台办理中",
    CaseStatus.DECIDED: "已出结果，可领取",
    CaseStatus.PICKED_UP: "已领取",
}
CASE_RESULT_NAMES: dict[str, str] = {CaseResult.APPROVED: "准予许可", CaseResult.REJECTED: "不予许可"}
# 好差评: the five levels (GB/T 39734-2020), the reasons of a bad rating, where it came
# from; the rectification's statuses and the steps of its history.
RATING_LEVEL_NAMES: dict[str, str] = {str(level): zh for level, (zh, _en) in LEVEL_NAMES.items()}
RATING_REASON_NAMES: dict[str, str] = {code: zh for code, (zh, _en) in BAD_REASONS.items()}
RATING_CHANNEL_NAMES: dict[str, str] = {"pad": "评价器", "phone": "手机", "partner": "平台"}
RECTIFICATION_STATUS_NAMES: dict[str, str] = {
    RectificationStatus.OPEN: "待核实",
    RectificationStatus.RECTIFYING: "整改中",
    RectificationStatus.APPEALED: "申诉中",
    RectificationStatus.OVERTURNED: "已撤销",
    RectificationStatus.RECTIFIED: "已整改",
    RectificationStatus.CLOSED: "已办结",
}
RECTIFICATION_STEP_NAMES: dict[str, str] = {
    "opened": "创建", "verify": "核实", "review": "复核", "rectify": "整改", "callback": "回访",
}
WINDOW_STATUS_NAMES: dict[str, str] = {
    WindowStatus.OPEN: "开放中",
    WindowStatus.PAUSED: "暂停中",
    WindowStatus.CLOSED: "未开放",
}
PRIORITY_REASON_NAMES: dict[str, str] = {
    "elderly": "老年人", "disabled": "残疾人", "pregnant": "孕妇", "military": "军人",
}
# A window on the managers' hall floor (``services.dashboard``).
FLOOR_STATE_NAMES: dict[str, str] = {
    "serving": "办理中", "called": "已叫号", "idle": "空闲", "paused": "暂停",
    "unattended": "无人值守", "closed": "关闭",
}
# What a refusal of the hub (its error code, docs/contract.md "Errors") means to the staff
# who meet it, at the counter and on the manager's page: the hub's own message is English
# for support and logs, and a page in Chinese never shows it. A code not here is shown as
# "操作失败" with the code, which support can look up.
STAFF_ERROR_NAMES: dict[str, str] = {
    "network": "网络连接失败，请重试",
    "bad_json": "请求格式有误", "bad_request": "请求格式有误",
    "missing_field": "有必填项未填写", "invalid_field": "填写的内容有误",
    "invalid_outcome": "办理结果无效", "invalid_date": "日期无效", "invalid_range": "日期范围无效",
    "invalid_csv": "CSV 文件格式有误", "payload_too_large": "提交的内容过大",
    "unauthorized": "登录已失效，请重新登录", "invalid_token": "登录已失效，请重新登录",
    "invalid_credentials": "用户名或密码错误",
    "invalid_device_key": "设备密钥无效", "device_disabled": "设备已停用",
    "too_many_attempts": "密码错误次数过多，请 5 分钟后再试",
    "forbidden": "您没有此操作的权限", "rate_limited": "操作过于频繁，请稍后再试",
    "not_found": "未找到", "ticket_not_found": "未找到该号票", "unknown_window": "未找到该窗口",
    "unknown_zone": "未找到该区域", "unknown_user": "未找到该用户", "unknown_device": "未找到该设备",
    "unknown_unit": "未找到该部门", "unknown_matter": "未找到该事项", "unknown_queue": "未找到该队列",
    "rectification_not_found": "未找到该整改", "case_not_found": "未找到该办件",
    "appointment_not_found": "未找到该预约", "alert_not_found": "未找到该告警",
    "block_not_found": "未找到该预约限制",
    "queue_empty": "当前没有等候的号", "window_busy": "请先处理当前的号",
    "window_taken": "该窗口已由其他人员使用", "not_window_clerk": "您不是该窗口的办理人员",
    "window_paused": "窗口已暂停，请先恢复", "window_closed": "窗口未开放",
    "not_posted_here": "您不在该窗口的 A/B 岗", "not_on_duty": "本月不是您单位值班",
    "not_this_window": "不是本窗口的号",
    "no_current_ticket": "窗口当前没有号", "invalid_transition": "当前状态不允许此操作",
    "user_exists": "该用户名已存在", "device_exists": "该设备已存在",
    "cannot_disable_self": "不能停用自己的账号",
    "already_rated": "已经评价过", "not_rateable": "该号不能评价",
    "priority_not_allowed": "该事项不允许此优先类别",
    "case_not_ready": "办件尚未出结果", "case_picked_up": "办件已领取",
    "slot_full": "该时段已约满", "slot_unavailable": "该时段不可预约",
    "already_booked": "当天已有预约", "booking_blocked": "预约已被限制",
    "too_late_to_cancel": "已过取消时限",
    "bad_center": "中心配置有误", "center_update_refused": "中心配置不能这样修改",
    "bad_announcement": "公告内容有误", "no_printer": "没有可用的打印机",
    "database_unavailable": "数据库暂时无法连接，请稍后重试", "internal_error": "系统内部错误",
    "partner_secret_unreadable": "无法读取合作平台密钥",
}
# The counter says some of them in its clerk's own terms.
COUNTER_ERROR_NAMES: dict[str, str] = {
    **STAFF_ERROR_NAMES,
    "invalid_transition": "该号已被其他窗口呼叫",
}
# Departments by how they sit in the hall: a one-character mark, a name and a hint.
UNIT_GROUP_NAMES: dict[str, tuple[str, str, str]] = {
    "whole_unit": ("整", "整建制进驻", "社保、公积金、司法等部门整体进驻"),
    "standalone": ("独", "独立窗口", "公安、人社、税务、市场监管等"),
    "county": ("县", "县级窗口", "县直部门和乡镇"),
    "enterprise": ("企", "企业服务", "水电暖、通信、银行等"),
    "comprehensive": ("综", "综合窗口", "多个部门共用的综合受理窗口"),
}
# 电子监察: what each kind of supervision finding is called (``queueing.supervision.KINDS``).
SUPERVISION_KIND_NAMES: dict[str, str] = {
    "window_unattended": "窗口无人值守", "quick_no_show": "刷号", "long_wait": "等候超时",
    "transfer_loop": "多次转办", "case_overdue": "办件超期", "rectification_overdue": "整改逾期",
}
# The provincial platform's webhooks (``repositories/outbox.py``) and their delivery.
WEBHOOK_TYPE_NAMES: dict[str, str] = {
    "ticket.changed": "号票变更", "appointment.changed": "预约变更", "case.changed": "办件变更",
    "rating.created": "新评价",
}
DELIVERY_STATUS_NAMES: dict[str, str] = {"pending": "待推送", "delivered": "已送达", "dead": "已停止重试"}
# What a printer problem (``printer_health.problem_of``) is called on a page; its
# severity is ``printer_health.PROBLEM_LEVELS``.
PRINTER_PROBLEM_NAMES: dict[str, str] = {
    "paper_out": "打印机缺纸",
    "cover_open": "打印机纸仓盖未关",
    "offline": "打印机离线",
    "print_failed": "打印失败",
    "paper_near_end": "打印机纸将用尽",
    "no_status": "打印机状态未知",
}


# The tables that map a code to one name, by the name pages know them by.
NAMED: dict[str, dict[str, str]] = {
    "ticket_statuses": TICKET_STATUS_NAMES,
    "outcomes": OUTCOME_NAMES,
    "window_statuses": WINDOW_STATUS_NAMES,
    "case_statuses": CASE_STATUS_NAMES,
    "case_results": CASE_RESULT_NAMES,
    "priority_reasons": PRIORITY_REASON_NAMES,
    "floor_states": FLOOR_STATE_NAMES,
    "errors": COUNTER_ERROR_NAMES,
    "staff_errors": STAFF_ERROR_NAMES,
    "supervision_kinds": SUPERVISION_KIND_NAMES,
    "rating_levels": RATING_LEVEL_NAMES,
    "rating_reasons": RATING_REASON_NAMES,
    "rating_channels": RATING_CHANNEL_NAMES,
    "rectification_statuses": RECTIFICATION_STATUS_NAMES,
    "rectification_steps": RECTIFICATION_STEP_NAMES,
    "webhook_types": WEBHOOK_TYPE_NAMES,
    "delivery_statuses": DELIVERY_STATUS_NAMES,
}


def _translated(names: dict[str, str]):
    return lambda: {code: gettext(name) for code, name in names.items()}


def _tables() -> dict:
    tables = {table: _translated(names) for table, names in NAMED.items()}
    tables["unit_groups"] = lambda: [{"id": c, "mark": mark, "name": gettext(name), "hint": gettext(hint)}
                                     for c, (mark, name, hint) in UNIT_GROUP_NAMES.items()]
    tables["printer_problems"] = lambda: {c: {"label": gettext(n), "level": PROBLEM_LEVELS[c]}
                                          for c, n in PRINTER_PROBLEM_NAMES.items()}
    return tables


# Which tables each page uses (the phone page stays light on a slow connection).
PAGE_LABELS: dict[str, tuple[str, ...]] = {
    "kiosk": ("priority_reasons", "unit_groups", "printer_problems"),
    "counter": ("ticket_statuses", "outcomes", "window_statuses", "priority_reasons", "errors",
                "case_statuses"),
    "display": (),  # the hall screens' phrases are their own bilingual texts
    "phone": ("ticket_statuses", "outcomes", "case_statuses"),
    "manager": ("ticket_statuses", "outcomes", "window_statuses", "priority_reasons", "unit_groups",
                "printer_problems", "floor_states", "case_statuses", "case_results", "supervision_kinds",
                "rating_levels", "rating_reasons", "rating_channels", "rectification_statuses",
                "rectification_steps", "webhook_types", "delivery_statuses", "staff_errors"),
}


def page_labels(page: str) -> dict:
    """The label tables ``page`` uses, in the request's (or the forced) language."""
    tables = _tables()
    return {name: tables[name]() for name in PAGE_LABELS[page]}


def msgids() -> tuple[str, ...]:
    """Every msgid above, for the catalog check."""
    return (*(name for names in NAMED.values() for name in names.values()),
            *(text for _, name, hint in UNIT_GROUP_NAMES.values() for text in (name, hint)),
            *PRINTER_PROBLEM_NAMES.values())
