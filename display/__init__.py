"""The hall display pages: the hall screen (whole hall or one zone), the panel above a
window. The announcement audio they play comes from ``/api/v1/announce``.

The pages only read: they take their first picture from the ``/display`` Socket.IO
snapshot (``hall_state``) or a public REST call, then follow the live events.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext, pgettext

bp = Blueprint("display", __name__, url_prefix="/display", template_folder="templates",
               static_folder="static")

# Every text the hall screen's script shows, each in Chinese and English at once.
HALL_TEXTS = (
    "号窗口", "请 {number} 号到 {window} 号窗口", "暂无呼叫", "无需等候", "小于1分钟", "分钟",
    "第 {page} / {pages} 页", "已连接", "正在重新连接…", "其余 {count} 项业务无需等候",
    "暂无窗口办理", "{time} 起办理",
)
PANEL_TEXTS = (
    "请 {number} 到本窗口办理", "正在办理", "等候叫号", "暂停服务", "未开放", "服务人员",
    "正在重新连接…", "再次呼叫",
)


def bilingual(msgids, context: str | None = None) -> dict[str, dict[str, str]]:
    """msgid → {zh, en}: the hall screens show both languages side by side. ``context``
    (a page's ``msgctxt``) is looked up first, as ``server.i18n.texts`` does."""
    out: dict[str, dict[str, str]] = {m: {} for m in msgids}
    for lang in ("zh", "en"):
        with force_locale(lang):
            for msgid in msgids:
                text = pgettext(context, msgid) if context else msgid
                out[msgid][lang] = text if text != msgid else gettext(msgid)
    return out


def _hub():
    return current_app.extensions["yimen"]


@bp.app_template_global()
def english(msgid: str) -> str:
    """The English of a msgid, for the second line of a bilingual label."""
    with force_locale("en"):
        return gettext(msgid)


# --- pages -------------------------------------------------------------------------------
@bp.get("/")
def hall():
    return _hall_page(None)


@bp.get("/<zone_id>")
def zone(zone_id: str):
    if zone_id not in _hub().center.zones:
        abort(404)
    return _hall_page(zone_id)


def _hall_page(zone_id: str | None):
    center = _hub().center
    zone = center.zones.get(zone_id) if zone_id else None
    with force_locale("zh"):  # the hall's language, whatever the browser says
        return _render_hall(center, zone, zone_id)


def _render_hall(center, zone, zone_id: str | None):
    return render_template(
        "display/hall.html",
        center=center,
        zone=zone,
        page_config={
            "zone": zone_id,
            "timezone": center.timezone,
            "texts": bilingual(HALL_TEXTS),
            "announce_url": url_for("api.announce"),
        },
    )


@bp.get("/window/<window_id>")
def window_panel(window_id: str):
    center = _hub().center
    window = center.windows.get(window_id)
    if window is None:
        abort(404)
    with force_locale("zh"):
        return _render_panel(center, window)


def _render_panel(center, window):
    return render_template(
        "display/panel.html",
        center=center,
        window=window,
        page_config={
            "window_id": window.id,
            "window_number": window.number,
            "zone": window.zone_id,
            "texts": bilingual(PANEL_TEXTS),
        },
    )


# --- the old announcement address -------------------------------------------------------
@bp.get("/announce")
def announce():
    """Moved to ``/api/v1/announce``; a hall screen loaded before an upgrade keeps its
    old address until it reloads, so this one stays as a redirect."""
    return redirect(url_for("api.announce", **request.args), code=308)
