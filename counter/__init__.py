"""The counter terminal: the page a clerk works at all day (``/counter/``).

The page logs in over REST, takes a window, sends each action as one REST call and
shows the window as the hub reports it on ``/counter`` (``window_state``). It holds no
rules of its own: what is allowed is decided by the hub (``allowed_actions`` in each
``window_state``), the page only greys out the buttons it does not name and shows the
hub's answer when an action fails. Status names and priority reasons are the hub's
labels (``server.page_labels``).
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from server.i18n import LANGUAGE_NAMES, current_language, texts
from server.page_labels import page_labels
from server.search_keys import pinyin_keys

bp = Blueprint("counter", __name__, url_prefix="/counter", template_folder="templates",
               static_folder="static")

# Every text the page's script shows (the template's own labels go through _()).
SCRIPT_TEXTS = (
    "优先",
    "呼叫", "当前没有办理中的号", "暂无等候", "分钟", "已连接", "正在连接…", "正在重新连接…", "登录已失效，请重新登录",
    "操作失败", "已呼叫 {number}", "已重呼 {number}", "开始办理 {number}", "{number} 已办结",
    "{number} 已标记过号", "{number} 已转到 {queue}", "窗口已暂停", "窗口已恢复", "窗口已开放", "窗口已关闭",
    "取号时间", "已等候",
    "重呼次数", "转移次数", "办理时限", "个工作日", "收费标准", "所需材料", "办理流程", "设立依据", "当场可办",
    "是", "否", "由 {name} 使用", "加载中…",
    "{post}岗", "本月值班：{unit}",
    # receipt.js (办件)
    "办件编号 {case_no}，承诺 {due} 前办结", "受理回执已打印：{case_no}", "回执未打印：{error}",
    # backoffice.js (办件)
    "已超期", "即将到期", "没有在办件", "准予", "不予", "{case_no} 已办结",
)


def queue_keys(center) -> dict[str, str]:
    """queue id → what a clerk may type to find it in the transfer list: its name's full
    pinyin and initials (社保业务 → shebaoyewu sbyw)."""
    return {q.id: " ".join(pinyin_keys(q.name)) for q in center.queues.values()}


@bp.get("/")
def index():
    hub = current_app.extensions["yimen"]
    return render_template(
        "counter/index.html",
        center=hub.center,
        languages=LANGUAGE_NAMES,
        language=current_language(),
        page_config={"texts": texts(*SCRIPT_TEXTS), "labels": page_labels("counter"),
                     "language": current_language(), "queue_keys": queue_keys(hub.center)},
    )
