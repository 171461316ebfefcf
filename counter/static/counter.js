/* The counter terminal. REST for every action, /counter (window_state) for the truth.
 * The hub decides what the clerk may do (window_state.allowed_actions); the page
 * enables only those buttons. One request at a time: while an action is in flight
 * every action button is disabled and shortcuts are ignored, so a double click never
 * calls twice. Over 300 lines: it is all drawing and input for one screen, with no
 * rules of its own; the shared part (REST, texts, Socket.IO) is server/static/yimen-client.js. */
(function () {
  "use strict";

  var config = Yimen.boot("page-config");
  var t = Yimen.translator(config.texts);
  var label = Yimen.labeller(config.labels);   // status names, priority reasons: the hub's
  var refused = Yimen.refusal(config.labels.errors, t);  // a refusal in the page's language
  var local = Yimen.localName(config.language);  // the center file's names, in English where it has them
  var esc = Yimen.esc;
  var TOKEN_KEY = "yimen.counter.token";
  var WINDOW_KEY = "yimen.counter.window";   // the window this terminal stands at (kept across logins)
  var $ = function (id) { return document.getElementById(id); };
  var S = {
    token: sessionStorage.getItem(TOKEN_KEY),
    user: null,
    center: null,
    windowId: null,
    state: null,       // the last window_state
    busy: false,
    socket: null
  };
  window.yimenCounter = S;  // for tests and for support staff looking at a terminal

  // --- REST (errors arrive as {status, code, message}) --------------------------------------
  var api = Yimen.client(function () { return S.token ? { Authorization: "Bearer " + S.token } : {}; });

  // --- messages -----------------------------------------------------------------------------
  var messageTimer = null;
  function say(text, kind) {
    var box = $("message");
    box.textContent = text;
    box.className = "message " + (kind || "ok");
    box.hidden = false;
    clearTimeout(messageTimer);
    messageTimer = setTimeout(function () { box.hidden = true; }, kind === "error" ? 9000 : 3500);
  }
  function sayError(error) {
    if (error.status === 401) { signOut(t("登录已失效，请重新登录")); return; }
    say(refused(error), "error");
  }

  // --- views -------------------------------------------------------------------------------
  function show(view) {
    document.body.dataset.view = view;
    $("user-name").textContent = S.user ? (S.user.name || "") : "";
  }

  function signOut(reason) {
    if (S.socket) { S.socket.stop(); S.socket = null; }
    setLink("idle");
    S.token = null; S.user = null; S.windowId = null; S.state = null; S.awaiting = false; S.pressed = null;
    sessionStorage.removeItem(TOKEN_KEY);
    $("window-title").textContent = "";
    show("login");
    if (reason) say(reason, "error");
    $("password").value = "";
    $("username").focus();
  }

  $("login-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var button = $("login-button");
    if (button.disabled) return;
    button.disabled = true;
    api("POST", "/auth/login", { username: $("username").value.trim(), password: $("password").value })
      .then(function (data) {
        S.token = data.token;
        sessionStorage.setItem(TOKEN_KEY, data.token);
        return afterLogin();
      })
      .catch(sayError)
      .then(function () { button.disabled = false; });
  });

  function afterLogin() {
    return api("GET", "/auth/me").then(function (me) {
      S.user = me;
      return pickWindow();
    });
  }

  // --- choosing a window ---------------------------------------------------------------
  function pickWindow() {
    show("pick");
    return api("GET", "/windows").then(function (windows) {
      var mine = windows.filter(function (w) { return w.clerk && w.clerk.id === S.user.id; });
      if (mine.length) return enterWindow(mine[0].id);  // already at a window: back to work
      renderWindowGrid(windows);
    });
  }

  function renderWindowGrid(windows) {
    var last = localStorage.getItem(WINDOW_KEY);
    var byZone = {};
    S.center.zones.forEach(function (z) { byZone[z.id] = []; });
    windows.forEach(function (w) { (byZone[w.zone_id] = byZone[w.zone_id] || []).push(w); });
    var html = "";
    S.center.zones.forEach(function (zone) {
      html += '<h2>' + esc(local(zone)) + "</h2><div class=\"grid\">";
      byZone[zone.id].forEach(function (w) {
        var taken = w.status !== "closed" && w.clerk && w.clerk.id !== S.user.id;
        var queues = w.queue_ids.map(function (id) { return S.queues[id] ? local(S.queues[id]) : id; }).join("、");
        html += '<button type="button" class="win-tile ' + w.status + (w.id === last ? " last" : "") + '" data-window="' +
          esc(w.id) + '"' + (taken ? " disabled" : "") + '><b>' + esc(w.number) + "</b><span class=\"q\">" + esc(queues) +
          "</span><span class=\"s\">" + (taken ? esc(t("由 {name} 使用", { name: w.clerk.name || "" })) : esc(label("window_statuses", w.status))) +
          "</span></button>";
      });
      html += "</div>";
    });
    $("window-grid").innerHTML = html;
    var lastTile = $("window-grid").querySelector(".win-tile.last:not([disabled])");
    if (lastTile) lastTile.focus();
  }

  $("window-grid").addEventListener("click", function (event) {
    var tile = event.target.closest(".win-tile");
    if (!tile || tile.disabled || S.busy) return;
    S.busy = true;
    var id = tile.dataset.window;
    api("POST", "/windows/" + encodeURIComponent(id) + "/open")
      .then(function () { say(t("窗口已开放")); return enterWindow(id); })
      .catch(function (error) { sayError(error); return pickWindow(); })
      .then(function () { S.busy = false; });
  });

  function enterWindow(id) {
    S.windowId = id;
    localStorage.setItem(WINDOW_KEY, id);
    S.state = null; S.awaiting = false; S.pressed = null;
    show("work");
    render();
    connect();
    refreshCounts();
  }

  // --- the live window --------------------------------------------------------------------
  function connect() {
    if (S.socket) S.socket.stop();
    setLink("connecting");
    var socket = Yimen.live("/counter", {
      auth: function () { return { token: S.token, window_id: S.windowId }; },
      reconnectionDelayMax: 3000, retryMs: 3000,
      onLink: function (ok) { setLink(ok); if (ok) refreshCounts(); },
      // refused by the hub: a dead token means logging in again, anything else retry
      onRefused: function () {
        return api("GET", "/auth/me").then(function () { return S.socket === socket; }, function (error) {
          if (error.status !== 401) return S.socket === socket;
          signOut(t("登录已失效，请重新登录"));
          return false;
        });
      },
      events: {
        window_state: function (state) {
          if (S.socket !== socket || !state || !state.window || state.window.id !== S.windowId) return;
          arrived(state);
        }
      }
    });
    S.socket = socket;
  }

  /* A window_state from the hub: draw it, then do the key pressed while it was awaited. */
  function arrived(state) {
    S.state = state;
    S.awaiting = false;
    clearTimeout(S.refreshTimer);
    render();
    var pressed = S.pressed;
    S.pressed = null;
    if (pressed) press(pressed);
  }

  /* After an action the hub's next window_state says what may follow; should it not come
   * (the socket is down), ask for the window over REST. */
  function awaitState() {
    S.awaiting = true;
    clearTimeout(S.refreshTimer);
    var windowId = S.windowId;
    var socketUp = S.socket && S.socket.connected;
    S.refreshTimer = setTimeout(function () {
      if (!windowId || windowId !== S.windowId) return;
      api("GET", "/windows/" + encodeURIComponent(windowId)).then(function (state) {
        if (windowId === S.windowId && S.awaiting) arrived(state);
      }, function () { /* the socket's snapshot will come on reconnect */ });
    }, socketUp ? 1000 : 0);
  }

  /* "idle" before any connection was tried (the login and window screens), "connecting"
   * while the first try runs, then "live", or "offline" once a try has failed. */
  function setLink(ok) {
    var name = ok === true ? "live" : ok === false ? "offline" : ok;
    document.body.dataset.state = name;
    $("link-text").textContent = { live: t("已连接"), offline: t("正在重新连接…"), connecting: t("正在连接…") }[name] || "";
  }

  function refreshCounts() {
    if (!S.token) return;
    api("GET", "/auth/me/today").then(function (counts) {
      ["called", "finished", "completed", "accepted", "returned", "no_show", "transferred"].forEach(function (key) {
        $("count-" + key).textContent = counts[key] || 0;
      });
    }, function () { /* counts are a convenience; the next action retries */ });
  }

  function minutesBetween(from, to) {
    if (!from) return null;
    return Math.max(0, Math.round(((to ? Date.parse(to) : Date.now()) - Date.parse(from)) / 60000));
  }
  function clock(iso) { return iso ? iso.slice(11, 16) : ""; }

  function render() {
    var state = S.state;
    var win = state && state.window;
    var centerWindow = S.center.windows.filter(function (w) { return w.id === S.windowId; })[0];
    var post = win && win.clerk && win.clerk.post;
    var dutyUnit = win && win.duty_unit && S.center.units.filter(function (u) { return u.id === win.duty_unit; })[0];
    $("window-title").innerHTML = centerWindow
      ? "<b>" + esc(local(centerWindow)) + "</b><span class=\"wstatus " + esc(win ? win.status : "") + "\">" +
        esc(win ? label("window_statuses", win.status) : t("加载中…")) + "</span>" +
        (post ? "<span class=\"wpost\">" + esc(t("{post}岗", { post: post })) + "</span>" : "") +
        (dutyUnit ? "<span class=\"wduty\">" + esc(t("本月值班：{unit}", { unit: local(dutyUnit) })) + "</span>" : "")
      : "";
    renderCurrent(state ? state.current : null);
    renderWaiting(state ? state.waiting : []);
    var paused = win && win.status === "paused";
    $("paused-banner").hidden = !paused;
    if (paused) $("paused-banner").textContent = t("窗口已暂停") + (win.paused_reason ? "：" + win.paused_reason : "");
    document.body.dataset.window = win ? win.status : "";
    document.body.dataset.current = state && state.current ? state.current.status : "";
    updateButtons();
  }

  function renderCurrent(ticket) {
    var card = $("current");
    card.dataset.status = ticket ? ticket.status : "";
    $("current-number").textContent = ticket ? ticket.number : "——";
    $("current-status").textContent = ticket ? label("ticket_statuses", ticket.status) : t("当前没有办理中的号");
    $("current-matter").textContent = ticket ? (ticket.matter_name || ticket.matter_id) : "";
    var facts = "";
    if (ticket) {
      if (ticket.priority > 0) {
        facts += "<dt>" + esc(t("优先")) + "</dt><dd class=\"prio\">★ " + esc(ticket.priority_reason ? label("priority_reasons", ticket.priority_reason) : t("是")) + "</dd>";
      }
      if (ticket.appointment) facts += "<dt>" + esc(t("预约")) + "</dt><dd class=\"appt\">" + esc(ticket.appointment.code + " · " + clock(ticket.appointment.start) + "–" + clock(ticket.appointment.end)) + "</dd>";
      facts += "<dt>" + esc(t("取号时间")) + "</dt><dd>" + esc(clock(ticket.issued_at)) + "</dd>";
      facts += "<dt>" + esc(t("已等候")) + "</dt><dd>" + esc(minutesBetween(ticket.issued_at, ticket.called_at)) + " " + esc(t("分钟")) + "</dd>";
      if (ticket.recalls) facts += "<dt>" + esc(t("重呼次数")) + "</dt><dd>" + esc(ticket.recalls) + "</dd>";
      if (ticket.transfers) facts += "<dt>" + esc(t("转移次数")) + "</dt><dd>" + esc(ticket.transfers) + "</dd>";
    }
    $("current-facts").innerHTML = facts;
    renderGuide(ticket ? S.matters[ticket.matter_id] : null);
  }

  function renderGuide(matter) {
    var box = $("guide");
    if (!matter || !matter.guide) { box.innerHTML = ""; return; }
    var g = matter.guide, html = "<h3>" + esc(local(matter)) + "</h3><dl>";
    if (g.time_limit_days) html += "<dt>" + esc(t("办理时限")) + "</dt><dd>" + esc(g.time_limit_days) + " " + esc(t("个工作日")) + "</dd>";
    if (g.on_the_spot !== undefined && g.on_the_spot !== null) html += "<dt>" + esc(t("当场可办")) + "</dt><dd>" + esc(t(g.on_the_spot ? "是" : "否")) + "</dd>";
    if (g.fees) html += "<dt>" + esc(t("收费标准")) + "</dt><dd>" + esc(g.fees) + "</dd>";
    if (g.basis) html += "<dt>" + esc(t("设立依据")) + "</dt><dd>" + esc(g.basis) + "</dd>";
    html += "</dl>";
    if (g.materials && g.materials.length) {
      html += "<h4>" + esc(t("所需材料")) + "</h4><ol>" + g.materials.map(function (m) { return "<li>" + esc(m) + "</li>"; }).join("") + "</ol>";
    }
    if (g.procedure && g.procedure.length) {
      html += "<h4>" + esc(t("办理流程")) + "</h4><ol class=\"steps\">" + g.procedure.map(function (m) { return "<li>" + esc(m) + "</li>"; }).join("") + "</ol>";
    }
    if (g.notes) html += "<p>" + esc(g.notes) + "</p>";
    box.innerHTML = html;
  }

  function renderWaiting(waiting) {
    $("waiting-count").textContent = waiting.length;
    if (!waiting.length) { $("waiting").innerHTML = "<li class=\"empty\">" + esc(t("暂无等候")) + "</li>"; return; }
    $("waiting").innerHTML = waiting.map(function (ticket) {
      var prio = ticket.priority > 0;
      return "<li class=\"" + (prio ? "prio" : "") + "\" data-ticket=\"" + esc(ticket.id) + "\" data-number=\"" + esc(ticket.number) + "\">" +
        "<span class=\"num\">" + (prio ? "<i title=\"" + esc(t("优先")) + "\">★</i>" : "") + esc(ticket.number) + "</span>" +
        "<span class=\"what\">" + esc(ticket.matter_name || ticket.matter_id) +
        (ticket.appointment ? " <em class=\"appt\">" + esc(t("预约")) + " " + esc(clock(ticket.appointment.start)) + "</em>" : "") +
        (prio ? " <em>" + esc(t("优先")) + (ticket.priority_reason ? "·" + esc(label("priority_reasons", ticket.priority_reason)) : "") + "</em>" : "") +
        "<small>" + esc(t("已等候")) + " " + esc(minutesBetween(ticket.issued_at)) + " " + esc(t("分钟")) + "</small></span>" +
        "<button type=\"button\" class=\"call-this\" data-ticket=\"" + esc(ticket.id) + "\">" + esc(t("呼叫")) + "</button></li>";
    }).join("");
  }

  // --- actions ------------------------------------------------------------------------------
  /* The hub decides: window_state.allowed_actions names what the clerk may do now
   * (call_next, recall, no_show... for the buttons' call-next, recall, no-show...). */
  function allowed(action) {
    var state = S.state;
    if (!state || S.busy) return false;
    return (state.allowed_actions || []).indexOf(action.replace(/-/g, "_")) >= 0;
  }

  function updateButtons() {
    document.body.dataset.busy = S.busy ? "1" : "0";
    document.querySelectorAll("[data-action]").forEach(function (button) {
      button.disabled = !allowed(button.dataset.action);
    });
    document.querySelectorAll(".call-this").forEach(function (button) { button.disabled = !allowed("call"); });
    // Pause and Resume share F8 and one place: show whichever the hub allows.
    var resumable = !!S.state && (S.state.allowed_actions || []).indexOf("resume") >= 0;
    document.querySelector('[data-action="pause"]').hidden = resumable;
    document.querySelector('[data-action="resume"]').hidden = !resumable;
  }

  var SUCCESS = {
    "call-next": "已呼叫 {number}", call: "已呼叫 {number}", recall: "已重呼 {number}", start: "开始办理 {number}",
    finish: "{number} 已办结", "no-show": "{number} 已标记过号", transfer: "{number} 已转到 {queue}",
    pause: "窗口已暂停", resume: "窗口已恢复", close: "窗口已关闭"
  };

  /* Send one action; ignored while another is in flight. */
  function act(action, body) {
    if (!allowed(action)) return Promise.resolve(null);
    S.busy = true;
    updateButtons();
    var windowId = S.windowId;
    return api("POST", "/windows/" + encodeURIComponent(windowId) + "/" + action, body)
      .then(function (result) {
        if (windowId !== S.windowId) return result;
        applyResult(action, result);
        document.dispatchEvent(new CustomEvent("yimen:acted", { detail: { action: action, result: result, windowId: windowId, api: api } }));
        var queue = body && body.queue_id && S.queues[body.queue_id];
        say(t(SUCCESS[action] || "", { number: result.number || "", queue: queue ? queue.name : "" }));
        refreshCounts();
        if (action === "close") { S.windowId = null; if (S.socket) S.socket.stop(); S.socket = null; pickWindow().catch(sayError); }
        return result;
      })
      .catch(function (error) { sayError(error); return null; })
      .then(function (result) { S.busy = false; updateButtons(); return result; });
  }

  /* Whether the last window_state already shows this action's result (the socket is
   * often quicker than the REST answer). */
  function reflects(state, action, result) {
    if (action === "pause" || action === "resume" || action === "close") return state.window.status === result.status;
    var cur = state.current;
    if (result.status === "called" || result.status === "serving") {
      return !!cur && cur.id === result.id && cur.status === result.status;
    }
    return !cur || cur.id !== result.id;
  }

  /* Show the hub's answer at once. Unless the window_state already shows it, no action
   * applies until the next window_state says what may follow. */
  function applyResult(action, result) {
    if (!S.state || reflects(S.state, action, result)) { render(); return; }
    S.state.allowed_actions = [];
    awaitState();
    if (action === "pause" || action === "resume" || action === "close") {
      S.state.window = result;
    } else if (result.status === "called" || result.status === "serving") {
      S.state.current = result;
      S.state.waiting = S.state.waiting.filter(function (w) { return w.id !== result.id; });
    } else {
      S.state.current = null;
    }
    render();
  }

  document.querySelector(".actions").addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (button && !button.disabled) start(button.dataset.action);
  });
  $("waiting").addEventListener("click", function (event) {
    var button = event.target.closest(".call-this");
    if (button && !button.disabled) act("call", { ticket_id: Number(button.dataset.ticket) });
  });

  function start(action) {
    if (!allowed(action)) return;
    if (action === "finish") return openDialog("finish-dialog");
    if (action === "transfer") { renderTransfer(""); return openDialog("transfer-dialog"); }
    if (action === "pause") { $("pause-reason").value = ""; return openDialog("pause-dialog"); }
    act(action);
  }

  /* A shortcut key. Pressed while the hub's next window_state is awaited (just after an
   * action), it waits for it, so a quick F4 after F3 is not lost. */
  function press(action) {
    if (S.awaiting) { S.pressed = action; return; }
    if (action === "pause-or-resume") action = allowed("resume") ? "resume" : "pause";
    start(action);
  }

  // --- dialogs --------------------------------------------------------------------------------
  function openDialog(id) {
    var dialog = $(id);
    if (!dialog.open) dialog.showModal();
    var first = dialog.querySelector("button.choice, input");
    if (first) first.focus();
  }
  function closeDialogs() {
    document.querySelectorAll("dialog[open]").forEach(function (d) { d.close(); });
  }
  document.querySelectorAll("dialog .cancel").forEach(function (b) { b.addEventListener("click", closeDialogs); });

  $("finish-dialog").addEventListener("click", function (event) {
    var choice = event.target.closest("[data-outcome]");
    if (!choice) return;
    closeDialogs();
    act("finish", { outcome: choice.dataset.outcome });
  });

  function renderTransfer(filter) {
    var current = S.state && S.state.current;
    var words = filter.trim().toLowerCase();
    var html = S.center.queues.filter(function (q) {
      if (current && q.id === current.queue_id) return false;
      var keys = q.name + " " + (q.name_en || "") + " " + q.prefix + " " + ((config.queue_keys || {})[q.id] || "");
      return !words || keys.toLowerCase().indexOf(words) !== -1;
    }).map(function (q) {
      return "<button type=\"button\" class=\"queue-choice\" data-queue=\"" + esc(q.id) + "\"><b>" + esc(q.prefix) + "</b>" + esc(local(q)) + "</button>";
    }).join("");
    $("transfer-list").innerHTML = html;
  }
  $("transfer-filter").addEventListener("input", function () { renderTransfer(this.value); });
  $("transfer-list").addEventListener("click", function (event) {
    var choice = event.target.closest("[data-queue]");
    if (!choice) return;
    closeDialogs();
    act("transfer", { queue_id: choice.dataset.queue });
  });

  $("pause-dialog").addEventListener("click", function (event) {
    var choice = event.target.closest("[data-reason]");
    if (!choice) return;
    closeDialogs();
    act("pause", { reason: choice.dataset.reason });
  });
  $("pause-form").addEventListener("submit", function (event) {
    event.preventDefault();
    closeDialogs();
    var reason = $("pause-reason").value.trim();
    act("pause", reason ? { reason: reason } : {});
  });

  // --- keyboard -------------------------------------------------------------------------------
  var KEYS = { F1: "call-next", F2: "recall", F3: "start", F4: "finish", F6: "no-show", F7: "transfer", F8: "pause-or-resume", F10: "close" };
  document.addEventListener("keydown", function (event) {
    var open = document.querySelector("dialog[open]");
    if (open) {
      var digit = /^[1-9]$/.test(event.key) && document.activeElement.tagName !== "INPUT" ? Number(event.key) : 0;
      var choices = open.querySelectorAll("button.choice");
      if (digit && choices[digit - 1]) { event.preventDefault(); choices[digit - 1].click(); }
      if (/^F\d+$/.test(event.key)) event.preventDefault();
      return;
    }
    if (document.body.dataset.view !== "work" || !KEYS[event.key]) return;
    event.preventDefault();
    if (event.repeat) return;
    press(KEYS[event.key]);
  });

  // --- header buttons -----------------------------------------------------------------------
  $("logout").addEventListener("click", function () {
    var leave = S.windowId && S.state && S.state.window.status !== "closed"
      ? api("POST", "/windows/" + encodeURIComponent(S.windowId) + "/close") : Promise.resolve();
    leave.then(function () { return api("POST", "/auth/logout"); })
      .then(function () { signOut(); }, sayError);
  });
  $("switch-window").addEventListener("click", function () {
    if (!S.windowId) return pickWindow().catch(sayError);
    api("POST", "/windows/" + encodeURIComponent(S.windowId) + "/close").then(function () {
      if (S.socket) { S.socket.stop(); S.socket = null; }
      S.windowId = null; S.state = null; S.awaiting = false; S.pressed = null;
      return pickWindow();
    }).catch(sayError);
  });

  // --- start ------------------------------------------------------------------------------------
  setLink("idle");
  api("GET", "/center").then(function (center) {
    S.center = center;
    S.queues = {}; center.queues.forEach(function (q) { S.queues[q.id] = q; });
    S.matters = {}; center.matters.forEach(function (m) { S.matters[m.id] = m; });
    if (!S.token) return show("login");
    return afterLogin().catch(function (error) {
      if (error.status === 401) signOut(); else sayError(error);
    });
  }).catch(sayError);
  setInterval(function () { if (S.state) renderWaiting(S.state.waiting); updateButtons(); }, 60000);
})();
