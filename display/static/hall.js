/* The hall screen: follows /display, shows the newest call large, announces each call.
 * No business logic: it draws what the hub sends (hall_state, ticket_called,
 * queues_changed) and asks the hub for the announcement audio. */
(function () {
  "use strict";

  var config = Yimen.boot("page-config");
  var zh = Yimen.translator(config.texts, "zh");
  var en = Yimen.translator(config.texts, "en");
  var MAX_CALLS = 12;          // calls kept in memory (8 shown)
  var SHOWN_CALLS = 8;
  var ROWS_PER_PAGE = 7;       // queues with people waiting; the idle ones share one line
  var PAGE_MS = 10000;
  var SEEN_MAX = 300;
  var CATCH_UP_MS = 60000;     // after a reconnect, announce calls missed in the last minute

  var state = { calls: [], queues: [], idle: 0, page: 0, seen: [], snapshotDone: false };
  var $ = function (id) { return document.getElementById(id); };

  function both(key) { return zh(key) + " · " + en(key); }

  // --- sound ----------------------------------------------------------------------------
  var overlay = $("sound-overlay");
  var announcer = new window.YimenAnnouncer({
    onBlocked: function () { overlay.hidden = false; },
    onUnblocked: function () { overlay.hidden = true; }
  });
  window.yimenAnnouncer = announcer;
  $("sound-button").addEventListener("click", function () { announcer.unlock(); });
  announcer.probe();

  function announce(call) {
    var url = config.announce_url + "?number=" + encodeURIComponent(call.number) +
      "&window=" + encodeURIComponent(call.window_number);
    announcer.enqueue({ url: url, number: call.number, window: call.window_number, recall: !!call.recall });
  }

  // --- calls ----------------------------------------------------------------------------
  function callKey(call) { return [call.number, call.window_id, call.at, call.recall ? 1 : 0].join("|"); }

  function remember(call) {
    var key = callKey(call);
    if (state.seen.indexOf(key) !== -1) return false;
    state.seen.push(key);
    if (state.seen.length > SEEN_MAX) state.seen.splice(0, state.seen.length - SEEN_MAX);
    return true;
  }


  function renderHero(flash) {
    var hero = $("hero");
    var call = state.calls[0];
    if (!call) {
      hero.classList.add("empty");
      $("hero-recall").hidden = true;
      delete hero.dataset.number;
      delete hero.dataset.window;
      return;
    }
    hero.classList.remove("empty");
    $("hero-number").textContent = call.number;
    $("hero-window").textContent = call.window_number;
    var say = "请 {number} 号到 {window} 号窗口";
    var fill = function (text) { return text.replace("{number}", call.number).replace("{window}", call.window_number); };
    $("hero-sub-zh").textContent = fill(zh(say));
    $("hero-sub-en").textContent = fill(en(say));
    $("hero-recall").hidden = !call.recall;
    fitHero();
    hero.dataset.number = call.number;
    hero.dataset.window = call.window_number;
    if (flash) {
      hero.classList.remove("flash");
      void hero.offsetWidth;  // restart the animation
      hero.classList.add("flash");
    }
  }

  /* Long numbers (HZ012 → 72号窗口) shrink to fit the card rather than being cut. */
  function fitHero() {
    var hero = $("hero"), line = hero.querySelector(".hero-line");
    var style = getComputedStyle(hero);
    var room = hero.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    var scale = Math.min(1, room / line.scrollWidth);
    line.style.transform = scale < 1 ? "scale(" + scale.toFixed(3) + ")" : "";
  }

  function renderRecent() {
    var list = $("recent");
    var items = state.calls.slice(1, 1 + SHOWN_CALLS);
    var html = "";
    for (var i = 0; i < SHOWN_CALLS; i++) {
      var c = items[i];
      if (!c) { html += '<li class="placeholder"><div class="num">——</div><div class="win">&nbsp;</div></li>'; continue; }
      html += '<li class="' + (c.recall ? "recall" : "") + '" data-number="' + esc(c.number) + '">' +
        '<div class="num">' + esc(c.number) + '</div>' +
        '<div class="win">→ <b>' + esc(c.window_number) + "</b>" + esc(zh("号窗口")) + "</div></li>";
    }
    list.innerHTML = html;
  }

  function esc(value) {
    return String(value).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }

  /* One card per number: a recall moves its call to the front instead of adding one. */
  function oncePerNumber(calls) {
    var seen = {};
    return calls.filter(function (c) {
      if (seen[c.number]) return false;
      seen[c.number] = true;
      return true;
    });
  }

  function addCall(call, speak) {
    if (!remember(call)) return;
    state.calls = oncePerNumber([call].concat(state.calls));
    if (state.calls.length > MAX_CALLS) state.calls.length = MAX_CALLS;
    renderHero(true);
    renderRecent();
    if (speak) announce(call);
  }

  function onSnapshot(snapshot) {
    var calls = (snapshot.board || snapshot.calls || []).slice(0, MAX_CALLS);
    var now = Date.now();
    var missed = [];
    if (state.snapshotDone) {
      // a reconnect: calls made while we were away are shown, and recent ones spoken
      for (var i = calls.length - 1; i >= 0; i--) {
        var at = Date.parse(calls[i].at);
        if (state.seen.indexOf(callKey(calls[i])) === -1 && now - at < CATCH_UP_MS) missed.push(calls[i]);
      }
    }
    calls.forEach(remember);
    state.calls = oncePerNumber(calls);
    state.snapshotDone = true;
    renderHero(missed.length > 0);
    renderRecent();
    missed.forEach(announce);
    onQueues(snapshot.queues || []);
  }

  /* A called ticket was transferred: its call leaves the screen (nothing is announced). */
  function onWithdrawn(gone) {
    var before = state.calls.length;
    state.calls = state.calls.filter(function (c) {
      return !(c.number === gone.number && c.window_id === gone.window_id);
    });
    if (state.calls.length === before) return;
    renderHero(false);
    renderRecent();
  }

  // --- queues ---------------------------------------------------------------------------
  /* The hub decides that nobody serves a queue; the screen says so instead of a number. */
  function waitText(queue) {
    if (queue.no_window_open) return ["—", ""];
    if (!queue.waiting) return [zh("无需等候"), en("无需等候")];
    var minutes = Math.round((queue.estimated_wait_s || 0) / 60);
    if (minutes < 1) return [zh("小于1分钟"), en("小于1分钟")];
    return [minutes + " " + zh("分钟"), minutes + " " + en("分钟")];
  }

  function onQueues(queues) {
    // only lines with people in them get a row, in the center's own order; the idle
    // ones are counted on one line at the foot of the board
    state.queues = queues.filter(function (q) { return q.waiting > 0; });
    state.idle = queues.length - state.queues.length;
    renderQueues();
  }

  /* Under a queue nobody serves: that no window is open, and when the hours begin. */
  function closedNote(queue) {
    var opens = Yimen.opening(queue.next_opening);
    var fill = function (tr) {
      return tr("暂无窗口办理") + (opens ? " · " + tr("{time} 起办理").replace("{time}", opens) : "");
    };
    return '<tr class="closed-note" data-queue-note="' + esc(queue.id) + '"><td colspan="3">' + esc(fill(zh)) +
      '<span class="en">' + esc(fill(en)) + "</span></td></tr>";
  }

  function renderQueues() {
    var pages = Math.max(1, Math.ceil(state.queues.length / ROWS_PER_PAGE));
    if (state.page >= pages) state.page = 0;
    var rows = state.queues.slice(state.page * ROWS_PER_PAGE, (state.page + 1) * ROWS_PER_PAGE);
    var html = "";
    rows.forEach(function (q) {
      var wait = waitText(q);
      html += '<tr data-queue="' + esc(q.id) + '" class="' + (q.waiting ? "" : "idle") + '">' +
        '<td class="q-name"><span class="prefix">' + esc(q.prefix) + "</span>" + esc(q.name) +
        '<span class="en">' + esc(q.name_en || "") + "</span></td>" +
        '<td class="q-count">' + esc(q.waiting) + "</td>" +
        '<td class="q-wait">' + esc(wait[0]) + "<small>" + esc(wait[1]) + "</small></td></tr>" +
        (q.no_window_open ? closedNote(q) : "");
    });
    if (state.idle) {
      var idle = "其余 {count} 项业务无需等候";
      html += '<tr class="idle-summary"><td colspan="3">' + esc(zh(idle).replace("{count}", state.idle)) +
        '<span class="en">' + esc(en(idle).replace("{count}", state.idle)) + "</span></td></tr>";
    }
    $("queue-rows").innerHTML = html;
    $("queue-page").textContent = pages > 1
      ? zh("第 {page} / {pages} 页").replace("{page}", state.page + 1).replace("{pages}", pages) : "";
  }

  setInterval(function () {
    if (state.queues.length > ROWS_PER_PAGE) { state.page += 1; renderQueues(); }
  }, PAGE_MS);

  // --- clock ----------------------------------------------------------------------------
  var tz = config.timezone || undefined;
  var timeFmt = new Intl.DateTimeFormat("zh-CN", { timeZone: tz, hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  var dateFmt = new Intl.DateTimeFormat("zh-CN", { timeZone: tz, year: "numeric", month: "long", day: "numeric", weekday: "long" });
  var dateEnFmt = new Intl.DateTimeFormat("en-GB", { timeZone: tz, weekday: "short", day: "numeric", month: "short", year: "numeric" });
  function tick() {
    var now = new Date();
    $("time").textContent = timeFmt.format(now);
    $("date").textContent = dateFmt.format(now);
    $("date-en").textContent = dateEnFmt.format(now);
  }
  tick();
  setInterval(tick, 1000);

  // --- connection -----------------------------------------------------------------------
  function setLink(name) {
    document.body.dataset.state = name;
    $("link-text").textContent = name === "live" ? both("已连接") : both("正在重新连接…");
  }
  setLink("connecting");

  var auth = config.zone ? { zone: config.zone } : {};
  Yimen.live("/display", {
    auth: auth, reconnectionDelay: 1000, retryMs: 5000,   // refused: try again later
    onLink: function (ok) { setLink(ok ? "live" : "offline"); },
    events: {
      hall_state: onSnapshot,
      ticket_called: function (call) {
        if (config.zone && call.zone_id !== config.zone) return;
        addCall(call, true);
      },
      queues_changed: onQueues,
      call_withdrawn: function (gone) {
        if (config.zone && gone.zone_id !== config.zone) return;
        onWithdrawn(gone);
      }
    }
  });

  // A screen left on for days: reload once at night when nothing is being said.
  setInterval(function () {
    var hour = Number(new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit", hour12: false }).format(new Date()));
    var s = announcer.state();
    if (hour === 3 && !s.playing && !s.queued.length && performance.now() > 3600000) location.reload();
  }, 600000);
})();
