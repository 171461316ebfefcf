/* 办件: after the clerk finishes a ticket as accepted, show its case number and due date
 * and print the acceptance receipt on this window's printer (POST /cases/<no>/receipt).
 * counter.js announces each action's answer with a "yimen:acted" event; whether a case
 * was opened is the hub's answer (the ticket's case), never decided here. */
(function () {
  "use strict";
  var config = Yimen.boot("page-config");
  var t = Yimen.translator(config.texts);
  var refused = Yimen.refusal(config.labels.errors, t);
  var bar = document.getElementById("receipt-bar");
  var caseText = document.getElementById("receipt-case");
  var printButton = document.getElementById("receipt-print");
  var current = null;  // {case_no, windowId, api}

  function show(ticket, windowId, api) {
    current = { case_no: ticket.case.case_no, windowId: windowId, api: api };
    caseText.textContent = t("办件编号 {case_no}，承诺 {due} 前办结",
      { case_no: ticket.case.case_no, due: ticket.case.due_at.slice(0, 16).replace("T", " ") });
    printButton.disabled = false;
    bar.className = "receipt-bar";
    bar.hidden = false;
  }

  function print() {
    if (!current || printButton.disabled) return;
    printButton.disabled = true;
    current.api("POST", "/cases/" + encodeURIComponent(current.case_no) + "/receipt", { window_id: current.windowId })
      .then(function (answer) {
        bar.className = "receipt-bar " + (answer.printed ? "ok" : "error");
        caseText.textContent = answer.printed ? t("受理回执已打印：{case_no}", { case_no: answer.case_no })
          : t("回执未打印：{error}", { error: answer.error || "" });
      }, function (error) {
        bar.className = "receipt-bar error";
        caseText.textContent = t("回执未打印：{error}", { error: refused(error) });
      })
      .then(function () { printButton.disabled = false; });
  }

  document.addEventListener("yimen:acted", function (event) {
    var d = event.detail;
    if (d.action === "finish" && d.result && d.result.case && !d.result.case.pickup) show(d.result, d.windowId, d.api);
    else if (d.action === "call-next" || d.action === "call") bar.hidden = true;
  });
  printButton.addEventListener("click", print);
  document.getElementById("receipt-close").addEventListener("click", function () { bar.hidden = true; });
  document.addEventListener("keydown", function (event) {
    if (!bar.hidden && (event.key === "p" || event.key === "P") && !event.target.closest("input, textarea, dialog")) print();
  });
})();
