/* 取件 at the kiosk: the visitor types the case number on the keypad, or scans the
 * receipt's QR code with the hand scanner (it types like a keyboard and ends with
 * Enter; a scan on the start screen opens the pickup at once). POST /kiosk/pickup
 * answers with a ticket in the pickup queue, shown and printed like any ticket, or
 * says why not (the hub's message names the due date of a case not decided yet).
 * Hooks into kiosk.js through window.YimenKiosk (show, api, showTicket, t). */
(function () {
  "use strict";
  var KEYS = ["1234567890", "QWERTYUIOP", "ASDFGHJKL-", "ZXCVBNM"];
  var SCAN_GAP_MS = 60;   // a scanner types faster than any hand
  var CASE_NO = /^\d{4}-[A-Z0-9_-]+-\d+$/;
  var $ = function (id) { return document.getElementById(id); };
  var K = null;
  var busy = false;
  var scan = { text: "", at: 0 };

  function button(text, onclick, cls) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "kb-key" + (cls ? " " + cls : "");
    b.textContent = text;
    b.addEventListener("click", onclick);
    return b;
  }
  function buildKeypad() {
    var pad = $("pickup-keyboard");
    KEYS.forEach(function (row, i) {
      var line = document.createElement("div");
      line.className = "kb-row";
      row.split("").forEach(function (ch) { line.appendChild(button(ch, function () { type(ch); })); });
      if (i === KEYS.length - 1) {
        line.appendChild(button(K.t("删除"), function () { type("back"); }, "wide"));
        line.appendChild(button(K.t("清空"), function () { type("clear"); }, "wide"));
      }
      pad.appendChild(line);
    });
  }
  function type(key) {
    var input = $("pickup-input");
    if (key === "back") input.value = input.value.slice(0, -1);
    else if (key === "clear") input.value = "";
    else input.value += key;
    $("pickup-error").hidden = true;
  }
  function say(text) {
    var box = $("pickup-error");
    box.textContent = text;
    box.hidden = false;
  }
  function reason(answer) {
    var error = answer.data && answer.data.error;
    var code = error && error.code;
    if (code === "case_not_found") return K.t("没有找到该办件，请核对办件编号");
    if (code === "case_picked_up") return K.t("该办件的结果已经领取");
    if (code === "case_not_ready") {
      var due = String((error.details && error.details.due_at) || "").slice(0, 16).replace("T", " ");
      return K.t("该办件尚在办理中，承诺 {due} 前办结，请届时再来", { due: due });
    }
    if (answer.status === 400) return K.t("办件编号格式不正确，请核对");
    return K.t("请稍后再试，或到服务台由工作人员为您取号。");
  }
  function submit(text) {
    var caseNo = String(text || "").replace(/\s+/g, "").toUpperCase();
    if (busy || !caseNo) return;
    busy = true;
    $("pickup-submit").disabled = true;
    K.api("POST", "/kiosk/pickup", { case_no: caseNo }, 10000).then(function (answer) {
      busy = false;
      $("pickup-submit").disabled = false;
      if (answer.status === 200 || answer.status === 201) {
        $("pickup-input").value = "";
        K.showTicket(answer.data, { name: K.t("取件") + " · " + answer.data.case_no,
          unit_name: answer.data.matter_name || "", window_range: answer.data.window_range });
        return;
      }
      if (K.screen() !== "pickup") K.show("pickup");
      $("pickup-input").value = caseNo;
      say(reason(answer));
    });
  }
  function open() {
    $("pickup-input").value = "";
    $("pickup-error").hidden = true;
    K.show("pickup");
    $("pickup-input").focus();
  }
  /* A scanner on the start screen: fast keys ending in Enter that form a case number. */
  function onKey(event) {
    if (K.screen() !== "home" || event.target.tagName === "INPUT") return;
    var now = Date.now();
    if (now - scan.at > SCAN_GAP_MS * 5) scan.text = "";
    scan.at = now;
    if (event.key === "Enter") {
      var text = scan.text.toUpperCase();
      scan.text = "";
      if (CASE_NO.test(text)) { event.preventDefault(); submit(text); }
    } else if (event.key.length === 1) {
      scan.text += event.key;
    }
  }

  function start() {
    K = window.YimenKiosk;
    if (!K || !$("pickup-open")) return;
    buildKeypad();
    $("pickup-open").addEventListener("click", open);
    $("pickup-form").addEventListener("submit", function (event) { event.preventDefault(); submit($("pickup-input").value); });
    document.addEventListener("keydown", onKey);
    K.ready(function (config) { $("pickup-open").hidden = !config.pickup; });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
