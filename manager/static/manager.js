/* The manager page: live dashboard over /manager, reports and planning over REST.
 * Over 300 lines: one page with five tabs of tables and charts, no rules of its own;
 * the shared part is server/static/yimen-client.js and, for every tab, manager-kit.js. */
(function () {
  "use strict";
  const { TOKEN_KEY, boot, T, label, token, hub, api, $, el, table, chart, resizeCharts, pct, mins, iso } = YimenManager;
  const kpi = (text, value, unit, cls) => YimenManager.kpi(text, value, cls, unit);
  let socket = null;
  const alerts = new Map();

  // --- formatting ------------------------------------------------------------------
  const clock = (s) => {
    if (s === null || s === undefined) return "";
    s = Math.round(s);
    const m = Math.floor(s / 60), r = s % 60;
    return m >= 60 ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}:${String(r).padStart(2, "0")}`
      : `${m}:${String(r).padStart(2, "0")}`;
  };
  const hhmm = (text) => (text ? text.slice(11, 16) : "");

  YimenManager.onUnauthorised(() => logout());

  // --- login -----------------------------------------------------------------------
  $("#login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    $("#login-error").textContent = "";
    let body;
    try {
      body = await hub("POST", "/auth/login", { username: form.get("username"), password: form.get("password") });
    } catch (error) { $("#login-error").textContent = T("登录失败"); return; }
    if (!["manager", "supervisor", "admin"].includes(body.user.role)) {
      $("#login-error").textContent = T("需要大厅主任或管理员账号"); return;
    }
    sessionStorage.setItem(TOKEN_KEY, body.token);
    sessionStorage.setItem(TOKEN_KEY + ".user", body.user.name || body.user.username);
    sessionStorage.setItem(TOKEN_KEY + ".role", body.user.role);
    start();
  });

  function logout() {
    sessionStorage.removeItem(TOKEN_KEY);
    if (socket) socket.stop();
    socket = null;
    $("#app").hidden = true; $("#tabs").hidden = true; $("#logout").hidden = true;
    $("#login").hidden = false;
  }
  $("#logout").addEventListener("click", () => {
    hub("POST", "/auth/logout").catch(() => { /* the session ends here either way */ });
    logout();
  });

  // --- tabs ------------------------------------------------------------------------
  const loaded = {};
  function showTab(name) {
    document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("active", b.dataset.tab === name));
    document.querySelectorAll("main .tab").forEach((s) => { s.hidden = s.dataset.tab !== name; });
    if (!loaded[name]) {
      loaded[name] = true;
      if (name === "reports") runReport();
      if (name === "accuracy") runAccuracy();
      if (name === "planning") runPlanning();
      if (name === "lookup" && !$("#l-date").value) $("#l-date").value = iso(new Date());
    }
    resizeCharts();
    history.replaceState(null, "", `#${name}`);
  }
  document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => showTab(b.dataset.tab)));

  // --- the live dashboard ------------------------------------------------------------
  // The legend's order is the page's; the names are the hub's.
  const STATES = ["serving", "called", "idle", "paused", "unattended", "closed"]
    .map((state) => [state, label("floor_states", state)]);
  const STATE_COLOURS = { serving: "--serving", called: "--called", idle: "--idle", paused: "--paused",
    unattended: "--unattended", closed: "--closed" };

  function renderDashboard(snap) {
    $("#center-name").textContent = snap.center;
    const t = snap.today;
    const longest = t.longest_wait_now_s || 0;
    $("#kpis").replaceChildren(
      kpi(T("今日取号"), t.issued), kpi(T("已办结"), t.served, null, "good"),
      kpi(T("过号"), t.no_show), kpi(T("当前等候"), t.waiting_now, T("人"), t.waiting_now > 50 ? "warn" : ""),
      kpi(T("最长等候"), mins(longest), T("分钟"), longest > 1800 ? "bad" : longest > 900 ? "warn" : ""),
      kpi(T("平均等候"), mins(t.avg_wait_s), T("分钟")), kpi(T("90%等候"), mins(t.p90_wait_s), T("分钟")),
      kpi(T("平均办理"), mins(t.avg_service_s), T("分钟")), kpi(T("即办率"), pct(t.on_spot_share), null, "good"));
    renderFloor(snap);
    renderQueues(snap.queues);
    (snap.alerts || []).forEach((a) => alerts.set(a.id, a));
    renderAlerts();
    $("#public-url-warning").textContent = snap.public_url_warning || "";
    $("#public-url-warning").hidden = !snap.public_url_warning;
    (window.yimenDashboardHooks || []).forEach((hook) => hook(snap));
  }

  function renderFloor(snap) {
    const counts = snap.window_states || {};
    $("#legend").replaceChildren(...STATES.map(([key, name]) => {
      const span = el("span", null, `${name} ${counts[key] || 0}`);
      span.style.setProperty("--c", `var(${STATE_COLOURS[key]})`);
      return span;
    }));
    const zones = snap.zones.map((zone) => {
      const box = el("div", "zone");
      box.append(el("h3", null, zone.name));
      const grid = el("div", "zone-grid");
      snap.windows.filter((w) => w.zone_id === zone.id).forEach((w) => {
        const tile = el("div", `win ${w.state}`);
        tile.dataset.window = w.id;
        tile.title = `${w.name} · ${label("floor_states", w.state)}` +
          (w.clerk ? ` · ${w.clerk.name}` : "") + (w.paused_reason ? ` · ${w.paused_reason}` : "");
        tile.append(el("div", "no", String(w.number)));
        if (w.waiting) tile.append(el("span", "waiting", `${w.waiting}`));
        if (w.current) {
          tile.append(el("div", "tk", w.current.number));
          tile.append(el("div", "sub", clock(w.current.status === "serving" ? w.current.serving_for_s : w.current.called_for_s)));
        } else if (w.state === "paused") {
          tile.append(el("div", "sub", w.paused_reason || T("暂停")));
          tile.append(el("div", "sub", clock(w.state_for_s)));
        } else if (w.state === "unattended") {
          tile.append(el("div", "sub", label("floor_states", "unattended")));
          tile.append(el("div", "sub", clock(w.state_for_s)));
        } else if (w.state === "idle") {
          tile.append(el("div", "sub", T("空闲")));
          tile.append(el("div", "sub", clock(w.state_for_s)));
        }
        grid.append(tile);
      });
      box.append(grid);
      return box;
    });
    $("#floor").replaceChildren(...zones);
  }

  function renderQueues(queues) {
    const rows = [...queues].sort((a, b) => b.longest_wait_s - a.longest_wait_s || b.waiting - a.waiting)
      .map((q) => {
        const tr = el("tr");
        tr.append(el("td", null, q.name), el("td", null, q.waiting),
          el("td", q.longest_wait_s > 1800 ? "long" : null, mins(q.longest_wait_s)),
          el("td", null, q.no_window_open ? T("暂无窗口办理") : q.waiting ? mins(q.estimated_wait_s) : "–"), el("td", null, q.served_today),
          el("td", null, `${q.open_windows}/${q.window_ids.length}`));
        return tr;
      });
    $("#queues tbody").replaceChildren(...rows);
    $("#queues-shown").textContent = T("共 {total} 个队列，{waiting} 个有人等候，表中可滚动查看全部", {
      total: queues.length, waiting: queues.filter((q) => q.waiting > 0).length });
  }

  function renderAlerts() {
    const list = [...alerts.values()].filter((a) => a.active !== false);
    const order = { critical: 0, warning: 1, info: 2 };
    list.sort((a, b) => (order[a.severity] ?? 3) - (order[b.severity] ?? 3) || String(b.at).localeCompare(String(a.at)));
    $("#alert-count").textContent = list.length;
    $("#alert-count").classList.toggle("zero", list.length === 0);
    if (!list.length) { $("#alerts").replaceChildren(el("li", "empty", T("暂无告警"))); return; }
    $("#alerts").replaceChildren(...list.map((a) => {
      const li = el("li", a.severity);
      li.dataset.kind = a.kind;
      li.append(el("time", null, hhmm(a.at)), document.createTextNode(a.message));
      return li;
    }));
  }

  function connect() {
    socket = Yimen.live("/manager", {
      auth: { token: token() },
      onLink: (ok) => {
        $("#live").classList.toggle("on", ok);
        $("#live-text").textContent = ok ? T("实时") : T("连接中断");
      },
      // refused for the token or the role: log in again; anything else: try again later
      onRefused: (err) => { if (/token|role/.test(err.message)) { logout(); return false; } return true; },
      events: {
        dashboard: (snap) => {
          alerts.forEach((a, id) => { if (a.kind !== "printer" && !snap.alerts.find((x) => x.id === id)) alerts.delete(id); });
          renderDashboard(snap);
        },
        alert: (alert) => {
          const id = alert.id || `${alert.kind}:${alert.device_id || alert.at}`;
          if (alert.active === false) alerts.delete(id); else alerts.set(id, Object.assign({ id }, alert));
          renderAlerts();
        },
      },
    });
    window.yimenManagerSocket = socket;  // for the page's other views (ratings.js)
  }

  // --- charts ----------------------------------------------------------------------
  const PALETTE = ["#1f4e79", "#2e9d5b", "#e0a526", "#d9443b", "#2f6fde", "#7d5ba6"];

  function setRange(prefix, days) {
    const to = new Date();
    const from = new Date();
    if (days === "year") from.setMonth(0, 1); else from.setDate(to.getDate() - Number(days));
    $(`#${prefix}-from`).value = iso(from);
    $(`#${prefix}-to`).value = iso(to);
  }
  const rangeQuery = (prefix) => `from=${$(`#${prefix}-from`).value}&to=${$(`#${prefix}-to`).value}`;

  const download = (path, filename) => YimenManager.download(path, filename);

  // --- reports ---------------------------------------------------------------------
  const HEAT_FLOOR = 10;      // tickets: the top of the heat map's colours at the least
  const HEAT_MIN_HOURS = 4;   // hours with arrivals below which the map says there is too little
  async function runReport() {
    const by = $("#r-by").value, q = rangeQuery("r");
    const [report, heat] = await Promise.all([api(`/reports?${q}&by=${by}`), api(`/reports/heatmap?${q}`)]);
    const t = report.total;
    $("#r-kpis").replaceChildren(
      kpi(T("取号数"), t.issued), kpi(T("办结数"), t.served, null, "good"), kpi(T("过号未到"), t.no_show),
      kpi(T("转办"), t.transfers), kpi(T("平均等候"), mins(t.avg_wait_s), T("分钟")),
      kpi(T("等候中位数"), mins(t.median_wait_s), T("分钟")), kpi(T("90%等候"), mins(t.p90_wait_s), T("分钟")),
      kpi(T("最长"), mins(t.max_wait_s), T("分钟"), "warn"), kpi(T("平均办理"), mins(t.avg_service_s), T("分钟")),
      kpi(T("即办率"), pct(t.on_spot_share), null, "good"));
    const rows = report.rows;
    const labels = rows.map((r) => r.label);
    // Many categories (departments, windows): horizontal bars, one label a line, names cut
    // to the room there is; few: upright bars with level labels.
    const many = labels.length > 8;
    const height = many ? Math.max(320, 22 * labels.length + 90) : 320;
    const category = { type: "category", data: labels, inverse: many,
      axisLabel: { interval: 0, fontSize: 11, width: many ? 130 : undefined, overflow: "truncate" } };
    const bars = (yAxis) => (many ? { xAxis: Object.assign({ type: "value" }, yAxis), yAxis: category }
      : { xAxis: category, yAxis: Object.assign({ type: "value" }, yAxis) });
    const grid = { left: 10, right: 20, bottom: 20, top: 40, containLabel: true };
    ["c-volume", "c-wait"].forEach((id) => { document.getElementById(id).style.height = `${height}px`; });
    chart("c-volume").resize();
    chart("c-wait").resize();
    chart("c-volume").setOption(Object.assign({
      color: PALETTE, tooltip: { trigger: "axis" }, legend: { top: 0 }, grid,
      series: [{ name: T("取号数"), type: "bar", data: rows.map((r) => r.issued) },
        { name: T("办结数"), type: "bar", data: rows.map((r) => r.served) },
        { name: T("过号未到"), type: "bar", data: rows.map((r) => r.no_show) }],
    }, bars({})), true);
    chart("c-wait").setOption(Object.assign({
      color: ["#1f4e79", "#e0a526", "#d9443b", "#2e9d5b"], tooltip: { trigger: "axis" }, legend: { top: 0 }, grid,
      series: [
        { name: T("平均等候"), type: "bar", data: rows.map((r) => r.avg_wait_s === null ? null : +(r.avg_wait_s / 60).toFixed(1)) },
        { name: T("90%等候"), type: "line", data: rows.map((r) => r.p90_wait_s === null ? null : +(r.p90_wait_s / 60).toFixed(1)) },
        { name: T("平均办理"), type: "line", data: rows.map((r) => r.avg_service_s === null ? null : +(r.avg_service_s / 60).toFixed(1)) }],
    }, bars({ name: T("分钟") })), true);
    chart("c-outcome").setOption({
      color: ["#2e9d5b", "#2f6fde", "#e0a526", "#d9443b"], tooltip: { trigger: "item" }, legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["40%", "68%"], label: { formatter: "{b}\n{d}%" }, data: [
        { name: T("即办件"), value: t.completed_on_spot }, { name: T("承诺件"), value: t.accepted },
        { name: T("退回补正"), value: t.returned }, { name: T("过号未到"), value: t.no_show }] }],
    }, true);
    const hours = [...new Set(heat.cells.map((c) => c[1]))].sort((a, b) => a - b);
    // The colours run from 0 to the data's maximum, but at least HEAT_FLOOR tickets: one
    // hour of a few tickets is not a red stripe. Fewer than HEAT_MIN_HOURS hours: say so.
    const max = Math.max(HEAT_FLOOR, ...heat.cells.map((c) => c[2]));
    const tooLittle = hours.length < HEAT_MIN_HOURS;
    $("#heat-too-little").hidden = !tooLittle;
    $("#heat-too-little").textContent = tooLittle
      ? T("数据太少：只有 {hours} 个时段有到达，颜色按至少 {floor} 张号票计", { hours: hours.length, floor: HEAT_FLOOR }) : "";
    const weekdays = heat.weekdays.map((w) => T(w));
    chart("c-heat").setOption({
      tooltip: { formatter: (p) => `${weekdays[p.value[1]]} ${hours[p.value[0]]}:00 — ${p.value[2]}` },
      grid: { left: 50, right: 20, top: 10, bottom: 60 },
      xAxis: { type: "category", data: hours.map((h) => `${h}:00`), splitArea: { show: true } },
      yAxis: { type: "category", data: weekdays, splitArea: { show: true } },
      visualMap: { min: 0, max, calculable: true, orient: "horizontal", left: "center", bottom: 0,
        inRange: { color: ["#f4f7fb", "#9ec5e8", "#1f4e79", "#d9443b"] } },
      series: [{ type: "heatmap", data: heat.cells.map(([w, h, n]) => [hours.indexOf(h), w, n]),
        label: { show: hours.length <= 14, fontSize: 10 } }],
    }, true);
    table($("#r-table"), [$("#r-by").selectedOptions[0].textContent, T("取号数"), T("办结数"), T("过号未到"), T("转办"),
      T("平均等候"), T("等候中位数"), T("90%等候"), T("最长"), T("平均办理"), T("即办率")],
    rows.concat([Object.assign({ label: T("合计") }, t)]).map((r) => [r.label, r.issued, r.served, r.no_show,
      r.transfers, mins(r.avg_wait_s), mins(r.median_wait_s), mins(r.p90_wait_s), mins(r.max_wait_s),
      mins(r.avg_service_s), pct(r.on_spot_share)]));
  }
  $("#r-run").addEventListener("click", runReport);
  document.querySelectorAll(".quick button").forEach((b) => b.addEventListener("click", () => {
    setRange("r", b.dataset.range); runReport();
  }));
  $("#x-report-xlsx").addEventListener("click", () => download(`/reports/export?${rangeQuery("r")}&by=${$("#r-by").value}&format=xlsx`, "report.xlsx"));
  $("#x-report-csv").addEventListener("click", () => download(`/reports/export?${rangeQuery("r")}&by=${$("#r-by").value}&format=csv`, "report.csv"));
  $("#x-tickets-xlsx").addEventListener("click", () => download(`/reports/export?${rangeQuery("r")}&kind=tickets&format=xlsx`, "tickets.xlsx"));

  // --- accuracy --------------------------------------------------------------------
  async function runAccuracy() {
    const result = await api(`/reports/accuracy?${rangeQuery("a")}`);
    const t = result.total;
    $("#a-kpis").replaceChildren(kpi(T("票数"), t.tickets), kpi(T("平均绝对误差"), mins(t.mae_s), T("分钟")),
      kpi(T("5分钟内占比"), pct(t.within_5min_share), null, "good"), kpi(T("平均偏差"), mins(t.bias_s), T("分钟")));
    chart("c-acc").setOption({
      color: ["#1f4e79", "#e0a526", "#2e9d5b"], tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 50, right: 50, top: 40, bottom: 30 },
      xAxis: { type: "category", data: result.by_hour.map((r) => r.label) },
      yAxis: [{ type: "value", name: T("分钟") }, { type: "value", max: 100, name: "%" }],
      series: [
        { name: T("预估"), type: "bar", data: result.by_hour.map((r) => +(r.avg_quoted_s / 60).toFixed(1)) },
        { name: T("实际"), type: "bar", data: result.by_hour.map((r) => +(r.avg_actual_s / 60).toFixed(1)) },
        { name: T("5分钟内占比"), type: "line", yAxisIndex: 1, data: result.by_hour.map((r) => +(r.within_5min_share * 100).toFixed(1)) }],
    }, true);
    table($("#a-table"), [T("队列"), T("票数"), T("平均绝对误差"), T("平均偏差"), T("5分钟内占比"), T("预估"), T("实际")],
      result.by_queue.map((r) => [r.label, r.tickets, mins(r.mae_s), mins(r.bias_s), pct(r.within_5min_share),
        mins(r.avg_quoted_s), mins(r.avg_actual_s)]));
  }
  $("#a-run").addEventListener("click", runAccuracy);
  $("#x-acc-xlsx").addEventListener("click", () => download(`/reports/export?${rangeQuery("a")}&kind=accuracy&format=xlsx`, "accuracy.xlsx"));

  // --- one ticket's history (complaints, supervision) ---------------------------------
  const EVENT_NAMES = { ticket_issued: "取号", ticket_called: "叫号", ticket_recalled: "重呼",
    service_started: "开始办理", ticket_finished: "办结", ticket_no_show: "过号", ticket_transferred: "转办",
    ticket_cancelled: "取消", ticket_rated: "评价" };
  const OUTCOME_NAMES = { completed: "即办件", accepted: "承诺件", returned: "退回补正" };
  function actorLabel(step) {
    if (step.actor_name) return step.actor_name;
    if (step.actor.startsWith("device:")) return T(step.kind === "ticket_rated" ? "评价器" : "取号机");
    if (step.actor.startsWith("visitor:")) return T("群众");
    if (step.actor.startsWith("system:")) return T("系统");
    return step.actor;
  }
  function stepNote(step) {
    const d = step.data || {};
    if (step.kind === "ticket_finished") return T(OUTCOME_NAMES[d.outcome] || d.outcome || "");
    if (step.kind === "ticket_transferred") return `${d.from_queue_name || d.from_queue || ""} → ${d.to_queue_name || d.to_queue || ""}`;
    if (step.kind === "ticket_issued" && d.quoted_wait_s != null) return `${T("预估")} ${mins(d.quoted_wait_s)} ${T("分钟")}`;
    if (step.kind === "ticket_cancelled") return d.reason || "";
    if (step.kind === "ticket_rated") return `${d.level} · ${T(["", "非常不满意", "不满意", "基本满意", "满意", "非常满意"][d.level] || "")}`;
    return "";
  }
  async function runLookup(event) {
    if (event) event.preventDefault();
    $("#l-error").textContent = "";
    const number = $("#l-number").value.trim();
    if (!number) return;
    let result;
    try {
      result = await api(`/tickets/lookup?number=${encodeURIComponent(number)}&date=${$("#l-date").value}`);
    } catch (error) {
      $("#l-kpis").replaceChildren();
      $("#l-table").replaceChildren();
      $("#l-error").textContent = error.code === "ticket_not_found" ? T("未找到该号票") : error.message;
      return;
    }
    const ticket = result.ticket;
    // the wait ends at the first call (a transfer clears called_at, the history keeps it)
    const firstCall = result.events.find((step) => step.kind === "ticket_called");
    const calledAt = firstCall ? firstCall.at : ticket.called_at;
    const wait = calledAt ? (Date.parse(calledAt) - Date.parse(ticket.issued_at)) / 1000 : null;
    $("#l-kpis").replaceChildren(kpi(T("号码"), ticket.number), kpi(T("事项"), ticket.matter_name || ticket.matter_id),
      kpi(T("状态"), label("ticket_statuses", ticket.status)),
      kpi(T("预估"), mins(ticket.quoted_wait_s), T("分钟")), kpi(T("实际"), mins(wait), T("分钟")));
    table($("#l-table"), [T("时间"), T("事件"), T("操作人"), T("窗口"), T("说明")],
      result.events.map((step) => [hhmm(step.at) + step.at.slice(16, 19), T(EVENT_NAMES[step.kind] || step.kind),
        actorLabel(step), step.window_number ?? "–", stepNote(step)]));
  }
  $("#l-form").addEventListener("submit", runLookup);

  // --- planning --------------------------------------------------------------------
  const CHANGES = { keep: "保持", to_standalone: "升为独立窗口", to_comprehensive: "并入综合窗口", move_in: "新进驻" };
  const GROUPS = Object.fromEntries(boot.labels.unit_groups.map((g) => [g.id, g.name]));
  function renderUnits(plan) {
    // too little of the hub's data: only the imported departments' own figures are advised on
    const units = plan.too_little_data ? plan.units.filter((u) => u.change !== null) : plan.units;
    if (!units.length) { $("#p-units").replaceChildren(); return; }
    const rows = [...units].sort((a, b) => (a.change === "keep") - (b.change === "keep") || b.yearly_cases - a.yearly_cases);
    table($("#p-units"), [T("部门"), T("现设置"), T("年办件量"), T("建议"), T("变化")], rows.map((u) => [
      u.name, u.group ? GROUPS[u.group] || u.group : "–", u.yearly_cases, GROUPS[u.recommended] || u.recommended,
      el("span", `badge ${u.change}`, T(CHANGES[u.change] || u.change))]));
  }
  async function runPlanning() {
    const q = rangeQuery("p");
    const share = Number($("#p-share").value) / 100, target = Number($("#p-minutes").value) * 60;
    const [windows, units] = await Promise.all([
      api(`/planning/windows?${q}&target_share=${share}&target_s=${target}`), api(`/planning/units?${q}`)]);
    // Too little data: the hub gives no advice and the page says why instead of the tables.
    const short = windows.too_little_data || units.too_little_data;
    $("#p-too-little").hidden = !short;
    $("#p-too-little").textContent = short ? T("数据太少，无法规划：所选时间内只有 {days} 个办理日、{tickets} 张号票（至少需要 {min_days} 个办理日和 {min_tickets} 张号票），暂不给出增减窗口或调整部门的建议", {
      days: windows.service_days, tickets: windows.tickets, min_days: windows.min_service_days,
      min_tickets: windows.min_tickets }) : "";
    $("#p-windows").closest(".card").hidden = short;
    if (short) { $("#p-windows").replaceChildren(); renderUnits(units); return; }
    const hours = windows.hours;
    const rows = windows.queues.filter((x) => x.hours.some((h) => h.arrivals_per_h > 0)).map((x) => {
      const change = el("span", `badge ${x.change > 0 ? "down" : x.change < 0 ? "up" : ""}`, x.change > 0 ? `+${x.change}` : String(x.change));
      return [x.name, x.windows, mins(x.avg_service_s)].concat(x.hours.map((h) => {
        const cell = el("span", null, h.needed || "·");
        cell.title = `${h.arrivals_per_h}/h · ${h.erlangs} Erl · ${pct(h.service_level)}`;
        if (h.needed > x.windows) cell.style.color = "var(--unattended)";
        return cell;
      }), [x.peak_needed, change]);
    });
    table($("#p-windows"), [T("队列"), T("现有窗口"), T("平均办理")].concat(hours.map((h) => `${h}:00`), [T("高峰需要"), T("增减")]), rows);
    renderUnits(units);
  }
  $("#p-run").addEventListener("click", runPlanning);
  $("#p-import").addEventListener("click", async () => {
    renderUnits(await api(`/planning/units?${rangeQuery("p")}`, { method: "POST", body: $("#p-csv").value,
      headers: { "Content-Type": "text/csv" } }));
  });

  // --- start -----------------------------------------------------------------------
  function tick() { $("#clock").textContent = new Date().toLocaleString("zh-CN", { hour12: false, timeZone: boot.timezone }); }
  function start() {
    $("#login").hidden = true; $("#app").hidden = false; $("#tabs").hidden = false; $("#logout").hidden = false;
    $("#user").textContent = sessionStorage.getItem(TOKEN_KEY + ".user") || "";
    ["r", "a"].forEach((p) => setRange(p, 29));
    setRange("p", 364);
    connect();
    showTab((location.hash || "#dashboard").slice(1));
  }
  tick(); setInterval(tick, 1000);
  if (token()) start(); else $("#login").hidden = false;
})();
