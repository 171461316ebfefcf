/* The manager page's 平台推送 tab: the provincial platform's webhook outbox, per partner
 * (GET /partners with its counts; GET /partners/<id>/deliveries), every attempt of the
 * row picked, and an admin's re-send of a dead one (POST .../resend). The badge counts
 * dead rows and is refreshed when a webhook_dead alert arrives on /manager. The helpers
 * are manager-kit.js's. The tab shows only to those the hub lets read the outbox. */
(function () {
  "use strict";
  const { boot, T, label, role, $, api, el, table, kpi } = YimenManager;
  // The hub answers UTC; the hall reads its own clock: "12-01 20:17:45".
  const when = (text) => (text ? new Date(text).toLocaleString("sv-SE", { timeZone: boot.timezone }).slice(5) : "–");
  const tab = () => $('main .tab[data-tab="outbox"]');
  let partners = [];
  let selected = null;  // the event id shown in the detail card

  function badge(list) {
    const dead = list.reduce((sum, p) => sum + p.deliveries.dead, 0);
    $("#o-badge").textContent = dead;
    $("#o-badge").classList.toggle("zero", dead === 0);
  }

  async function loadPartners() {
    partners = await api("/partners");
    badge(partners);
    const picker = $("#o-partner"), keep = picker.value;
    picker.replaceChildren(...partners.map((p) => {
      const option = el("option", null, p.name + (p.active ? "" : ` (${T("已停用")})`));
      option.value = String(p.id);
      return option;
    }));
    if (keep && partners.some((p) => String(p.id) === keep)) picker.value = keep;
  }

  function emptyRow(text, columns) {
    const line = el("tr"), cell = el("td", "muted", text);
    cell.colSpan = columns;
    line.append(cell);
    return line;
  }

  function flag(status) {
    return el("span", "flag" + (status === "dead" ? " late" : status === "pending" ? " soon" : ""),
      label("delivery_statuses", status));
  }

  function showDetail(row) {
    selected = row.id;
    const box = $("#o-detail");
    const head = el("div", "detail-head");
    head.append(el("h2", null, label("webhook_types", row.type)), flag(row.status));
    const facts = el("dl", "facts");
    [[T("事件编号"), row.id], [T("对象"), row.object], [T("时间"), when(row.at)],
      [T("下次尝试"), when(row.next_at)], [T("送达时间"), when(row.delivered_at)],
      [T("最后错误"), row.last_error || "–"]].forEach(([name, value]) => facts.append(el("dt", null, name), el("dd", null, value)));
    const attempts = el("table", "data attempts");
    table(attempts, [T("时间"), T("服务器"), "HTTP", T("耗时"), T("错误")],
      row.attempts.map((a) => [when(a.at), a.hub, a.http_status ?? "–", `${a.duration_ms} ms`, a.error || ""]));
    const parts = [head, facts, el("h3", null, `${T("每次尝试")} (${row.attempts.length})`), attempts];
    if (row.status === "dead") {
      const again = el("button", "primary", T("重新推送"));
      again.id = "o-resend";
      const note = el("p", "muted");
      if (role() !== "admin") { again.disabled = true; note.textContent = T("只有管理员可以重新推送"); }
      again.addEventListener("click", async () => {
        again.disabled = true;
        try {
          await api(`/partners/${$("#o-partner").value}/deliveries/${encodeURIComponent(row.id)}/resend`, { method: "POST" });
          note.textContent = T("已重新排队，将立即推送");
          await run();
        } catch (error) { note.textContent = error.message; again.disabled = false; }
      });
      parts.push(again, note);
    }
    const payload = el("pre", "payload", JSON.stringify(row.data, null, 2));
    parts.push(el("h3", null, T("推送内容")), payload);
    box.replaceChildren(...parts);
  }

  async function run() {
    $("#o-error").textContent = "";
    try {
      await loadPartners();
      if (!partners.length) {
        $("#o-kpis").replaceChildren();
        $("#o-url").textContent = "";
        const body = el("tbody");
        body.append(emptyRow(T("尚未登记对接平台"), 6));
        $("#o-table").replaceChildren(body);
        return;
      }
      const partner = partners.find((p) => String(p.id) === $("#o-partner").value) || partners[0];
      $("#o-partner").value = String(partner.id);
      $("#o-url").textContent = `${T("接收地址")}: ${partner.webhook_url || "–"}`;
      const counts = partner.deliveries;
      $("#o-kpis").replaceChildren(
        kpi(label("delivery_statuses", "pending"), counts.pending, counts.pending ? "warn" : ""),
        kpi(label("delivery_statuses", "delivered"), counts.delivered, "good"),
        kpi(label("delivery_statuses", "dead"), counts.dead, counts.dead ? "bad" : ""),
        kpi(T("最早待推送"), when(partner.oldest_pending_at)));
      const status = $("#o-status").value;
      const rows = await api(`/partners/${partner.id}/deliveries${status ? `?status=${status}` : ""}`);
      const lines = rows.map((row) => ({
        cls: row.id === selected ? "selected" : null,
        cells: [when(row.at), label("webhook_types", row.type), row.object, flag(row.status),
          String(row.attempts.length), row.last_error || ""],
        onclick: (line) => {
          line.parentNode.querySelectorAll("tr").forEach((r) => r.classList.toggle("selected", r === line));
          showDetail(row);
        },
      }));
      table($("#o-table"), [T("时间"), T("类型"), T("对象"), T("状态"), T("尝试次数"), T("最后错误")], lines);
      if (!rows.length) $("#o-table tbody").append(emptyRow(T("没有推送记录"), 6));
      const shown = rows.find((row) => row.id === selected);
      if (shown) showDetail(shown);
    } catch (error) {
      $("#o-error").textContent = error.message;
    }
  }

  // --- live: a webhook gone dead refreshes the badge (and the open tab) ----------------
  let listening = null;
  function listen() {
    const socket = window.yimenManagerSocket;
    if (!socket || socket === listening) return;
    listening = socket;
    // The hub decides who reads the outbox (a supervisor does not): a 403 hides the tab.
    const button = document.querySelector('#tabs button[data-tab="outbox"]');
    loadPartners().then(() => { button.hidden = false; }, (error) => {
      if (error.status === 403) button.hidden = true;  // otherwise the badge waits for the next alert
    });
    socket.on("alert", (alert) => {
      if (button.hidden) return;
      if (alert.code !== "webhook_dead") return;
      if (!tab().hidden) run(); else loadPartners().catch(() => { /* the badge waits for the next one */ });
    });
  }
  (window.yimenDashboardHooks = window.yimenDashboardHooks || []).push(listen);

  document.addEventListener("DOMContentLoaded", () => {
    $("#o-run").addEventListener("click", run);
    $("#o-partner").addEventListener("change", () => { selected = null; run(); });
    $("#o-status").addEventListener("change", run);
    document.querySelector('#tabs button[data-tab="outbox"]').addEventListener("click", run);
  });
})();
