/* The booking page: matter → what to bring → day and slot → details → the booking.
 * Every rule is the hub's: slots and what is left come from GET /appointments/slots, the
 * booking's checks from POST /appointments, the words of each refusal from the boot data. */
(function () {
  "use strict";

  var BOOT = Yimen.boot("book-boot");
  var call = Yimen.client();
  var state = { matters: [], matter: null, slots: [], day: null, slot: null };
  var WEEKDAYS = ["日", "一", "二", "三", "四", "五", "六"];

  function $(id) { return document.getElementById(id); }
  function el(tag, text, small) {
    var node = document.createElement(tag);
    if (text != null) node.appendChild(document.createTextNode(text));
    if (small) { var s = document.createElement("small"); s.textContent = small; node.appendChild(s); }
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  function step(name) {
    document.body.setAttribute("data-step", name);
    document.querySelectorAll("section[data-step]").forEach(function (section) {
      section.hidden = section.getAttribute("data-step") !== name;
    });
    window.scrollTo(0, 0);
  }

  function message(text, ok) {
    var box = $("message");
    box.hidden = !text;
    box.className = "message" + (ok ? " ok" : "");
    box.textContent = text || "";
  }
  function refusal(error) {
    var words = BOOT.refusals[error.code] || BOOT.refusals.network;
    var until = error.code === "booking_blocked" && error.details && error.details.until;
    message(until ? words.zh + "（至 " + until + "）· " + words.en + " (until " + until + ")"
                  : words.zh + " · " + words.en);
  }

  function hhmm(iso) { return iso.slice(11, 16); }
  function dayLabel(day) {
    var d = new Date(day + "T00:00:00");
    return { zh: day.slice(5).replace("-", "月") + "日 周" + WEEKDAYS[d.getDay()],
             en: d.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short" }) };
  }

  // --- 1. matter --------------------------------------------------------------------------
  function renderMatters() {
    var list = clear($("matters"));
    var text = $("search").value;
    var found = text ? YimenMatterSearch.search(state.matters, text) : state.matters;
    found.slice(0, 30).forEach(function (matter) {
      var button = el("button", matter.name, (matter.name_en || "") + " · " + matter.unit_name);
      button.type = "button";
      button.addEventListener("click", function () { pickMatter(matter); });
      var item = el("li");
      item.appendChild(button);
      list.appendChild(item);
    });
  }
  function pickMatter(matter) {
    state.matter = matter;
    message("");
    var guide = matter.guide || {};
    $("guide-matter").textContent = matter.name;
    var materials = clear($("guide-materials"));
    (guide.materials || []).forEach(function (item) { materials.appendChild(el("li", item)); });
    if (!(guide.materials || []).length) materials.appendChild(el("li", "无需材料", "Nothing to bring"));
    $("guide-notes").textContent = [guide.fees ? "收费 Fees: " + guide.fees : "", guide.notes || ""].join(" ");
    step("guide");
  }

  // --- 2./3. day and slot -----------------------------------------------------------------
  function loadSlots() {
    message("");
    call("GET", "/appointments/slots?matter_id=" + encodeURIComponent(state.matter.id)).then(function (slots) {
      state.slots = slots;
      var days = [];
      slots.forEach(function (slot) { var d = slot.start.slice(0, 10); if (days.indexOf(d) < 0) days.push(d); });
      if (!days.length) { message("该事项暂无可预约时段 · No slots can be booked for this matter"); return; }
      state.day = state.day && days.indexOf(state.day) >= 0 ? state.day : days[0];
      renderDays(days);
      step("slot");
    }, refusal);
  }
  function renderDays(days) {
    var box = clear($("days"));
    days.forEach(function (day) {
      var label = dayLabel(day);
      var button = el("button", label.zh, label.en);
      button.type = "button";
      button.setAttribute("aria-pressed", String(day === state.day));
      button.addEventListener("click", function () { state.day = day; renderDays(days); });
      box.appendChild(button);
    });
    renderSlots();
  }
  function renderSlots() {
    var list = clear($("slots"));
    state.slots.filter(function (slot) { return slot.start.slice(0, 10) === state.day; }).forEach(function (slot) {
      var button = el("button");
      button.type = "button";
      button.appendChild(el("span", hhmm(slot.start) + " – " + hhmm(slot.end)));
      var left = slot.available > 0 ? "余 " + slot.available + " · " + slot.available + " left" : "已约满 · Full";
      var tag = el("span", left);
      tag.className = "left";
      button.appendChild(tag);
      button.disabled = slot.available <= 0;
      button.addEventListener("click", function () { pickSlot(slot); });
      var item = el("li");
      item.appendChild(button);
      list.appendChild(item);
    });
  }
  function pickSlot(slot) {
    state.slot = slot;
    var label = dayLabel(slot.start.slice(0, 10));
    $("chosen").textContent = state.matter.name + " · " + label.zh + " " + hhmm(slot.start) + "–" + hhmm(slot.end);
    message("");
    step("person");
  }

  // --- 4. book ------------------------------------------------------------------------------
  function submit(event) {
    event.preventDefault();
    $("submit").disabled = true;
    var body = { matter_id: state.matter.id, start: state.slot.start, name: $("name").value.trim(),
                 id_number: $("id-number").value.trim().toUpperCase(), phone: $("phone").value.trim(),
                 idempotency_key: state.key || (state.key = "web-" + Date.now() + "-" + Math.random().toString(36).slice(2)) };
    call("POST", "/appointments", body).then(function (booking) {
      $("submit").disabled = false;
      state.key = null;
      history.replaceState(null, "", "/book/" + booking.token);
      message("预约成功 · Booked", true);
      showBooking(booking);
    }, function (error) {
      $("submit").disabled = false;
      if (error.code !== "network") state.key = null;
      refusal(error);
      if (error.code === "slot_full" || error.code === "slot_unavailable") loadSlots();
    });
  }

  // --- the booking ----------------------------------------------------------------------------
  function showBooking(booking) {
    var status = BOOT.statuses[booking.status] || { zh: booking.status, en: "" };
    $("status").textContent = status.zh + " · " + status.en;
    $("status").className = "status " + booking.status;
    $("code").textContent = booking.code;
    $("qr").src = "/api/v1/appointments/" + encodeURIComponent(booking.token) + "/qr.svg";
    $("qr").alt = booking.code;
    var matter = state.matters.filter(function (m) { return m.id === booking.matter_id; })[0];
    $("r-matter").textContent = matter ? matter.name : booking.matter_id;
    $("r-slot").textContent = booking.start.slice(0, 10) + " " + hhmm(booking.start) + "–" + hhmm(booking.end);
    $("r-name").textContent = booking.name_masked || "—";
    $("r-id").textContent = booking.id_masked || "—";
    $("r-phone").textContent = booking.phone_masked || "—";
    $("r-reason").hidden = !booking.cancel_reason;
    $("r-reason").textContent = booking.cancel_reason ? "取消原因 Reason: " + booking.cancel_reason : "";
    $("r-hint").textContent = booking.status === "booked"
      ? "请于时段开始前 " + BOOT.rules.check_in_early_minutes + " 分钟内到大厅自助机签到（预约码或身份证）。" +
        "Check in at a lobby kiosk from " + BOOT.rules.check_in_early_minutes + " minutes before your slot."
      : "";
    var link = location.origin + "/book/" + booking.token;
    $("r-link").textContent = link;
    $("r-link").href = link;
    $("cancel").hidden = booking.status !== "booked";
    state.booking = booking;
    step("lookup");
  }
  function cancel() {
    if (!window.confirm("确定取消这个预约吗？ Cancel this booking?")) return;
    call("POST", "/appointments/" + encodeURIComponent(state.booking.token) + "/cancel").then(function (booking) {
      message("预约已取消 · The booking is cancelled", true);
      showBooking(booking);
    }, refusal);
  }

  function start() {
    $("search").addEventListener("input", renderMatters);
    $("guide-ok").addEventListener("click", loadSlots);
    $("person").addEventListener("submit", submit);
    $("cancel").addEventListener("click", cancel);
    document.querySelectorAll("[data-back]").forEach(function (button) {
      button.addEventListener("click", function () { message(""); step(button.getAttribute("data-back")); });
    });
    call("GET", "/kiosk/matters").then(function (matters) {
      state.matters = matters;
      renderMatters();
      if (BOOT.token) {
        call("GET", "/appointments/" + encodeURIComponent(BOOT.token)).then(showBooking, function (error) {
          refusal(error);
          step("matter");
        });
      }
    }, refusal);
    if (!BOOT.enabled) message("本中心暂未开放网上预约 · This hall takes no bookings yet");
    step(BOOT.token ? "lookup" : "matter");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
