"""The visitor's live ticket on their phone: ``/t/<token>`` (the QR code on the ticket).

No login: the unguessable token is the key. The first picture is drawn from the ticket
rendered into the page, so a slow connection shows the number at once; then the page
follows ``/ticket`` (``ticket_changed``) and falls back to polling the REST ticket.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for

from rate import choices as rating_choices
from server.api.limits import limited
from server.i18n import LANGUAGE_NAMES, current_language, texts
from server.page_labels import page_labels
from server.queueing.errors import TicketNotFoundError
from server.services.issuing.tickets import get_ticket

bp = Blueprint("phone", __name__, template_folder="templates")

PHONE_TEXTS = (
    "您的号码", "办理事项", "前面还有", "人", "预计等候", "分钟", "小于1分钟", "请到 {window} 号窗口",
    "请到 {window} 号窗口办理",
    "您已被呼叫", "知道了", "请留意叫号", "实时更新", "正在重新连接…", "再次呼叫",
    "暂无窗口办理", "{time} 起办理", "{queue} · {windows} 号窗口办理", "已受理",
    "已转入 {queue} · {windows} 号窗口办理", "将在 {n} 个工作日内办结，办结后通知您领取",
)
RATING_TEXTS = (
    "请对本次服务进行评价", "很抱歉！请告诉我们原因（可多选）", "其他意见（选填）", "提交评价", "返回",
    "感谢您的评价！", "我们将认真核实并整改", "您的评价", "网络连接失败，请重试", "本次服务已评价",
)


@bp.get("/t/<token>")
@limited("read")
def ticket(token: str):
    hub = current_app.extensions["yimen"]
    try:
        view = get_ticket(hub, token) if len(token) <= 128 else None
    except TicketNotFoundError:
        view = None
    if view is None:
        return render_template("phone/missing.html", center=hub.center), 404
    matter = hub.center.matters.get(view["matter_id"])
    return render_template(
        "phone/ticket.html",
        center=hub.center,
        ticket=view,
        matter=matter,
        languages=LANGUAGE_NAMES,
        language=current_language(),
        rating_levels=rating_choices()["levels"],
        rating_reasons=rating_choices()["reasons"],
        page_config={
            "token": token,
            "ticket": view,
            "ticket_url": url_for("api.get_ticket", token=token),
            "time_limit_days": matter.guide.time_limit_days if matter and matter.guide else None,
            "texts": texts(*PHONE_TEXTS, *RATING_TEXTS),
            "labels": page_labels("phone"),
            "rating": {**rating_choices(), "days": hub.center.rules.rating_days,
                       "url": url_for("api.rate_ticket", token=token)},
        },
    )
