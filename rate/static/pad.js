/* The rating pad: idle (window and clerk) → five faces when the window finishes a ticket →
 * reasons for a bad one → thanks → idle. The hub decides when to ask (rating_requested)
 * and when to stop asking (rating_closed); a timeout closes an unanswered request. */
(function () {
  "use strict";
  var boot = JSON.parse(document.getElementById("rate-boot").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var body = document.body;
  var current = null;       // the rating_requested being shown
  var chosen = null;        // the level touched
  var timer = null;
  var faces = {};
  Array.prototype.forEach.call($("faces").content.querySelectorAll("svg"), function (svg) {
    faces[svg.getAttribute("class").match(/face-(\d)/)[1]] = svg;
  });

  function face(level) { return faces[String(level)].cloneNode(true); }
  function show(screen) { body.dataset.screen = screen; }
  function clearTimer() { if (timer) { clearTimeout(timer); timer = null; } }
  function after(seconds, fn) { clearTimer(); timer = setTimeout(fn, seconds * 1000); }

  function idle() {
    clearTimer();
    current = null; chosen = null;
    show("idle");
  }

  function renderState(state) {
    $("window-number").textContent = state.window_number;
    var name = state.window_name || "";
    $("window-name").textContent = name === state.window_number + "号窗口" ? "" : name;
    var clerk = state.clerk;
    $("clerk-card").hidden = !clerk;
    $("clerk-name").textContent = clerk ? clerk.name : "–";
    $("clerk-number").textContent = clerk ? clerk.staff_number : "–";
    $("closed-note").hidden = state.status !== "closed";
    $("invite").hidden = state.status === "closed";
    if (state.pending && (!current || current.token !== state.pending.token)) ask(state.pending);
  }

  function ask(request) {
    current = request; chosen = null;
    $("ticket-number").textContent = request.number;
    $("ticket-matter").textContent = request.matter_name || "";
    show("choice");
    var bar = $("countdown-bar");  // restart the shrinking bar once it is on screen
    bar.style.transition = "none";
    bar.style.transform = "scaleX(1)";
    void bar.offsetWidth;
    bar.style.transition = "transform " + request.timeout_s + "s linear";
    bar.style.transform = "scaleX(0)";
    after(request.timeout_s, idle);
  }

  function resetReasons() {
    Array.prototype.forEach.call(document.querySelectorAll(".reason"), function (b) {
      b.setAttribute("aria-pressed", "false");
    });
    $("comment").value = "";
    $("error").hidden = true;
  }

  function choose(level) {
    if (!current) return;
    chosen = level;
    if (level <= 2) {
      resetReasons();
      $("reasons-face").replaceChildren(face(level));
      show("reasons");
      after(boot.reasons_idle_s, idle);
    } else {
      submit([], null);
    }
  }

  function thanks(already) {
    $("thanks-face").replaceChildren(face(chosen));
    $("thanks-bad").hidden = already || chosen > 2;
    $("thanks-already").hidden = !already;
    show("thanks");
    after(boot.thanks_s, idle);
  }

  function submit(reasons, comment) {
    var request = current;
    clearTimer();
    fetch("/api/v1/tickets/" + encodeURIComponent(request.token) + "/rating", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Device-Key": boot.key },
      body: JSON.stringify({ level: chosen, reasons: reasons, comment: comment }),
    }).then(function (response) {
      if (response.status === 201) { thanks(false); return; }
      return response.json().then(function (answer) {
        var code = answer && answer.error && answer.error.code;
        if (code === "already_rated") thanks(true);
        else if (code === "not_rateable") idle();
        else failed();
      });
    }).catch(failed);
  }

  function failed() {
    show("reasons");
    $("error").hidden = false;
    after(boot.reasons_idle_s, idle);
  }

  document.querySelectorAll(".level").forEach(function (button) {
    button.addEventListener("click", function () { choose(Number(button.dataset.level)); });
  });
  document.querySelectorAll(".reason").forEach(function (button) {
    button.addEventListener("click", function () {
      button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
      after(boot.reasons_idle_s, idle);
    });
  });
  $("comment").addEventListener("input", function () { after(boot.reasons_idle_s, idle); });
  $("back").addEventListener("click", function () { if (current) ask(current); });
  $("submit").addEventListener("click", function () {
    var reasons = Array.prototype.filter.call(document.querySelectorAll(".reason"), function (b) {
      return b.getAttribute("aria-pressed") === "true";
    }).map(function (b) { return b.dataset.reason; });
    submit(reasons, $("comment").value.trim() || null);
  });

  if (body.dataset.screen === "problem") return;
  var socket = window.io("/rating", { auth: { key: boot.key }, transports: ["websocket", "polling"],
                                      reconnectionDelay: 1000, reconnectionDelayMax: 10000 });
  socket.on("connect", function () { body.dataset.live = "1"; });
  socket.on("disconnect", function () { body.dataset.live = "0"; });
  socket.on("connect_error", function () { body.dataset.live = "0"; });
  socket.on("pad_state", renderState);
  socket.on("rating_requested", ask);
  socket.on("rating_closed", function (closed) {
    if (current && closed.token === current.token && body.dataset.screen !== "thanks") idle();
  });
})();
