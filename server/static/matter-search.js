/* Searching matters the way visitors name them, for the kiosk and the booking page. Rows
 * come from GET /kiosk/matters. The matter's own name first (exact, then prefix, then
 * inside it), in characters, pinyin or initials (hkqr → 户口迁入); then the names visitors
 * use (a keyword of the matter, its department's everyday name: 社保, shebao, sb); then
 * English; the department's full name last, and there pinyin and initials only from its
 * start (zzz is not 自治州 in the middle of the tax office's name). Plain script: defines
 * window.YimenMatterSearch. */
(function (global) {
  "use strict";

  /* A keyword (kind "keyword") or a department's everyday name (kind "unit"). */
  function keyScore(key, q) {
    var top = key.kind === "keyword" ? 88 : 76;
    if (key.text === q || key.pinyin === q || key.initials === q) return top;
    if (key.text.indexOf(q) === 0 || key.pinyin.indexOf(q) === 0 || key.initials.indexOf(q) === 0) return top - 4;
    if (q.length > 1 && key.text.indexOf(q) > 0) return top - 10;
    return 0;
  }

  /** How well ``matter`` answers the normalised query ``q``; 0: not at all. */
  function score(matter, q) {
    var name = matter.name, en = (matter.name_en || "").toLowerCase();
    if (name === q || matter.pinyin === q || matter.initials === q) return 120;
    if (name.indexOf(q) === 0) return 110;
    if (name.indexOf(q) > 0) return 100 - name.indexOf(q);
    if (matter.initials.indexOf(q) === 0) return 90;
    if (matter.pinyin.indexOf(q) === 0) return 86;
    var best = 0;
    (matter.keys || []).forEach(function (key) { best = Math.max(best, keyScore(key, q)); });
    if (best) return best;
    if (q.length > 2 && matter.initials.indexOf(q) > 0) return 62;
    if (q.length > 3 && matter.pinyin.indexOf(q) > 0) return 60;
    if (en && en.indexOf(q) >= 0) return 55;
    if (matter.unit_name.indexOf(q) >= 0 || matter.unit_initials.indexOf(q) === 0 ||
        matter.unit_pinyin.indexOf(q) === 0 ||
        (matter.unit_name_en || "").toLowerCase().indexOf(q) >= 0) return 30;
    return 0;
  }

  /** What the visitor typed, as searched: lower case, no spaces. */
  function normalise(text) {
    return String(text || "").trim().toLowerCase().replace(/\s+/g, "");
  }

  /** The matters that match ``text``, best first (then the shorter name). */
  function search(matters, text) {
    var q = normalise(text);
    if (!q) return [];
    return matters.map(function (m) { return { m: m, s: score(m, q) }; })
      .filter(function (r) { return r.s > 0; })
      .sort(function (a, b) { return b.s - a.s || a.m.name.length - b.m.name.length; })
      .map(function (r) { return r.m; });
  }

  global.YimenMatterSearch = { score: score, search: search, normalise: normalise };
})(window);
