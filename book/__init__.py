"""The booking page (网上预约): ``/book/``, phone-sized (390×844), Chinese with English.

Pick a matter (the kiosk's search, pinyin included: ``GET /kiosk/matters``), read its
one-time notification of what to bring, pick a day and a slot with what is left, give
name, ID number and phone; get the booking code, its QR code and the slot. ``/book/<token>``
looks a booking up and cancels it. The page only shows what the hub answers: the words
for each refusal code are sent in the page's boot data from ``REFUSALS`` below.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

bp = Blueprint("book", __name__, url_prefix="/book", template_folder="templates",
               static_folder="static")

# What the visitor reads for each refusal of the hub, Chinese and English.
REFUSALS = {
    "slot_full": ("这个时段已约满，请选择其他时段", "This slot is fully booked: please pick another"),
    "slot_unavailable": ("这个时段不能预约（已过、太远或已关闭）",
                         "This slot cannot be booked (past, too far ahead or closed)"),
    "already_booked": ("您当天已有一个预约，每人每天限约一次",
                       "You already hold a booking that day: one a person a day"),
    "booking_blocked": ("因多次预约未到，暂停预约", "Booking is suspended after missed appointments"),
    "invalid_id_number": ("身份证号码有误，请核对18位号码", "The ID number is not valid: check its 18 characters"),
    "unknown_matter": ("该事项不能预约", "This matter cannot be booked"),
    "too_late_to_cancel": ("距预约时段开始不足规定时间，不能取消", "It is too late to cancel this booking"),
    "appointment_not_found": ("没有找到这个预约", "No such booking"),
    "invalid_transition": ("这个预约已签到或已过期，不能取消", "This booking was checked in or missed"),
    "invalid_field": ("请检查填写的内容", "Please check what you typed"),
    "missing_field": ("请填写所有项目", "Please fill in every field"),
    "too_many_requests": ("操作太频繁，请稍后再试", "Too many attempts: please wait a moment"),
    "network": ("网络连接失败，请重试", "Network trouble: please try again"),
}
STATUSES = {
    "booked": ("已预约", "Booked"),
    "checked_in": ("已签到", "Checked in"),
    "cancelled": ("已取消", "Cancelled"),
    "missed": ("已过期（未到）", "Missed"),
}


def _page(token: str | None):
    hub = current_app.extensions["yimen"]
    rules = hub.center.rules.appointments
    boot = {
        "token": token,
        "enabled": rules.enabled,
        "refusals": {code: {"zh": zh, "en": en} for code, (zh, en) in REFUSALS.items()},
        "statuses": {code: {"zh": zh, "en": en} for code, (zh, en) in STATUSES.items()},
        "rules": {"cancel_before_minutes": rules.cancel_before_minutes,
                  "check_in_early_minutes": rules.check_in_early_minutes,
                  "days_ahead": rules.days_ahead},
    }
    response = current_app.make_response(render_template("book/index.html", boot=boot,
                                                         center=hub.center))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
def index():
    return _page(None)


@bp.get("/<token>")
def lookup(token: str):
    return _page(token)
