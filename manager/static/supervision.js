/* The manager page's 电子监察 tab (supervision alerts, live with a beep; the monthly review)
 * and the staff records tab. The hub decides what a finding is and says it in words
 * (kind names in labels, each alert's message); supervisors and admins may close one. */
(function () {
  "use strict";
  const { boot, T, token, role, api, $, el, kpi, table, iso, mins, whenShown, newest } = YimenManager;
  const when = (text) => (text ? text.slice(5, 16).replace("T", " ") : "–");  // MM-DD HH:MM
  const KINDS = (boot.labels && boot.labels.supervision_kinds) || {};
  const shown = new Map();  // the alerts in the list, by id

  // --- a short beep (Web Audio): a new finding is heard, not only seen ----------------
  let audio = null;
  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
      const osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.001, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.3, audio.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.35);
      osc.connect(gain).connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + 0.4);
      document.body.dataset.svBeeps = String(Number(document.body.dataset.svBeeps || 0) + 1);
    } catch (error) { /* no audio device: the list still shows it */ }
  }

  // --- the alerts --------------------------------------------------------------------
  function closeCell(alert) {
    if (alert.status !== "open") return el("span", "muted", alert.note ? `${T("已关闭")}：${alert.note}` : T("已关闭"));
    if (!["supervisor", "admin"].includes(role())) return el("span", "muted", "–");
    const box = el("span", "sv-close");
    const input = el("input"); input.placeholder = T("处理说明（必填）"); input.maxLength = 2000;
    const button = el("button", null, T("关闭"));
    button.addEventListener("click", async () => {
      if (!input.value.trim()) { input.placeholder = T("请填写处理说明"); input.focus(); return; }
      try {
        const closed = await api(`/supervision/alerts/${alert.id}/close`, { method: "POST", body: { note: input.value.trim() } });
        update(closed);
      } catch (error) { input.value = ""; input.placeholder = error.message; }
    });
    box.append(input, button);
    return box;
  }
  function render() {
    const status = $("#sv-status").value, kind = $("#sv-kind").value;
    const items = [...shown.values()].filter((a) => (!status || a.status === status) && (!kind || a.kind === kind))
      .sort((a, b) => (a.opened_at < b.opened_at ? 1 : a.opened_at > b.opened_at ? -1 : b.id - a.id));
    table($("#sv-table"), [T("发现时间"), T("类型"), T("内容"), T("窗口"), T("部门"), T("人员"), T("处理")],
      items.map((a) => ({
        cls: `sv-${a.kind} ${a.status}${a.fresh ? " fresh" : ""}`,
        cells: [when(a.opened_at), el("span", `sv-kind k-${a.kind}`, KINDS[a.kind] || a.kind_name || a.kind),
          a.message, a.window_number ? `${a.window_number}` : "–", a.unit_name || a.unit_id,
          a.user ? a.user.name || a.user.username : "–", closeCell(a)],
      })));
    $("#sv-empty").hidden = items.length > 0;
    const open = [...shown.values()].filter((a) => a.status === "open").length;
    $("#sv-badge").textContent = open;
    $("#sv-badge").classList.toggle("zero", open === 0);
  }
  function update(alert) {
    const before = shown.get(alert.id);
    shown.set(alert.id, Object.assign({}, alert, { fresh: !before && alert.status === "open" && loadedOnce }));
    render();
  }
  let loadedOnce = false;
  const loadAlerts = newest((query) => api(`/supervision/alerts?${query}`));
  async function runAlerts() {
    const status = $("#sv-status").value, kind = $("#sv-kind").value;
    const list = await loadAlerts(new URLSearchParams(Object.entries({ status, kind }).filter(([, v]) => v)));
    if (!list) return;  // a newer load answers instead
    shown.clear();
    list.forEach((a) => shown.set(a.id, a));
    loadedOnce = true;
    render();
  }

  // --- live: supervision_alert on /manager ----------------------------------------------
  let listening = null;
  function listen() {
    const socket = window.yimenManagerSocket;
    if (!socket || socket === listening) return;
    listening = socket;
    socket.on("supervision_alert", (alert) => {
      const isNew = !shown.has(alert.id) && alert.status === "open";
      update(alert);
      if (isNew) beep();
    });
  }
  (window.yimenDashboardHooks = window.yimenDashboardHooks || []).push(listen);

  // --- the monthly review ----------------------------------------------------------------
  async function runReview() {
    const review = await api(`/supervision/review?month=${$("#sv-month").value}`);
    const kinds = Object.keys(KINDS);
    const row = (name, r) => ({ cells: [name].concat(kinds.map((k) => r.findings[k] || 0),
      [r.findings_total, r.bad_ratings, r.overdue_rectifications, r.overdue_cases]) });
    table($("#sv-review"), [T("部门")].concat(kinds.map((k) => KINDS[k]), [T("发现合计"), T("差评"), T("逾期整改"), T("超期办件")]),
      review.units.map((u) => row(u.name || u.unit_id || "–", u)).concat([Object.assign(row(T("合计"), review.total), { cls: "total" })]));
  }

  // --- staff records ---------------------------------------------------------------------
  const staffRange = () => `from=${$("#s-from").value}&to=${$("#s-to").value}`;
  async function runStaff() {
    const report = await api(`/reports/staff?${staffRange()}`);
    const rows = report.rows;
    const sum = (key) => rows.reduce((n, r) => n + (r[key] || 0), 0);
    $("#s-kpis").replaceChildren(kpi(T("工作人员数"), rows.length), kpi(T("叫号数"), sum("calls")),
      kpi(T("办结数"), sum("served")), kpi(T("过号"), sum("no_show")), kpi(T("监察发现"), sum("findings")));
    table($("#s-table"), [T("账号"), T("姓名"), T("部门"), T("出勤天数"), T("叫号数"), T("办结数"), T("过号"),
      `${T("平均办理")}（${T("分钟")}）`, `${T("暂停时长")}（${T("分钟")}）`, "5", "4", "3", "2", "1", T("差评整改"), T("监察发现")],
    rows.map((r) => ({ cells: [r.user, r.name, r.unit_id, r.days_worked, r.calls, r.served, r.no_show,
      mins(r.avg_service_s), mins(r.paused_s), r.ratings["5"], r.ratings["4"], r.ratings["3"], r.ratings["2"],
      r.ratings["1"], r.rectifications, r.findings] })));
  }
  const download = (format) => YimenManager.download(`/reports/staff?${staffRange()}&format=${format}`,
    `staff-${$("#s-from").value}_${$("#s-to").value}.${format}`);

  Object.entries(KINDS).forEach(([code, name]) => { const o = el("option", null, name); o.value = code; $("#sv-kind").append(o); });
  const to = new Date(), from = new Date(to.getFullYear(), 0, 1);
  $("#s-from").value = iso(from); $("#s-to").value = iso(to);
  $("#sv-month").value = iso(to).slice(0, 7);
  whenShown("supervision", () => { runAlerts(); runReview(); });
  whenShown("staff", runStaff);
  $("#sv-run").addEventListener("click", runAlerts);
  $("#sv-status").addEventListener("change", runAlerts);
  $("#sv-kind").addEventListener("change", runAlerts);
  $("#sv-review-run").addEventListener("click", runReview);
  $("#s-run").addEventListener("click", runStaff);
  $("#x-staff-xlsx").addEventListener("click", () => download("xlsx"));
  $("#x-staff-csv").addEventListener("click", () => download("csv"));
  // the open count on the tab from the start, so a new finding is seen from any tab
  const poll = setInterval(() => { if (token() && !loadedOnce) { clearInterval(poll); runAlerts().catch(() => {}); } }, 500);
})();
