/* 办件 on the visitor's phone: the case an accepted ticket opened, its due date and
 * status, redrawn with every ticket_changed (phone.js calls window.yimenCase). The
 * status names are the hub's labels. */
(function () {
  "use strict";
  var config = Yimen.boot("page-config");
  var label = Yimen.labeller(config.labels);
  var $ = function (id) { return document.getElementById(id); };

  window.yimenCase = function (ticket) {
    var info = ticket.case;
    var card = $("case");
    if (!card) return;
    card.hidden = !info || info.pickup;
    if (card.hidden) return;
    $("case-no").textContent = info.case_no;
    $("case-due").textContent = (info.due_at || "").slice(0, 16).replace("T", " ");
    $("case-status").textContent = label("case_statuses", info.status);
    card.dataset.status = info.status;
  };
})();
