/* What every script of the manager page shares, defined once: the boot data with its
 * texts and labels, the signed-in user's token and role, DOM helpers, the REST call, KPI
 * tiles, tables, charts, date and number formats, file downloads, and loading a tab the
 * first time it is shown. Loaded after yimen-client.js and before the tab scripts;
 * it defines window.YimenManager. */
(function (global) {
  "use strict";
  const TOKEN_KEY = "yimen.manager.token";
  const boot = Yimen.boot("manager-boot");
  const T = Yimen.translator(boot.texts);
  const label = Yimen.labeller(boot.labels);
  const refused = Yimen.refusal(boot.labels.staff_errors, T);
  const token = () => sessionStorage.getItem(TOKEN_KEY);
  const role = () => sessionStorage.getItem(TOKEN_KEY + ".role") || "manager";
  const credentials = () => (token() ? { Authorization: `Bearer ${token()}` } : {});
  const hub = Yimen.client(credentials);
  const unauthorised = [];  // called when the hub answers 401: the session ended

  const $ = (sel) => document.querySelector(sel);
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /** api(path, {method, body, headers}): the JSON of a 2xx answer; otherwise an Error
   *  whose message says the refusal in the page's language (``Yimen.refusal``), with its
   *  HTTP ``status``, error ``code``, ``details`` and the hub's own (English) message as
   *  ``hubMessage``. A body object is sent as JSON. */
  async function api(path, options = {}) {
    try {
      return await hub(options.method || "GET", path, options.body, { headers: options.headers });
    } catch (failure) {
      if (failure.status === 401) unauthorised.forEach((fn) => fn());
      throw Object.assign(new Error(refused(failure)),
        { status: failure.status, code: failure.code, details: failure.details, hubMessage: failure.message });
    }
  }

  /** Fetch a file answer (CSV, XLSX...) with the user's credentials and save it. */
  async function download(path, filename) {
    const response = await fetch(`${Yimen.API}${path}`, { headers: credentials() });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    const link = el("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = filename;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  /** A KPI tile: a label above a value, optionally a unit and a class (good, bad, warn). */
  function kpi(text, value, cls, unit) {
    const box = el("div", "kpi" + (cls ? " " + cls : ""));
    const shown = el("div", "value", value === null || value === undefined ? "–" : String(value));
    if (unit) shown.append(el("small", null, unit));
    box.append(el("div", "label", text), shown);
    return box;
  }

  /** Fill a <table>: rows are arrays of cells or {cells, cls, onclick, data}; a cell is a
   *  text, a number or a DOM node; null and undefined show as "–". onclick(tr) gets the
   *  row's element. */
  function table(target, headers, rows) {
    const thead = el("thead"), tr = el("tr");
    headers.forEach((h) => tr.append(el("th", null, h)));
    thead.append(tr);
    const tbody = el("tbody");
    rows.forEach((row) => {
      const line = el("tr", row.cls || null);
      (Array.isArray(row) ? row : row.cells).forEach((cell) => {
        const td = el("td");
        if (cell instanceof Node) td.append(cell); else td.textContent = cell ?? "–";
        line.append(td);
      });
      Object.entries(row.data || {}).forEach(([key, value]) => { line.dataset[key] = value; });
      if (row.onclick) { line.classList.add("clickable"); line.addEventListener("click", () => row.onclick(line)); }
      tbody.append(line);
    });
    target.replaceChildren(thead, tbody);
  }

  const charts = {};
  /** The ECharts instance drawn in the element with this id (made once). */
  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init(document.getElementById(id));
    return charts[id];
  }
  const resizeCharts = () => Object.values(charts).forEach((c) => c.resize());
  global.addEventListener("resize", resizeCharts);

  // --- formats ---------------------------------------------------------------------
  const pct = (x) => (x === null || x === undefined ? "–" : (x * 100).toFixed(1) + "%");
  const mins = (s) => (s === null || s === undefined ? "–" : (s / 60).toFixed(s < 600 ? 1 : 0));
  const iso = (d) => d.toLocaleDateString("sv-SE", { timeZone: boot.timezone });  // YYYY-MM-DD in the hall
  const today = () => iso(new Date());
  const when = (text) => (text ? text.slice(0, 16).replace("T", " ") : "–");  // YYYY-MM-DD HH:MM

  /** Run load() the first time the tab named ``name`` is shown to a signed-in user. */
  function whenShown(name, load) {
    const section = document.querySelector(`main .tab[data-tab="${name}"]`);
    if (!section) return;
    let done = false;
    const check = () => { if (!section.hidden && !done && token()) { done = true; load(); } };
    new MutationObserver(check).observe(section, { attributes: true, attributeFilter: ["hidden"] });
    check();
  }

  /** An async loader whose answer is used only if no newer call started meanwhile: a list
   *  refreshed by a click and by a live event at once shows the newest answer, never an
   *  older one that arrived late. A superseded call resolves to undefined. */
  function newest(load) {
    let latest = 0;
    return async (...args) => {
      const mine = ++latest;
      const result = await load(...args);
      return mine === latest ? result : undefined;
    };
  }

  global.YimenManager = {
    TOKEN_KEY, boot, T, label, token, role, hub, api, download, onUnauthorised: (fn) => unauthorised.push(fn),
    $, el, kpi, table, chart, resizeCharts, pct, mins, iso, today, when, whenShown, newest,
  };
})(window);
