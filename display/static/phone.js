/* The visitor's live ticket. Draws the ticket rendered into the page at once, then
 * follows /ticket (ticket_changed); while the socket is down it polls the REST ticket.
 * When called: a full-screen "go to window N" notice, with vibration where allowed. */
(function () {
  "use strict";

  var config = Yimen.boot("page-config");
  var t = Yimen.translator(config.texts);
  var label = Yimen.labeller(config.labels);   // status and outcome names: the hub's
  var POLL_MS = 20000;
  var $ = function (id) { return document.getElementById(id); };
  var ticket = null;
  var noticeKey = null;   // the call the notice was last shown for
  var live = false;

  function waitParts(seconds) {
    var minutes = Math.round((seconds || 0) / 60);
    return minutes < 1 ? [t("小于1分钟"), ""] : [String(minutes), t("分钟")];
  }

  function render(next) {
    ticket = next;
    document.body.dataset.status = next.status;
    $("number").textContent = next.number;
    var accepted = next.status === "done" && next.outcome === "accepted";
    var status = label("ticket_statuses", next.status);
    if (next.status === "done" && next.outcome) status += " · " + label("outcomes", next.outcome);
    $("status").textContent = accepted ? t("已受理") : status;   // accepted is not done: the back office works on
    $("accepted-line").hidden = !accepted;
    $("accepted-line").textContent = accepted
      ? (config.time_limit_days ? t("将在 {n} 个工作日内办结，办结后通知您领取", { n: config.time_limit_days }) : "")
      : "";
    document.body.dataset.outcome = next.outcome || "";
    // which windows serve the visitor while waiting; after a transfer, the new queue's
    var waiting = next.status === "waiting";
    var servedBy = waiting && next.queue_name && next.queue_window_range
      ? t("{queue} · {windows} 号窗口办理", { queue: next.queue_name, windows: next.queue_window_range }) : "";
    if (servedBy && next.transfers) {
      servedBy = t("已转入 {queue} · {windows} 号窗口办理", { queue: next.queue_name, windows: next.queue_window_range });
    }
    $("served-by").textContent = servedBy;
    $("served-by").hidden = !servedBy;
    $("ahead").textContent = next.ahead;
    var opens = Yimen.opening(next.next_opening);
    var wait = next.no_window_open
      ? [t("暂无窗口办理"), opens ? t("{time} 起办理", { time: opens }) : ""] : waitParts(next.estimated_wait_s);
    $("wait").textContent = wait[0];
    $("wait").classList.toggle("closed", !!next.no_window_open);
    $("wait-unit").textContent = wait[1];
    var line = $("called-line");
    if ((next.status === "called" || next.status === "serving") && next.window_number) {
      line.hidden = false;
      line.textContent = t("请到 {window} 号窗口办理", { window: next.window_number });
    } else {
      line.hidden = true;
    }
    if (window.yimenRating) window.yimenRating(next);
    if (window.yimenCase) window.yimenCase(next);
    if (next.status === "called") {
      var key = next.called_at + "|" + next.window_id + "|" + next.recalls;
      if (key !== noticeKey) notify(next, key);
    } else {
      $("called").hidden = true;
    }
  }

  function notify(next, key) {
    noticeKey = key;
    $("called-number").textContent = next.number;
    var parts = t("请到 {window} 号窗口").split("{window}");
    var go = $("called-go");
    go.textContent = "";
    go.appendChild(document.createTextNode(parts[0] || ""));
    var big = document.createElement("b");
    big.id = "called-window";
    big.textContent = next.window_number;
    go.appendChild(big);
    go.appendChild(document.createTextNode(parts[1] || ""));
    $("called").hidden = false;
    document.title = "🔔 " + next.number + " → " + next.window_number;
    try { if (navigator.vibrate) navigator.vibrate([400, 150, 400, 150, 800]); } catch (e) { /* not allowed */ }
  }

  $("called-ok").addEventListener("click", function () { $("called").hidden = true; });

  function poll() {
    if (live) return;
    Yimen.client()("GET", config.ticket_url, undefined, { base: "" })
      .then(function (data) { if (data && !live) render(data); })
      .catch(function () { /* offline for now */ });
  }
  setInterval(poll, POLL_MS);

  function setLink(ok) {
    live = ok;
    document.body.dataset.live = ok ? "1" : "0";
    $("link").textContent = ok ? t("实时更新") : t("正在重新连接…");
  }

  /* The socket.io client comes deferred (the page is drawn first, on a slow line too);
   * deferred scripts have run by DOMContentLoaded. */
  function goLive() {
    if (!window.io) return;   // the client did not load: the slow poll carries on
    Yimen.live("/ticket", {
      auth: { token: config.token }, reconnectionDelay: 1000, reconnectionDelayMax: 10000, retryMs: 15000,
      onLink: setLink, events: { ticket_changed: render }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", goLive);
  else goLive();

  render(config.ticket);
})();
