/* The panel above one window: its current number and state.
 * It connects to /display with auth {window}: the hub sends window_panel on connect
 * and whenever the window changes (opened, paused, serving, finished), and the call
 * itself arrives at once as ticket_called. The public GET /api/v1/windows/<id>/panel
 * is a slow fallback poll. */
(function () {
  "use strict";

  var config = Yimen.boot("page-config");
  var zh = Yimen.translator(config.texts, "zh");
  var en = Yimen.translator(config.texts, "en");
  var PANEL_PATH = "/windows/" + encodeURIComponent(config.window_id) + "/panel";
  var MIN_REFRESH_MS = 2000;
  var $ = function (id) { return document.getElementById(id); };

  var last = 0, timer = null, inFlight = false;
  var known = { window: { status: "open", clerk: null, paused_reason: null }, current: null };

  function show(panel) {
    known = panel;
    var win = panel.window, cur = panel.current;
    var status = win.status === "open" ? (cur ? cur.status : "idle") : win.status;  // open|paused|closed
    document.body.dataset.status = status;
    $("number").textContent = cur ? cur.number : "——";
    $("clerk").textContent = win.clerk && win.clerk.name ? zh("服务人员") + "：" + win.clerk.name : "";
    var fill = function (text) { return text.replace("{number}", cur ? cur.number : ""); };
    var lines = {
      called: [fill(zh("请 {number} 到本窗口办理")), fill(en("请 {number} 到本窗口办理"))],
      serving: [zh("正在办理"), en("正在办理")],
      idle: [zh("等候叫号"), en("等候叫号")],
      paused: [zh("暂停服务") + (win.paused_reason ? "：" + win.paused_reason : ""), en("暂停服务")],
      closed: [zh("未开放"), en("未开放")]
    }[status] || ["", ""];
    $("status").textContent = lines[0];
    $("status-en").textContent = lines[1];
  }

  function refresh() {
    if (inFlight) { schedule(); return; }
    inFlight = true;
    last = Date.now();
    Yimen.client()("GET", PANEL_PATH)
      .then(show)
      .catch(function () { /* the next event or the slow poll tries again */ })
      .then(function () { inFlight = false; });
  }

  function schedule() {
    if (timer) return;
    var wait = Math.max(0, MIN_REFRESH_MS - (Date.now() - last));
    timer = setTimeout(function () { timer = null; refresh(); }, wait);
  }

  function setLink(name) { document.body.dataset.state = name; }

  function called(call) {
    if (call.window_id !== config.window_id) return;
    document.body.dataset.status = "idle";  // restart the flash
    void document.body.offsetWidth;
    var win = {};
    for (var key in known.window) win[key] = known.window[key];
    win.status = "open";
    show({ window: win, current: { number: call.number, status: "called" } });
  }

  Yimen.live("/display", {
    auth: { zone: config.zone, window: config.window_id }, reconnectionDelay: 1000, retryMs: 5000,
    onLink: function (ok) { setLink(ok ? "live" : "offline"); },
    events: { window_panel: show, ticket_called: called }
  });
  refresh();
  setInterval(refresh, 60000);
})();
