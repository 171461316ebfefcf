/* 办件 back office at the counter: the open cases of the clerk's home unit, soonest due
 * first (GET /cases?status=in_progress: the hub keeps a clerk to his unit), each with
 * 准予 / 不予 (POST /cases/<no>/decide). Due-soon and overdue flags are the hub's. */
(function () {
  "use strict";
  var config = Yimen.boot("page-config");
  var t = Yimen.translator(config.texts);
  var label = Yimen.labeller(config.labels);
  var refused = Yimen.refusal(config.labels.errors, t);
  var esc = Yimen.esc;
  var TOKEN_KEY = "yimen.counter.token";
  var api = Yimen.client(function () {
    var token = sessionStorage.getItem(TOKEN_KEY);
    return token ? { Authorization: "Bearer " + token } : {};
  });
  var dialog = document.getElementById("backoffice-dialog");
  var list = document.getElementById("backoffice-list");
  var message = document.getElementById("backoffice-message");

  function when(iso) { return iso ? iso.slice(0, 16).replace("T", " ") : ""; }
  function flag(item) {
    if (item.overdue) return "<span class=\"flag late\">" + esc(t("已超期")) + "</span>";
    if (item.due_soon) return "<span class=\"flag soon\">" + esc(t("即将到期")) + "</span>";
    return "<span class=\"flag\">" + esc(label("case_statuses", item.status)) + "</span>";
  }
  function load() {
    message.textContent = t("加载中…");
    return api("GET", "/cases?status=in_progress").then(function (items) {
      message.textContent = items.length ? "" : t("没有在办件");
      list.innerHTML = items.map(function (c) {
        return "<tr class=\"" + (c.overdue ? "late" : c.due_soon ? "soon" : "") + "\"><td><b>" + esc(c.case_no) + "</b><br><small>" +
          esc(c.matter_name || c.matter_id) + "</small></td><td>" + esc(when(c.due_at)) + "<br>" + flag(c) + "</td><td>" +
          "<button type=\"button\" class=\"primary\" data-case=\"" + esc(c.case_no) + "\" data-result=\"approved\">" + esc(t("准予")) + "</button> " +
          "<button type=\"button\" class=\"ghost\" data-case=\"" + esc(c.case_no) + "\" data-result=\"rejected\">" + esc(t("不予")) + "</button></td></tr>";
      }).join("");
    }, function (error) { list.innerHTML = ""; message.textContent = refused(error); });
  }
  list.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-case]");
    if (!button) return;
    button.disabled = true;
    var note = document.getElementById("backoffice-note").value.trim();
    api("POST", "/cases/" + encodeURIComponent(button.dataset.case) + "/decide",
      { result: button.dataset.result, note: note || null }).then(function (done) {
      document.getElementById("backoffice-note").value = "";
      return load().then(function () { message.textContent = t("{case_no} 已办结", { case_no: done.case_no }); });
    }, function (error) { button.disabled = false; message.textContent = refused(error); });
  });
  document.getElementById("backoffice-open").addEventListener("click", function () { dialog.showModal(); load(); });
  document.getElementById("backoffice-close").addEventListener("click", function () { dialog.close(); });
})();
