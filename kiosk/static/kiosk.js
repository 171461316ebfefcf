/* The lobby kiosk: browse or search a matter, read its one-time notification, take a
 * ticket. Talks to the hub over REST (/api/v1) and listens on Socket.IO (/kiosk) for its
 * printer. No business logic here: the hub numbers, estimates and prints, and sends the
 * labels (unit groups, priority reasons, printer problems). Over 300 lines: all of it
 * draws the kiosk's screens; the shared part is server/static/yimen-client.js. */
(function () {
  "use strict";

  var BOOT = Yimen.boot("kiosk-boot");
  var LANG = BOOT.lang;
  var local = Yimen.localName(LANG);  // a name in the page's language: the center file's English or Tibetan, else Chinese
  var KEY_STORE = "yimen.kiosk.key";
  var t = Yimen.translator(BOOT.texts);
  // Unit groups, priority reasons, printer problems and their severity: the hub's labels.
  var label = Yimen.labeller(BOOT.labels);
  var GROUPS = BOOT.labels.unit_groups;
  var PROBLEMS = BOOT.labels.printer_problems;
  var KEYS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
  var RETRY_DELAYS_MS = [500, 1000, 2000, 3000, 5000, 5000, 8000, 8000, 10000];
  var PRINT_WAIT_MS = 20000;

  var state = {
    key: null, config: null, center: null, matters: [], queues: {}, units: {},
    stack: [], screen: "loading", matter: null, unitId: null, groupId: null,
    ticket: null, job: null, printResults: {}, printer: null, connected: false,
    idleS: 60, lastTouch: Date.now(), printTimer: null, issuing: false
  };

  // --- small helpers ---------------------------------------------------------------
  function $(id) { return document.getElementById(id); }
  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "onclick") node.addEventListener("click", attrs[k]);
      else if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child == null) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }
  /* A department's icon: a symbol of the hub's server/static/unit-icons.svg, named by the
   * hub (the unit's ``icon``, a default when the center file names none). */
  function icon(name, className) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "icon" + (className ? " " + className : ""));
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    var use = document.createElementNS(ns, "use");
    use.setAttribute("href", BOOT.icons + "#" + name);
    svg.appendChild(use);
    return svg;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }
  function randomKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return "kiosk-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  /* What a queue's or ticket's JSON says of the wait: the hub tells when nobody serves. */
  function waitOf(item) {
    if (item.no_window_open) {
      var opens = Yimen.opening(item.next_opening);
      return t("暂无窗口办理") + (opens ? "\n" + t("{time} 起办理", { time: opens }) : "");
    }
    return minutes(item.estimated_wait_s);
  }
  function minutes(seconds) {
    if (!seconds) return t("无需等待");
    return t("约 {n} 分钟", { n: Math.max(1, Math.ceil(seconds / 60)) });
  }

  // --- REST: every answer as {status, ok, data}; status 0 when the hub was not reached ------
  function api(method, path, body, timeoutMs) {
    return Yimen.exchange(method, path, {
      headers: state.key ? { "X-Device-Key": state.key } : {}, body: body, timeoutMs: timeoutMs || 8000
    });
  }
  /** GET that waits out a hub restart: tries until it answers. */
  function load(path) {
    return api("GET", path).then(function (answer) {
      if (answer.status === 200) return answer.data;
      if (answer.status === 401 || answer.status === 403) throw answer;
      return sleep(3000).then(function () { return load(path); });
    });
  }

  // --- screens ----------------------------------------------------------------------
  function show(name, remember) {
    if (remember !== false && state.screen !== name && ["loading", "issuing", "setup"].indexOf(state.screen) < 0) {
      state.stack.push(state.screen);
    }
    state.screen = name;
    document.querySelectorAll("[data-screen]").forEach(function (section) {
      section.hidden = section.getAttribute("data-screen") !== name;
    });
    document.body.setAttribute("data-current", name);
    window.scrollTo(0, 0);
  }
  function back() {
    var previous = state.stack.pop() || "home";
    if (previous === "issuing" || previous === "ticket" || previous === "failed") previous = "home";
    show(previous, false);
  }
  function home() {
    state.stack = [];
    state.matter = null;
    state.ticket = null;
    state.job = null;
    clearTimeout(state.printTimer);
    $("search-input").value = "";
    renderResults();
    show("home", false);
    refreshQueues();
  }

  function applyTexts() {
    document.querySelectorAll("[data-text]").forEach(function (node) {
      node.textContent = t(node.getAttribute("data-text"));
    });
    var langs = clear($("langs"));
    BOOT.languages.forEach(function (lang) {
      langs.appendChild(el("button", {
        type: "button", className: "lang" + (lang.code === LANG ? " active" : ""), text: lang.name,
        onclick: function () { switchLanguage(lang.code); }
      }));
    });
  }
  function switchLanguage(code) {
    document.cookie = "lang=" + code + "; path=/; max-age=31536000; SameSite=Lax";
    location.href = location.pathname + "?lang=" + encodeURIComponent(code);
  }

  // --- browsing -------------------------------------------------------------------------
  function indexCenter() {
    state.units = {};
    state.center.units.forEach(function (unit) { state.units[unit.id] = { unit: unit, matters: [] }; });
    state.matters.forEach(function (matter) {
      if (state.units[matter.unit_id]) state.units[matter.unit_id].matters.push(matter);
    });
  }
  function unitsOf(groupId) {
    return state.center.units.filter(function (unit) {
      return unit.group === groupId && state.units[unit.id].matters.length;
    });
  }
  function renderGroups() {
    var grid = clear($("groups"));
    GROUPS.forEach(function (group) {
      var units = unitsOf(group.id);
      if (!units.length) return;
      grid.appendChild(el("button", {
        type: "button", className: "group-tile g-" + group.id, "data-group": group.id,
        onclick: function () { openGroup(group.id); }
      },
      el("span", { className: "group-mark", text: group.mark, "aria-hidden": "true" }),
      el("span", { className: "group-name", text: group.name }),
      el("span", { className: "group-hint", text: group.hint }),
      el("span", { className: "group-count", text: t("{n} 个部门", { n: units.length }) })));
    });
  }
  /* The first screen: the matters visitors come for most (the hub counts them), then the
   * departments by the names visitors use; the hall's groups stay below as a second way. */
  function renderPopular() {
    var byId = {};
    state.matters.forEach(function (m) { byId[m.id] = m; });
    var grid = clear($("popular"));
    (state.config.popular_matters || []).forEach(function (id) {
      var matter = byId[id];
      if (!matter) return;
      grid.appendChild(el("button", { type: "button", className: "popular-tile", "data-matter": id,
        onclick: function () { openGuide(matter.id); } },
        icon(unitIcon(matter.unit_id), "tile-icon"),
        el("span", { className: "tile-text" },
          el("span", { className: "tile-name", text: local(matter) }),
          el("span", { className: "tile-meta", text: everyday(matter) }))));
    });
    var strip = clear($("everyday-units"));
    state.center.units.forEach(function (unit) {
      if (!unit.short_name || !state.units[unit.id].matters.length) return;
      strip.appendChild(el("button", { type: "button", className: "unit-chip", "data-unit": unit.id,
        "data-icon": unit.icon, onclick: function () { openUnit(unit.id); } },
        icon(unit.icon, "chip-icon"),
        el("span", { className: "chip-name", text: everydayName(unit) })));
    });
    var english = LANG !== "zh";
    $("zh-only-note").hidden = !(english && state.matters.some(function (m) { return !m.name_en; }));
  }
  function unitIcon(unitId) {
    var entry = state.units[unitId];
    return entry ? entry.unit.icon : "government";
  }
  /* A department by the name visitors use: 社保; in English its short English name
   * (Social Insurance), else its full English name. */
  function everydayName(unit) {
    if (LANG === "zh") return unit.short_name || unit.name;
    return (LANG === "en" && unit.short_name_en) || local(unit);
  }
  function everyday(matter) {
    var entry = state.units[matter.unit_id];
    return entry ? everydayName(entry.unit) : local(matter, "unit_name");
  }
  function openGroup(groupId) {
    state.groupId = groupId;
    var group = GROUPS.filter(function (g) { return g.id === groupId; })[0];
    $("units-title").textContent = group.name;
    var grid = clear($("units"));
    unitsOf(groupId).forEach(function (unit) {
      var count = state.units[unit.id].matters.length;
      grid.appendChild(el("button", {
        type: "button", className: "tile g-" + groupId, "data-unit": unit.id,
        onclick: function () { openUnit(unit.id); }
      }, icon(unit.icon, "tile-icon"),
      el("span", { className: "tile-text" },
        el("span", { className: "tile-name", text: local(unit) }),
        el("span", { className: "tile-meta", text: t("{n} 个事项", { n: count }) }))));
    });
    show("units");
  }
  function openUnit(unitId) {
    state.unitId = unitId;
    var entry = state.units[unitId];
    $("matters-title").textContent = local(entry.unit);
    var list = clear($("matters"));
    entry.matters.forEach(function (matter) { list.appendChild(matterRow(matter, false)); });
    show("matters");
  }
  function matterRow(matter, withUnit) {
    var queue = state.queues[matter.queue_id];
    return el("button", {
      type: "button", className: "row", "data-matter": matter.id,
      onclick: function () { openGuide(matter.id); }
    },
    el("span", { className: "row-main" },
      el("span", { className: "row-name", text: local(matter) }),
      withUnit ? el("span", { className: "row-unit", text: local(matter, "unit_name") }) : null),
    el("span", { className: "row-side" },
      el("span", { className: "row-prefix", text: matter.prefix }),
      queue ? el("span", { className: "row-waiting", text: t("当前等候") + " " + t("{n} 人", { n: queue.waiting }) }) : null));
  }

  // --- search: the scoring is the booking page's too (server/static/matter-search.js) ----
  function renderResults() {
    var text = $("search-input").value;
    var list = clear($("results"));
    if (!YimenMatterSearch.normalise(text)) { $("result-count").textContent = ""; return; }
    var found = YimenMatterSearch.search(state.matters, text);
    $("result-count").textContent = found.length
      ? t("找到 {n} 个事项", { n: found.length })
      : t("没有找到相关事项，请换个关键词或咨询服务台");
    found.slice(0, 30).forEach(function (m) { list.appendChild(matterRow(m, true)); });
  }
  function buildKeyboard() {
    var kb = clear($("keyboard"));
    KEYS.forEach(function (row, i) {
      var line = el("div", { className: "kb-row" });
      row.split("").forEach(function (ch) {
        line.appendChild(el("button", { type: "button", className: "kb-key", "data-key": ch, text: ch.toUpperCase(),
          onclick: function () { typeKey(ch); } }));
      });
      if (i === 2) {
        line.appendChild(el("button", { type: "button", className: "kb-key wide", "data-key": "back", text: t("删除"),
          onclick: function () { typeKey("back"); } }));
      }
      kb.appendChild(line);
    });
    kb.appendChild(el("div", { className: "kb-row" },
      el("button", { type: "button", className: "kb-key wider", "data-key": "clear", text: t("清空"),
        onclick: function () { typeKey("clear"); } })));
  }
  function typeKey(key) {
    var input = $("search-input");
    if (key === "back") input.value = input.value.slice(0, -1);
    else if (key === "clear") input.value = "";
    else input.value += key;
    renderResults();
  }

  // --- the one-time notification ----------------------------------------------------
  function openGuide(matterId) {
    var matter = state.matters.filter(function (m) { return m.id === matterId; })[0];
    state.matter = matter;
    var guide = matter.guide || {};
    $("guide-name").textContent = local(matter);
    $("guide-unit").textContent = local(matter, "unit_name");
    var list = clear($("guide-materials"));
    (guide.materials || []).forEach(function (item) { list.appendChild(el("li", { text: item })); });
    if (!list.children.length) list.appendChild(el("li", { className: "none", text: t("无需材料") }));
    $("guide-windows").textContent = t("{windows} 号窗口", { windows: matter.window_range });
    if (guide.on_the_spot || guide.time_limit_days === 0) $("guide-limit").textContent = t("当场办结");
    else if (guide.time_limit_days) $("guide-limit").textContent = t("{n} 个工作日", { n: guide.time_limit_days });
    else $("guide-limit").textContent = "—";
    $("guide-fees").textContent = guide.fees ? (guide.fees === "不收费" ? t("不收费") : guide.fees) : "—";
    $("guide-basis").textContent = guide.basis ? t("办理依据") + "：" + guide.basis : "";
    $("take-priority").hidden = !(state.config.priority_reasons || []).length;
    renderGuideQueue();
    renderPrinter();
    show("guide");
    refreshQueues().then(renderGuideQueue);
  }
  function renderGuideQueue() {
    if (!state.matter) return;
    var queue = state.queues[state.matter.queue_id];
    $("guide-waiting").textContent = queue ? t("{n} 人", { n: queue.waiting }) : "—";
    $("guide-wait").textContent = queue ? waitOf(queue) : "—";
    $("guide-wait").classList.toggle("closed", !!(queue && queue.no_window_open));
  }
  function openPriority() {
    var grid = clear($("reasons"));
    state.config.priority_reasons.forEach(function (reason) {
      grid.appendChild(el("button", { type: "button", className: "reason", "data-reason": reason,
        text: label("priority_reasons", reason), onclick: function () { issue(reason); } }));
    });
    grid.appendChild(el("button", { type: "button", className: "reason cancel", text: t("取消"), onclick: back }));
    show("priority");
  }
  function refreshQueues() {
    return api("GET", "/queues").then(function (answer) {
      if (answer.status !== 200) return;
      answer.data.forEach(function (q) { state.queues[q.id] = q; });
    });
  }

  // --- issuing: one idempotency key for every retry ------------------------------------
  function issue(reason) {
    if (state.issuing || !state.matter) return;
    state.issuing = true;
    var body = { matter_id: state.matter.id, idempotency_key: randomKey() };
    if (reason) { body.priority = true; body.priority_reason = reason; }
    $("issuing-note").textContent = t("正在取号，请稍候…");
    show("issuing");
    attempt(body, 0);
  }
  function attempt(body, tries) {
    api("POST", "/kiosk/tickets", body, 10000).then(function (answer) {
      if (answer.status === 200 || answer.status === 201) {
        state.issuing = false;
        showTicket(answer.data);
        return;
      }
      var retryable = answer.status === 0 || answer.status === 429 || answer.status >= 500;
      if (retryable && tries < RETRY_DELAYS_MS.length) {
        $("issuing-note").textContent = t("网络不稳定，正在重试（第 {n} 次）…", { n: tries + 1 });
        setTimeout(function () { attempt(body, tries + 1); }, RETRY_DELAYS_MS[tries]);
        return;
      }
      state.issuing = false;
      failed(answer);
    });
  }
  function failed(answer) {
    var code = answer.data && answer.data.error && answer.data.error.code;
    var reason = t("请稍后再试，或到服务台由工作人员为您取号。");
    if (answer.status === 401 || answer.status === 403) reason = t("本机未登记或密钥无效，请联系工作人员。");
    else if (code === "priority_not_allowed") reason = t("本机暂不提供优先号，请咨询服务台。");
    else if (answer.status === 422 || answer.status === 404) reason = t("该事项暂不能取号，请咨询服务台。");
    $("failed-reason").textContent = reason;
    show("failed", false);
  }

  // --- the ticket -------------------------------------------------------------------------
  function showTicket(ticket, shown) {   // shown: what the ticket is for, when not state.matter (a pickup)
    state.ticket = ticket;
    state.job = ticket.print || {};
    var matter = shown || state.matter;
    $("ticket-number").textContent = ticket.number;
    var priority = $("ticket-priority");
    priority.hidden = !ticket.priority;
    priority.textContent = ticket.priority
      ? t("优先") + (ticket.priority_reason ? " · " + label("priority_reasons", ticket.priority_reason) : "") : "";
    $("ticket-matter").textContent = local(matter) + " · " + local(matter, "unit_name");
    $("ticket-windows").textContent = t("请到 {windows} 号窗口办理", { windows: matter.window_range });
    $("ticket-ahead").textContent = t("{n} 人", { n: ticket.ahead });
    $("ticket-wait").textContent = waitOf(ticket);
    $("ticket-wait").classList.toggle("closed", !!ticket.no_window_open);
    $("ticket-qr").src = ticket.qr_url;
    $("ticket-qr").alt = ticket.public_status_url;
    $("reprint").hidden = true;
    clearTimeout(state.printTimer);
    if (state.job.via === "none") {
      setPrintState("warn", t("本机未连接打印机，请用手机扫描二维码或拍下号码。"));
    } else if (state.job.state === "not_printed") {
      setPrintState("", "");
    } else {
      setPrintState("busy", t("正在打印号票…"));
      var early = state.printResults[state.job.job_id];
      if (early) printed(early);
      else state.printTimer = setTimeout(function () {
        setPrintState("warn", t("如未出票，请用手机扫描二维码或拍下号码。"));
      }, PRINT_WAIT_MS);
    }
    state.lastTouch = Date.now();
    show("ticket", false);
  }
  function setPrintState(kind, text) {
    var node = $("print-state");
    node.className = "print-state " + kind;
    node.textContent = text;
  }
  function printed(result) {
    if (!state.job || result.job_id !== state.job.job_id) return;
    clearTimeout(state.printTimer);
    if (result.ok) {
      setPrintState("ok", t("请取走下方打印的号票"));
    } else {
      var problem = result.printer && result.printer.problem;
      setPrintState("warn", t("号票未能打印：{reason}。请用手机扫描二维码或拍下号码。",
        { reason: PROBLEMS[problem] ? PROBLEMS[problem].label : t("打印失败") }));
      $("reprint").hidden = false;
    }
  }
  function reprint() {
    if (!state.ticket) return;
    $("reprint").hidden = true;
    setPrintState("busy", t("正在打印号票…"));
    api("POST", "/tickets/" + encodeURIComponent(state.ticket.token) + "/print", {}).then(function (answer) {
      if (answer.status === 202) { state.job = answer.data.print; var early = state.printResults[state.job.job_id]; if (early) printed(early); }
      else { setPrintState("warn", t("如未出票，请用手机扫描二维码或拍下号码。")); $("reprint").hidden = false; }
    });
  }

  // --- printer and connection status ------------------------------------------------------
  function printerProblem() {
    var p = state.printer;
    if (!p || p.route === "none") return "none";
    return p.problem || null;
  }
  function renderPrinter() {
    var pill = $("printer-pill");
    var problem = printerProblem();
    var p = state.printer || {};
    // No printer at all is serious; a problem is as serious as the hub's level says.
    var serious = problem === "none" || !!(problem && PROBLEMS[problem] && PROBLEMS[problem].level === "error");
    if (problem === "none") pill.textContent = t("未连接打印机");
    else if (problem) pill.textContent = PROBLEMS[problem] ? PROBLEMS[problem].label : t("打印机状态未知");
    else if (p.ok) pill.textContent = t("打印机正常");
    else pill.textContent = t("打印机状态未知");
    pill.className = "pill printer " + (serious ? "bad" : problem ? "warn" : p.ok ? "ok" : "");
    $("guide-printer").hidden = !serious;
  }
  function renderLink() {
    var pill = $("link-pill");
    pill.textContent = state.connected ? t("已连接") : t("正在连接服务器…");
    pill.className = "pill link " + (state.connected ? "ok" : "bad");
  }
  function connectSocket() {
    if (typeof io === "undefined") return;
    Yimen.live("/kiosk", {
      auth: { key: state.key, role: "page" }, reconnectionDelay: 1000, retryMs: 5000,
      onLink: function (ok) { state.connected = ok; renderLink(); },
      events: {
        printer_status: function (status) {
          state.printer = Object.assign({}, state.printer || {}, status);
          renderPrinter();
        },
        ticket_printed: function (result) {
          state.printResults[result.job_id] = result;
          if (result.printer) { state.printer = Object.assign({}, state.printer || {}, result.printer); renderPrinter(); }
          printed(result);
        }
      }
    });
  }

  // --- idle return and the clock ----------------------------------------------------------
  function tick() {
    var now = new Date();
    var zone = state.center ? state.center.timezone : undefined;
    $("clock").textContent = now.toLocaleDateString(LANG === "en" ? "en-GB" : "zh-CN",
      { month: "long", day: "numeric", weekday: "short", timeZone: zone }) + "  " +
      now.toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: zone });
    var idleFor = (Date.now() - state.lastTouch) / 1000;
    var left = Math.ceil(state.idleS - idleFor);
    if (state.screen === "ticket") $("countdown").textContent = t("{n} 秒后返回首页", { n: Math.max(0, left) });
    var stay = ["home", "loading", "setup", "issuing"].indexOf(state.screen) >= 0;
    if (!stay && left <= 0) home();
  }

  // --- start -------------------------------------------------------------------------------
  function readKey() {
    var params = new URLSearchParams(location.search);
    var key = params.get("key");
    if (key) {
      try { localStorage.setItem(KEY_STORE, key); } catch (e) { /* private mode: keep it in memory */ }
      params.delete("key");
      var rest = params.toString();
      history.replaceState(null, "", location.pathname + (rest ? "?" + rest : ""));
      return key;
    }
    try { return localStorage.getItem(KEY_STORE); } catch (e) { return null; }
  }

  function start() {
    applyTexts();
    buildKeyboard();
    renderLink();
    document.addEventListener("pointerdown", function () { state.lastTouch = Date.now(); }, true);
    document.addEventListener("keydown", function () { state.lastTouch = Date.now(); }, true);
    document.querySelectorAll("[data-back]").forEach(function (b) { b.addEventListener("click", back); });
    document.querySelectorAll("[data-home]").forEach(function (b) { b.addEventListener("click", home); });
    $("search-open").addEventListener("click", function () { show("search"); $("search-input").focus(); });
    $("search-input").addEventListener("input", renderResults);
    $("take-ticket").addEventListener("click", function () { issue(null); });
    $("take-priority").addEventListener("click", openPriority);
    $("reprint").addEventListener("click", reprint);
    setInterval(tick, 1000);
    tick();

    state.key = readKey();
    if (!state.key) { show("setup", false); return; }
    Promise.all([load("/kiosk/config"), load("/center"), load("/kiosk/matters")]).then(function (parts) {
      state.config = parts[0];
      state.center = parts[1];
      state.matters = parts[2];
      state.idleS = BOOT.idle_s || state.config.idle_s || 60;
      state.printer = state.config.printer;
      $("center-name").textContent = local(state.center);
      $("device-name").textContent = state.config.device.name;
      indexCenter();
      tick();
      renderGroups();
      renderPopular();
      renderPrinter();
      connectSocket();
      home();
      readyHooks.forEach(function (hook) { hook(state.config); });
      setInterval(function () { if (state.screen === "home") refreshQueues(); }, 20000);
    }, function () {
      show("setup", false);
    });
  }

  // Other kiosk features (pickup.js) use these few functions and add their own screens.
  var readyHooks = [];
  window.YimenKiosk = { show: show, api: api, showTicket: showTicket, t: t,
    screen: function () { return state.screen; }, ready: function (hook) { readyHooks.push(hook); } };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
