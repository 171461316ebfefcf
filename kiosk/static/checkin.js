/* "I have an appointment / 我有预约" on the kiosk: the visitor types the booking code (or
 * a scanner types it from the booking's QR code) or the ID number; the hub checks it in
 * (POST /kiosk/check-in) and answers a ticket carrying the appointment, or a refusal:
 * its code, and the times in its details, are said in the page's words. Hooks into kiosk.js through window.YimenKiosk; the texts
 * are kiosk/checkin_texts.py's, in the page's language. */
(function () {
  "use strict";

  var REFUSALS = {
    appointment_not_found: "没有找到这个预约",
    too_early: "签到时间未到",
    appointment_missed: "预约已过期，请普通取号",
    invalid_id_number: "身份证号码有误",
    missing_field: "请输入预约码或身份证号",
    network: "网络连接失败，请重试"
  };
  function t(msgid, values) { return window.YimenKiosk.t(msgid, values); }

  /** The refusal in the page's language, with the time the hub gives in `details`
   *  (never the hub's own English message). */
  function refusal(error) {
    var details = error.details || {};
    var hhmm = function (iso) { return String(iso || "").slice(11, 16); };
    if (error.code === "too_early" && details.opens) {
      var day = details.opens.slice(0, 10);
      var now = new Date();
      var today = [now.getFullYear(), now.getMonth() + 1, now.getDate()]
        .map(function (n) { return n < 10 ? "0" + n : String(n); }).join("-");
      if (day === today) return t("签到时间未到，{time} 起可签到", { time: hhmm(details.opens) });
      return t("签到时间未到，{month}月{day}日 {time} 起可签到",
               { month: Number(day.slice(5, 7)), day: Number(day.slice(8, 10)), time: hhmm(details.opens) });
    }
    if (error.code === "appointment_missed" && details.slot_end) {
      return t("预约时段已于 {time} 结束，请普通取号", { time: hhmm(details.slot_end) });
    }
    return t(REFUSALS[error.code] || REFUSALS.network);
  }

  function $(id) { return document.getElementById(id); }

  function say(text) { $("checkin-error").textContent = text || ""; }

  function open() {
    $("checkin-input").value = "";
    say("");
    window.YimenKiosk.show("checkin");
    $("checkin-input").focus();
  }

  function keypad() {
    var keys = $("checkin-keys");
    "1234567890X⌫".split("").forEach(function (key) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = key;
      button.addEventListener("click", function () {
        var input = $("checkin-input");
        input.value = key === "⌫" ? input.value.slice(0, -1) : (input.value + key).slice(0, 18);
      });
      keys.appendChild(button);
    });
  }

  function submit(event) {
    event.preventDefault();
    var value = $("checkin-input").value.replace(/\s+/g, "").toUpperCase();
    if (!value) { say(t(REFUSALS.missing_field)); return; }
    var body = value.length === 18 ? { id_number: value } : { code: value };
    $("checkin-submit").disabled = true;
    window.YimenKiosk.api("POST", "/kiosk/check-in", body).then(function (answer) {
      $("checkin-submit").disabled = false;
      if (answer.ok) { done(answer.data); return; }
      var error = (answer.data && answer.data.error) || { code: answer.status ? "http" : "network" };
      say(refusal(error));
    });
  }

  function done(ticket) {
    var slot = ticket.appointment || {};
    $("checkin-number").textContent = ticket.number;
    $("checkin-slot").textContent = t("预约时段 {slot}",
      { slot: (slot.start || "").slice(11, 16) + "–" + (slot.end || "").slice(11, 16) });
    $("checkin-matter").textContent = ticket.matter_name || "";
    $("checkin-qr").src = ticket.qr_url;
    window.YimenKiosk.show("checkin-done", false);
  }

  function start() {
    if (!window.YimenKiosk) return;
    $("checkin-form").addEventListener("submit", submit);
    keypad();
    // The button shows only where the hall takes appointments (rules.appointments.enabled).
    window.YimenKiosk.api("GET", "/center").then(function (answer) {
      var rules = answer.ok && answer.data.rules && answer.data.rules.appointments;
      var template = $("checkin-button");
      var anchor = $("search-open");
      if (!rules || !rules.enabled || !template || !anchor) return;
      var button = template.content.firstElementChild.cloneNode(true);
      button.querySelectorAll("[data-text]").forEach(function (node) { node.textContent = t(node.getAttribute("data-text")); });
      anchor.insertAdjacentElement("afterend", button);
      $("checkin-open").addEventListener("click", open);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
