"""The rating pad (好差评评价器): ``/rate/?key=...``, a tablet facing the visitor at one window.

It sits idle showing the window and the clerk on duty (name and staff number); when the
window finishes a ticket the hub sends ``rating_requested`` on ``/rating`` and the pad
shows five faces; a bad choice asks for reasons; then thanks, then idle again. A timeout
or the window's next call (``rating_closed``) closes the request unrated. Everything is
shown in Chinese and English at once; labels and levels come from the hub.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from display import bilingual
from server.queueing.ratings import BAD, BAD_REASONS, LEVEL_NAMES, LEVELS
from server.services.accounts.users import authenticate_device
from server.services.errors import ServiceError
from server.services.feedback.ratings import PAD_KIND, pad_window

bp = Blueprint("rate", __name__, url_prefix="/rate", template_folder="templates",
               static_folder="static")

PAD_TEXTS = (
    "好差评", "号窗口", "工作人员", "工号", "办理完毕后，请对我们的服务进行评价", "本窗口暂停服务",
    "请对本次服务进行评价", "办理事项", "很抱歉！请告诉我们原因（可多选）", "其他意见（选填）",
    "提交评价", "返回", "感谢您的评价！", "我们将认真核实并整改", "本次服务已评价", "网络连接失败，请重试",
    "正在重新连接…", "评价器未登记，请联系管理员", "秒后自动关闭",
)
THANKS_S = 6  # the thank-you stays this long
REASONS_IDLE_S = 60  # the reasons screen closes unanswered after this long without a touch


def choices() -> dict:
    """The five levels (5 first) and the reasons of a bad rating, each in zh and en."""
    return {
        "levels": [{"level": lv, "zh": LEVEL_NAMES[lv][0], "en": LEVEL_NAMES[lv][1],
                    "bad": lv in BAD} for lv in LEVELS],
        "reasons": [{"code": code, "zh": zh, "en": en} for code, (zh, en) in BAD_REASONS.items()],
    }


@bp.get("/")
def index():
    hub = current_app.extensions["yimen"]
    key = request.args.get("key", "")
    problem = None
    try:
        pad_window(hub, authenticate_device(hub, key, kind=PAD_KIND))
    except ServiceError:
        problem = "评价器未登记，请联系管理员"
    boot = {"key": key, "texts": bilingual(PAD_TEXTS, context="rate"), "thanks_s": THANKS_S,
            "reasons_idle_s": REASONS_IDLE_S, **choices()}
    response = current_app.make_response(render_template(
        "rate/pad.html", boot=boot, center=hub.center, problem=problem, levels=boot["levels"]))
    response.headers["Cache-Control"] = "no-store"
    return response
