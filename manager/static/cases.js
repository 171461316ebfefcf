/* The manager page's cases tab (办件): the year-end clearance (GET /cases/report) with its
 * figures by unit, and the open cases by due date (GET /cases) with the decide buttons
 * (POST /cases/<no>/decide). Whether a case is overdue or due soon is the hub's answer. */
(function () {
  "use strict";
  const { T, label, $, el, api, kpi, table, when, today } = YimenManager;
  const yearNow = () => Number(today().slice(0, 4));

  function flag(item) {
    if (item.overdue) return el("span", "flag late", T("已超期"));
    if (item.due_soon) return el("span", "flag soon", T("即将到期"));
    return el("span", "flag", label("case_statuses", item.status));
  }
  function decideButtons(item) {
    const box = el("span", "decide");
    [["approved", T("准予")], ["rejected", T("不予")]].forEach(([result, text]) => {
      const b = el("button", result === "approved" ? "primary small" : "small", text);
      b.dataset.caseNo = item.case_no;
      b.dataset.result = result;
      box.append(b);
    });
    return box;
  }

  async function run() {
    const year = Number($("#k-year").value) || yearNow();
    const unit = $("#k-unit").value;
    $("#k-error").textContent = "";
    try {
      const query = new URLSearchParams({ status: "in_progress" });
      if (unit) query.set("unit_id", unit);
      if ($("#k-overdue").checked) query.set("overdue", "true");
      const [report, open] = await Promise.all([api(`/cases/report?year=${year}`), api(`/cases?${query}`)]);
      $("#k-kpis").replaceChildren(
        kpi(T("受理数"), report.opened), kpi(T("按期办结"), report.decided_on_time, "good"),
        kpi(T("超期办结"), report.decided_late, report.decided_late ? "warn" : ""),
        kpi(T("在办"), report.open), kpi(T("超期在办"), report.overdue_open, report.overdue_open ? "bad" : ""),
        kpi(T("已领取"), report.picked_up));
      table($("#k-units"), [T("部门"), T("受理数"), T("按期办结"), T("超期办结"), T("在办"), T("超期在办")],
        report.by_unit.map((r) => ({ cls: r.overdue_open ? "late" : null,
          cells: [r.name, r.opened, r.decided_on_time, r.decided_late, r.open, r.overdue_open] })));
      table($("#k-open"), [T("办件编号"), T("事项"), T("部门"), T("受理时间"), T("办结期限"), T("状态"), ""],
        open.map((c) => ({ cls: c.overdue ? "late" : c.due_soon ? "soon" : null,
          cells: [c.case_no, c.matter_name || c.matter_id, c.unit_name || c.unit_id, when(c.accepted_at),
            when(c.due_at), flag(c), decideButtons(c)] })));
      if (!open.length) $("#k-error").textContent = T("没有在办件");
      fillUnits(report.by_unit);
    } catch (error) {
      $("#k-error").textContent = error.message;
    }
  }
  function fillUnits(rows) {
    const select = $("#k-unit");
    if (select.options.length > 1) return;
    rows.forEach((r) => { const o = el("option", null, r.name); o.value = r.unit_id; select.append(o); });
  }
  async function decide(button) {
    const note = window.prompt(T("备注（选填）"), "") ;
    if (note === null) return;
    button.disabled = true;
    try {
      await api(`/cases/${encodeURIComponent(button.dataset.caseNo)}/decide`, {
        method: "POST", body: { result: button.dataset.result, note: note || null } });
      await run();
    } catch (error) {
      $("#k-error").textContent = error.message;
      button.disabled = false;
    }
  }

  if (!document.querySelector('main .tab[data-tab="cases"]')) return;
  $("#k-year").value = yearNow();
  YimenManager.whenShown("cases", run);
  $("#k-run").addEventListener("click", run);
  $("#k-overdue").addEventListener("change", run);
  $("#k-unit").addEventListener("change", run);
  $("#k-open").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-case-no]");
    if (button) decide(button);
  });
})();
