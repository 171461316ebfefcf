/* The announcement queue of a hall screen.
 *
 * Every call is one WAV from the hub (chime + spoken call). Announcements play one
 * after the other through a single <audio> element: a new call waits for the one
 * being spoken, nothing is cut off. When the browser refuses to play without a tap
 * (autoplay rule), the queue holds and onBlocked() shows the "enable sound" screen;
 * unlock(), called from that tap, carries on. A watchdog moves on if a clip never
 * reports its end, so the queue can never stall on a screen left on for days.
 *
 * window.yimenAnnouncer.state() → {queued, playing, played, blocked} for tests and
 * for the screen's operators (each entry {url, number, window, recall}).
 */
(function (global) {
  "use strict";

  var MAX_QUEUED = 12;      // a burst larger than this drops the oldest waiting announcement
  var MAX_HISTORY = 40;     // played entries kept for inspection
  var GAP_MS = 350;         // silence between two announcements
  var SILENT_WAV = silentWav();

  /* A 50 ms silent 8-bit WAV, made here rather than fetched. */
  function silentWav() {
    var frames = 400, buf = new ArrayBuffer(44 + frames), v = new DataView(buf);
    var text = function (at, s) { for (var i = 0; i < s.length; i++) v.setUint8(at + i, s.charCodeAt(i)); };
    text(0, "RIFF"); v.setUint32(4, 36 + frames, true); text(8, "WAVE");
    text(12, "fmt "); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
    v.setUint32(24, 8000, true); v.setUint32(28, 8000, true); v.setUint16(32, 1, true); v.setUint16(34, 8, true);
    text(36, "data"); v.setUint32(40, frames, true);
    for (var i = 0; i < frames; i++) v.setUint8(44 + i, 128);
    return URL.createObjectURL(new Blob([buf], { type: "audio/wav" }));
  }

  function Announcer(options) {
    options = options || {};
    this.onBlocked = options.onBlocked || function () {};
    this.onUnblocked = options.onUnblocked || function () {};
    this.queue = [];
    this.current = null;
    this.played = [];
    this.dropped = 0;
    this.total = 0;
    this.blocked = false;
    this.seq = 0;
    this.watchdog = null;
    this.audio = new Audio();
    this.audio.preload = "auto";
    var self = this;
    this.audio.addEventListener("ended", function () { self._end("ended"); });
    this.audio.addEventListener("error", function () { if (self.current) self._end("error"); });
    this.audio.addEventListener("loadedmetadata", function () {
      if (self.current && isFinite(self.audio.duration)) self._arm(self.audio.duration * 1000 + 4000);
    });
  }

  Announcer.prototype.enqueue = function (item) {
    this.queue.push(item);
    while (this.queue.length > MAX_QUEUED) { this.queue.shift(); this.dropped += 1; }
    this._publish();
    this._next();
  };

  /* Try to play a silent clip: resolves true when sound may play without a tap. */
  Announcer.prototype.probe = function () {
    var self = this;
    var probe = new Audio(SILENT_WAV);
    var played = probe.play();
    if (!played || !played.then) return Promise.resolve(true);
    return played.then(function () { return true; }, function (err) {
      if (err && err.name === "NotAllowedError") { self._block(); return false; }
      return true;
    });
  };

  /* Called from the "enable sound" tap: the tap itself grants the page the right to play. */
  Announcer.prototype.unlock = function () {
    var self = this;
    this.audio.src = SILENT_WAV;
    var p = this.audio.play();
    var go = function () {
      self.blocked = false;
      self.onUnblocked();
      self._publish();
      self._next();
    };
    if (p && p.then) p.then(go, go); else go();
  };

  Announcer.prototype.state = function () {
    return {
      queued: this.queue.slice(),
      playing: this.current ? this.current.item : null,
      played: this.played.slice(),
      blocked: this.blocked,
      dropped: this.dropped,
      total: this.total
    };
  };

  Announcer.prototype._block = function () {
    if (!this.blocked) { this.blocked = true; this.onBlocked(); }
    this._publish();
  };

  Announcer.prototype._arm = function (ms) {
    var self = this, id = this.current && this.current.id;
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(function () {
      if (self.current && self.current.id === id) self._end("timeout");
    }, ms);
  };

  Announcer.prototype._next = function () {
    if (this.current || this.blocked || !this.queue.length) return;
    var item = this.queue.shift();
    var id = ++this.seq;
    var self = this;
    this.current = { id: id, item: item, started: Date.now() };
    this._arm(30000);  // until the clip's real length is known
    this.audio.src = item.url;
    this._publish();
    var p = this.audio.play();
    if (p && p.catch) {
      p.catch(function (err) {
        if (!self.current || self.current.id !== id) return;
        if (err && err.name === "NotAllowedError") {
          clearTimeout(self.watchdog);
          self.current = null;
          self.queue.unshift(item);   // keep it: it plays after the tap
          self._block();
        } else if (err && err.name !== "AbortError") {
          self._end("error");
        }
      });
    }
  };

  Announcer.prototype._end = function (how) {
    if (!this.current) return;
    clearTimeout(this.watchdog);
    var done = this.current;
    this.current = null;
    var entry = {};
    for (var key in done.item) entry[key] = done.item[key];
    entry.result = how;
    entry.ms = Date.now() - done.started;
    this.played.push(entry);
    this.total += 1;
    if (this.played.length > MAX_HISTORY) this.played.splice(0, this.played.length - MAX_HISTORY);
    this._publish();
    var self = this;
    setTimeout(function () { self._next(); }, GAP_MS);
  };

  Announcer.prototype._publish = function () {
    var body = document.body;
    if (!body) return;
    body.dataset.announceQueued = String(this.queue.length);
    body.dataset.announcePlaying = this.current ? this.current.item.url : "";
    body.dataset.announcePlayed = String(this.total);
  };

  global.YimenAnnouncer = Announcer;
})(window);
