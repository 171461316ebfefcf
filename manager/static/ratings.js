/* The manager page's 好差评 views: the ratings figures (ECharts) and the rectification tab
 * (差评整改) with each item's history and the moves the hub allows. The hub decides what
 * may happen next (allowed_actions); the page only offers those moves. */
(function () {
  "use strict";
  const { T, label, $, el, api, kpi, table, chart, resizeCharts, pct, iso, when, whenShown, newest } = YimenManager;
  const LEVEL_COLOURS = { 5: "#1a8f4c", 4: "#5cb85c", 3: "#e9a820", 2: "#ee6b3b", 1: "#d12f2f" };
  const levelName = (level) => label("rating_levels", String(level));
  let selected = null;

  const levelBadge = (level) => {
    const badge = el("span", `level-badge l${level}`, levelName(level));
    return badge;
  };

  // --- the ratings figures ---------------------------------------------------------
  const range = () => `from=${$("#g-from").value}&to=${$("#g-to").value}`;
  async function runRatings() {
    const by = $("#g-by").value;
    const summary = await api(`/ratings/summary?${range()}&by=${by}`);
    const t = summary.total;
    $("#g-kpis").replaceChildren(kpi(T("办结数"), t.done), kpi(T("评价数"), t.rated),
      kpi(T("参评率"), pct(t.rated_share)), kpi(T("满意率"), pct(t.satisfied_share), "good"),
      kpi(T("差评数"), t.bad, t.bad ? "bad" : ""));
    const rows = summary.rows.filter((r) => r.rated > 0 || r.done > 0)
      .sort((a, b) => b.rated - a.rated || b.done - a.done);
    const shown = rows.slice(0, 30);
    chart("c-levels").setOption({
      tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 50, right: 20, top: 40, bottom: 90 },
      xAxis: { type: "category", data: shown.map((r) => r.name || r.key || "–"),
        axisLabel: { rotate: shown.length > 6 ? 40 : 0, interval: 0, fontSize: 11 } },
      yAxis: { type: "value" },
      series: [5, 4, 3, 2, 1].map((level) => ({
        name: levelName(level), type: "bar", stack: "levels", color: LEVEL_COLOURS[level],
        data: shown.map((r) => r.levels[String(level)]) })),
    }, true);
    chart("c-level-share").setOption({
      tooltip: { trigger: "item" }, legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["40%", "68%"], label: { formatter: "{b}\n{c} ({d}%)" },
        data: [5, 4, 3, 2, 1].map((level) => ({ name: levelName(level), value: t.levels[String(level)],
          itemStyle: { color: LEVEL_COLOURS[level] } })) }],
    }, true);
    const unit = by === "unit";
    const headers = [$("#g-by").selectedOptions[0].textContent, T("办结数"), T("评价数"), T("参评率")]
      .concat([5, 4, 3, 2, 1].map((l) => levelName(l)), [T("满意率"), T("差评数")],
        unit ? [T("整改数"), T("逾期"), T("回访率"), T("按期整改率")] : []);
    table($("#g-table"), headers, rows.map((r) => [r.name || r.key || "–", r.done, r.rated, pct(r.rated_share)]
      .concat([5, 4, 3, 2, 1].map((l) => r.levels[String(l)]), [pct(r.satisfied_share), r.bad],
        unit ? [r.rectifications, r.overdue, pct(r.callback_rate), pct(r.on_time_rate)] : [])));
    resizeCharts();
  }
  const download = (format) => YimenManager.download(`/ratings/export?${range()}&format=${format}`,
    `ratings.${format}`);

  // --- the rectification tab ---------------------------------------------------------
  const loadRectifications = newest((query) => api(`/rectifications${query ? "?" + query : ""}`));
  async function runRectifications() {
    const status = $("#x-status").value;
    const query = [status ? `status=${status}` : "", $("#x-overdue").checked ? "overdue=true" : ""]
      .filter(Boolean).join("&");
    const items = await loadRectifications(query);
    if (!items) return;  // a newer refresh (a move here, or one made elsewhere) answers instead
    table($("#x-table"), [T("号码"), T("评价时间"), T("部门"), T("窗口"), T("工作人员"), T("评价"),
      T("状态"), T("整改期限")], items.map((item) => ({
      cls: (item.overdue ? "overdue" : "") + (selected === item.id ? " selected" : ""),
      onclick: () => { selected = item.id; renderDetail(item); markSelected(item.id); },
      cells: [item.ticket.number, when(item.rated_at), item.unit_name || item.ticket.unit_id,
        item.window_number ?? "–", item.clerk ? (item.clerk.name || item.clerk.username) : "–",
        levelBadge(item.rating.level), statusBadge(item), when(item.due_at)],
    })));
    $("#x-table").querySelectorAll("tbody tr").forEach((tr, i) => { tr.dataset.id = items[i].id; });
    const current = items.find((item) => item.id === selected);
    if (current) renderDetail(current);
  }
  function markSelected(id) {
    $("#x-table").querySelectorAll("tbody tr").forEach((tr) => tr.classList.toggle("selected", Number(tr.dataset.id) === id));
  }
  function statusBadge(item) {
    const span = el("span", `status-badge ${item.status}`, label("rectification_statuses", item.status));
    if (item.overdue) span.append(el("b", "overdue-flag", T("逾期")));
    return span;
  }

  // The buttons of each move: [field, value, text]. Which moves are offered is the hub's
  // answer (allowed_actions: what the item allows now and the user's role may make).
  const MOVES = {
    verify: [["finding", "valid", "属实"], ["finding", "disputed", "不属实（申诉）"]],
    review: [["decision", "upheld", "维持差评"], ["decision", "overturned", "撤销差评"]],
    rectify: [[null, null, "整改"]],
    callback: [[null, null, "回访"]],
  };

  function actorName(step) {
    if (step.actor_name) return step.actor_name;
    if (step.actor.startsWith("visitor:")) return T("群众");
    return step.actor;
  }

  function renderDetail(item) {
    const box = $("#x-detail");
    const head = el("div", "detail-head");
    head.append(el("h2", null, `${item.ticket.number} · ${item.matter_name || item.ticket.matter_id}`), statusBadge(item));
    const facts = el("dl", "facts");
    const fact = (k, v) => { facts.append(el("dt", null, k)); const dd = el("dd"); if (v instanceof Node) dd.append(v); else dd.textContent = v ?? "–"; facts.append(dd); };
    fact(T("评价"), levelBadge(item.rating.level));
    fact(T("原因"), item.rating.reasons.map((r) => label("rating_reasons", r)).join("、") || "–");
    fact(T("意见"), item.rating.comment || "–");
    fact(T("渠道"), label("rating_channels", item.channel));
    fact(T("部门"), item.unit_name);
    fact(T("窗口"), item.window_number);
    fact(T("工作人员"), item.clerk ? `${item.clerk.name || ""} (${item.clerk.username})` : "–");
    fact(T("整改期限"), when(item.due_at));
    if (item.callback) fact(T("回访"), `${item.callback.reached ? T("已联系到群众") : "–"}` +
      (item.callback.level ? ` · ${levelName(item.callback.level)}` : ""));
    const history = el("ol", "history");
    item.history.forEach((step) => {
      const li = el("li");
      li.dataset.action = step.action;
      li.append(el("time", null, when(step.at)), el("b", null, label("rectification_steps", step.action)),
        el("span", "actor", actorName(step)), el("span", "note", step.note || ""));
      history.append(li);
    });
    const parts = [head, facts, el("h3", null, T("处理记录")), history];
    const moves = item.allowed_actions.filter((a) => MOVES[a]);
    moves.forEach((action) => parts.push(moveForm(item, action)));
    box.replaceChildren(...parts);
  }

  function moveForm(item, action) {
    const form = el("form", "move");
    form.dataset.action = action;
    form.append(el("h3", null, label("rectification_steps", action)));
    if (action === "callback") {
      const reached = el("label", "inline");
      const box = el("input"); box.type = "checkbox"; box.name = "reached"; box.checked = true;
      reached.append(box, document.createTextNode(" " + T("已联系到群众")));
      const level = el("select"); level.name = "level";
      level.append(new Option(T("不变"), ""));
      [5, 4, 3, 2, 1].forEach((l) => level.append(new Option(levelName(l), String(l))));
      const levelLabel = el("label", "inline", T("回访后评价") + " ");
      levelLabel.append(level);
      form.append(reached, levelLabel);
    }
    const note = el("textarea"); note.name = "note"; note.rows = 2; note.placeholder = T("备注（必填）");
    form.append(note);
    const buttons = el("div", "move-buttons");
    MOVES[action].forEach(([field, value, text]) => {
      const button = el("button", "primary", T(text));
      button.type = "button";
      if (value) button.dataset.value = value;
      button.addEventListener("click", () => submitMove(item, action, form, field, value));
      buttons.append(button);
    });
    const error = el("p", "error");
    form.append(buttons, error);
    return form;
  }

  async function submitMove(item, action, form, field, value) {
    const error = form.querySelector(".error");
    error.textContent = "";
    const note = form.elements.note.value.trim();
    if (!note) { error.textContent = T("请填写备注"); return; }
    const body = { note };
    if (field) body[field] = value;
    if (action === "callback") {
      body.reached = form.elements.reached.checked;
      if (form.elements.level.value) body.level = Number(form.elements.level.value);
    }
    try {
      const updated = await api(`/rectifications/${item.id}/${action}`, { method: "POST", body });
      selected = updated.id;
      renderDetail(updated);
      await runRectifications();
    } catch (e) {
      error.textContent = e.message;
    }
  }

  // --- live: a rectification opened or moved elsewhere refreshes the open tab ----------
  let listening = null;
  function listen() {
    const socket = window.yimenManagerSocket;
    if (!socket || socket === listening) return;
    listening = socket;
    socket.on("rectification_changed", () => {
      if (!document.querySelector('main .tab[data-tab="rectifications"]').hidden) runRectifications();
    });
  }

  // --- dashboard notices: unknown calendar years, overdue rectifications -----------------
  (window.yimenDashboardHooks = window.yimenDashboardHooks || []).push((snap) => {
    listen();
    const notices = [];
    (snap.calendar_warnings || []).forEach((text) => {
      const p = el("p", "notice calendar"); p.append(el("b", null, T("工作日历提示") + " "), document.createTextNode(text));
      notices.push(p);
    });
    const overdue = snap.rectifications_overdue || 0;
    if (overdue) {
      const p = el("p", "notice overdue");
      p.append(el("b", null, `${T("逾期未整改")} ${overdue}`));
      p.addEventListener("click", () => { $("#x-overdue").checked = true; document.querySelector('#tabs button[data-tab="rectifications"]').click(); runRectifications(); });
      notices.push(p);
    }
    $("#notices").replaceChildren(...notices);
    $("#notices").hidden = notices.length === 0;
    $("#rect-overdue-badge").textContent = overdue;
    $("#rect-overdue-badge").classList.toggle("zero", overdue === 0);
  });

  const to = new Date(), from = new Date();
  from.setDate(to.getDate() - 29);
  $("#g-from").value = iso(from); $("#g-to").value = iso(to);
  whenShown("ratings", runRatings);
  whenShown("rectifications", runRectifications);
  $("#g-run").addEventListener("click", runRatings);
  $("#x-run").addEventListener("click", runRectifications);
  $("#x-status").addEventListener("change", runRectifications);
  $("#x-overdue").addEventListener("change", runRectifications);
  $("#x-ratings-csv").addEventListener("click", () => download("csv"));
  $("#x-ratings-json").addEventListener("click", () => download("json"));
})();
