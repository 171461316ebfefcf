/* The one client module every page script uses (kiosk, counter, manager, the hall
 * screen, the window panel, the phone page): REST calls that read the hub's error
 * shape, translations and labels from the boot data the hub rendered, and a Socket.IO
 * connection that comes back by itself. Plain script, no build step: it defines
 * window.Yimen and must be loaded before the page's own script. */
(function (global) {
  "use strict";

  var API = "/api/v1";

  /** The JSON a template put in <script id="..." type="application/json">. */
  function boot(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : {};
  }

  /** t(msgid, {name: value}): the hub's translation, with {name} filled in. Bilingual
   *  texts ({msgid: {zh, en}}, the hall screens) take the language to pick. */
  function translator(texts, lang) {
    return function (msgid, values) {
      var entry = texts && texts[msgid];
      var text = (lang && entry ? entry[lang] : entry) || msgid;
      Object.keys(values || {}).forEach(function (name) {
        text = text.split("{" + name + "}").join(values[name]);
      });
      return text;
    };
  }

  /** label(table, code): the hub's label for a code (labels.ticket_statuses...), else the code. */
  function labeller(labels) {
    return function (table, code) {
      var entry = labels && labels[table] ? labels[table][code] : undefined;
      if (entry && typeof entry === "object") return entry.label;
      return entry || (code == null ? "" : String(code));
    };
  }

  /** localName(lang)(obj, field?): a name of the center file in the page's language:
   *  its English (``name_en``) or Tibetan (``name_bo``) where the file gives one, else
   *  the Chinese (``field`` defaults to "name"). */
  function localName(lang) {
    return function (obj, field) {
      field = field || "name";
      if (!obj) return "";
      if (lang === "en" && obj[field + "_en"]) return obj[field + "_en"];
      if (lang === "bo" && obj[field + "_bo"]) return obj[field + "_bo"];
      return obj[field];
    };
  }

  /** refusal(labels.errors, t)(error): a refusal of the hub in the page's language, for
   *  the staff's pages: the table's label for its code, or the page's "操作失败" with the
   *  code (support looks it up). The hub's own message is English, for support and logs. */
  function refusal(table, t) {
    return function (error) {
      var code = error && error.code;
      if (code && table && table[code]) return table[code];
      return t("操作失败") + (code ? "（" + code + "）" : "");
    };
  }

  function esc(value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }

  /** One exchange with the hub; always resolves {status, ok, data}. status 0: not reached
   *  (network trouble or options.timeoutMs passed). A body object is sent as JSON. */
  function exchange(method, path, options) {
    options = options || {};
    var headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    var body = options.body;
    if (body !== undefined && typeof body !== "string") {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(body);
    }
    var ctrl = options.timeoutMs ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, options.timeoutMs) : null;
    var url = (options.base === undefined ? API : options.base) + path;
    return fetch(url, { method: method, headers: headers, body: body, cache: "no-store",
                        signal: ctrl ? ctrl.signal : undefined })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (data) {
          return { status: response.status, ok: response.ok, data: data };
        });
      }, function () { return { status: 0, ok: false, data: null }; })
      .finally(function () { if (timer) clearTimeout(timer); });
  }

  /** The hub's error shape {error: {code, message, details?}} as {status, code, message, details}. */
  function failure(answer) {
    if (answer.status === 0) return { status: 0, code: "network", message: "", details: {} };
    var error = (answer.data && answer.data.error) || {};
    return { status: answer.status, code: error.code || "http_" + answer.status,
             message: error.message || "", details: error.details || {}, data: answer.data };
  }

  /** A REST client: call(method, path, body?, options?) resolves the JSON of a 2xx answer
   *  and rejects with failure(). headers() gives the credentials of each call. */
  function client(headers) {
    return function (method, path, body, options) {
      var opts = Object.assign({}, options || {});
      opts.headers = Object.assign({}, headers ? headers() : {}, opts.headers || {});
      if (body !== undefined) opts.body = body;
      return exchange(method, path, opts).then(function (answer) {
        if (answer.ok) return answer.data;
        throw failure(answer);
      });
    };
  }

  /** Connect to a namespace and stay connected.
   *  options: auth (object or function), events {name: handler}, onLink(bool),
   *  onRefused(error) → false (or a promise of false) to give up, retryMs.
   *  socket.io retries transport trouble by itself; a connect the hub refused (its auth,
   *  or a hub starting up) is tried again after retryMs unless onRefused says no.
   *  Returns the socket; socket.stop() disconnects for good. */
  function live(namespace, options) {
    options = options || {};
    var auth = options.auth;
    var socket = global.io(namespace, {
      auth: typeof auth === "function" ? function (cb) { cb(auth()); } : auth,
      transports: ["websocket", "polling"],
      reconnectionDelay: options.reconnectionDelay || 500,
      reconnectionDelayMax: options.reconnectionDelayMax || 5000
    });
    var stopped = false;
    var link = options.onLink || function () {};
    socket.on("connect", function () { link(true); });
    socket.on("disconnect", function () { link(false); });
    socket.on("connect_error", function (error) {
      link(false);
      if (socket.active || stopped) return;   // transport trouble: socket.io retries
      Promise.resolve(options.onRefused ? options.onRefused(error) : true).then(function (retry) {
        if (retry === false || stopped) return;
        setTimeout(function () { if (!stopped) socket.connect(); }, options.retryMs || 5000);
      });
    });
    Object.keys(options.events || {}).forEach(function (name) { socket.on(name, options.events[name]); });
    socket.stop = function () { stopped = true; socket.disconnect(); };
    return socket;
  }

  /* A ``next_opening`` (the hub's local ISO time) as the hall reads it: "14:00" today,
   * "12-02 08:30" on another day; "" for none. */
  function opening(iso) {
    if (!iso) return "";
    var match = /([+-])(\d\d):(\d\d)$/.exec(iso);
    var offset = match ? (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
    var today = new Date(Date.now() + offset * 60000).toISOString().slice(0, 10);
    return (iso.slice(0, 10) === today ? "" : iso.slice(5, 10) + " ") + iso.slice(11, 16);
  }

  global.Yimen = {
    API: API, boot: boot, translator: translator, labeller: labeller, localName: localName, refusal: refusal, esc: esc,
    exchange: exchange, failure: failure, client: client, live: live, opening: opening
  };
})(window);
