/* 好差评 on the visitor's phone: once the ticket is done the page offers the five levels
 * (for rules.rating_days), asks for reasons after a bad one, and then shows the rating.
 * phone.js calls window.yimenRating(ticket) on every change of the ticket. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("page-config").textContent);
  var R = config.rating;
  var T = function (k) { return config.texts[k] || k; };
  var $ = function (id) { return document.getElementById(id); };
  var ticket = null, chosen = null, sending = false, ratedHere = false;
  var faces = {};
  Array.prototype.forEach.call($("rate-faces").content.querySelectorAll("svg"), function (svg) {
    faces[svg.getAttribute("class").match(/face-(\d)/)[1]] = svg;
  });
  var names = {};
  R.levels.forEach(function (lv) { names[lv.level] = lv; });

  function part(name) {
    ["rate-ask", "rate-reasons", "rate-done"].forEach(function (id) { $(id).hidden = id !== name; });
  }

  function showDone(level, already) {
    $("rate-face").replaceChildren(faces[String(level)].cloneNode(true));
    $("rate-done-title").textContent = already ? T("您的评价") : T("感谢您的评价！");
    $("rate-done-level").textContent = names[level].zh + " · " + names[level].en;
    $("rate-done-note").hidden = level > 2 || already;
    part("rate-done");
  }

  function open(next) {
    if (next.status !== "done" || !next.finished_at) return false;
    return Date.now() - Date.parse(next.finished_at) < R.days * 86400000;
  }

  window.yimenRating = function (next) {
    ticket = next;
    var box = $("rating");
    if (next.rating) { box.hidden = false; if (!sending && !ratedHere) showDone(next.rating.level, true); return; }
    box.hidden = !open(next);
    if (!box.hidden && $("rate-done").hidden && $("rate-reasons").hidden) part("rate-ask");
  };

  function submit(reasons, comment) {
    sending = true;
    $("rate-error").hidden = true;
    fetch(R.url, { method: "POST", headers: { "Content-Type": "application/json" },
                   body: JSON.stringify({ level: chosen, reasons: reasons, comment: comment }) })
      .then(function (response) {
        return response.json().then(function (answer) {
          sending = false;
          if (response.status === 201) { ratedHere = true; showDone(chosen, false); }
          else if (answer.error && answer.error.code === "already_rated") {
            $("rate-done-title").textContent = T("本次服务已评价");
            part("rate-done");
          } else { part("rate-reasons"); $("rate-error").hidden = false; }
        });
      })
      .catch(function () { sending = false; part("rate-reasons"); $("rate-error").hidden = false; });
  }

  document.querySelectorAll(".rate-level").forEach(function (button) {
    button.addEventListener("click", function () {
      chosen = Number(button.dataset.level);
      if (chosen <= 2) part("rate-reasons"); else submit([], null);
    });
  });
  $("rate-back").addEventListener("click", function () { part("rate-ask"); });
  $("rate-submit").addEventListener("click", function () {
    var reasons = Array.prototype.map.call(
      document.querySelectorAll(".rate-reason input:checked"), function (box) { return box.value; });
    submit(reasons, $("rate-comment").value.trim() || null);
  });
})();
