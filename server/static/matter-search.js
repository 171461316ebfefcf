/* Searching matters as the kiosk does: by name, pinyin initials (hkqr → 户口迁入), full
 * pinyin, English name, then department. Rows come from GET /kiosk/matters. Plain script:
 * defines window.YimenMatterSearch. */
(function (global) {
  "use strict";

  function score(matter, q) {
    var name = matter.name, en = (matter.name_en || "").toLowerCase();
    if (name.indexOf(q) >= 0) return 100 - name.indexOf(q);
    if (matter.initials.indexOf(q) === 0) return 90;
    if (matter.pinyin.indexOf(q) === 0) return 85;
    if (matter.initials.indexOf(q) > 0) return 70;
    if (matter.pinyin.indexOf(q) > 0) return 60;
    if (en && en.indexOf(q) >= 0) return 55;
    if (matter.unit_name.indexOf(q) >= 0 || matter.unit_initials.indexOf(q) >= 0 ||
        matter.unit_pinyin.indexOf(q) >= 0 ||
        (matter.unit_name_en || "").toLowerCase().indexOf(q) >= 0) return 30;
    return 0;
  }

  /** The matters that match ``text``, best first. */
  function search(matters, text) {
    var q = String(text || "").trim().toLowerCase().replace(/\s+/g, "");
    if (!q) return [];
    return matters.map(function (m) { return { m: m, s: score(m, q) }; })
      .filter(function (r) { return r.s > 0; })
      .sort(function (a, b) { return b.s - a.s || a.m.name.length - b.m.name.length; })
      .map(function (r) { return r.m; });
  }

  global.YimenMatterSearch = { score: score, search: search };
})(window);
