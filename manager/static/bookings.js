/* The manager page's bookings tab (预约): a day's bookings per queue (booked, still to
 * check in, checked in, missed, cancelled) and the mean wait of booked visitors against
 * the walk-ins of the same queue, all from GET /appointments/figures. */
(function () {
  "use strict";
  const { T, $, el, api, kpi, table, today } = YimenManager;
  const minutes = (s) => (s === null || s === undefined ? "–" : `${(s / 60).toFixed(1)} ${T("分钟")}`);
  let queueNames = null;

  async function run() {
    const day = $("#b-date").value || today();
    $("#b-date").value = day;
    $("#b-error").textContent = "";
    try {
      if (!queueNames) {
        const center = await api("/center");
        queueNames = Object.fromEntries(center.queues.map((q) => [q.id, q.name]));
      }
      const rows = await api(`/appointments/figures?date=${day}`);
      const sum = (key) => rows.reduce((total, r) => total + r[key], 0);
      $("#b-kpis").replaceChildren(kpi(T("预约数"), sum("bookings")), kpi(T("已签到"), sum("checked_in"), "good"),
        kpi(T("爽约"), sum("missed"), sum("missed") ? "bad" : ""), kpi(T("已取消"), sum("cancelled")),
        kpi(T("待签到"), sum("booked")));
      const headers = [T("队列"), T("预约数"), T("待签到"), T("已签到"), T("爽约"), T("已取消"),
        T("预约者平均等候"), T("现场取号平均等候")];
      table($("#b-table"), headers, rows.map((r) => ({ data: { queue: r.queue_id },
        cells: [queueNames[r.queue_id] || r.queue_id, r.bookings, r.booked, r.checked_in, r.missed, r.cancelled,
          minutes(r.booked_wait_s), minutes(r.walk_in_wait_s)] })));
      if (!rows.length) {
        const line = el("tr"), td = el("td", "muted", T("当日没有预约"));
        td.colSpan = headers.length;
        line.append(td);
        $("#b-table tbody").append(line);
      }
    } catch (error) {
      $("#b-error").textContent = error.message;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("#b-run").addEventListener("click", run);
    document.querySelector('#tabs button[data-tab="bookings"]').addEventListener("click", run);
  });
})();
