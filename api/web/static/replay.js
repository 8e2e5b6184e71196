// The replay page: a candidate's recorded edits applied in order from the
// starter files, on a timeline with pastes, time away, Runs and
// submissions marked, played at a chosen speed. Offsets are JavaScript
// string indices (UTF-16), as the candidate's page recorded them.
(function () {
  "use strict";
  var el = document.getElementById("replay-data");
  if (!el) return;
  var data = JSON.parse(el.textContent);
  var events = data.events || [];
  var text = document.getElementById("replay-text");
  var scrub = document.getElementById("scrub");
  if (!text || !scrub) return;
  var fileSel = document.getElementById("file");
  var files = Object.keys(data.start).sort();
  var shown = fileSel ? fileSel.value : files[0];
  var cur, at, last;
  function reset() {
    cur = {};
    Object.keys(data.start).forEach(function (f) { cur[f] = data.start[f]; });
    at = 0; last = null;
  }
  function apply(e) {
    if (e.k === "open") { cur[e.f] = e.text || ""; last = null; }
    if (e.k === "edit") {
      var t = cur[e.f] || "", a = e.at || 0, d = e.del || 0;
      cur[e.f] = t.slice(0, a) + (e.ins || "") + t.slice(a + d);
      last = { f: e.f, from: a, to: a + (e.ins || "").length };
    }
  }
  function seek(n) {
    n = Math.max(0, Math.min(events.length, n));
    if (n < at) reset();
    while (at < n) apply(events[at++]);
    render();
  }
  function render() {
    scrub.value = String(at);
    var e = events[at - 1];
    if (e && e.f && e.f !== shown && fileSel) { shown = e.f; fileSel.value = shown; }
    var t = cur[shown] || "";
    text.textContent = "";
    if (last && last.f === shown && last.to > last.from) {
      text.appendChild(document.createTextNode(t.slice(0, last.from)));
      var m = document.createElement("mark");
      m.textContent = t.slice(last.from, last.to);
      text.appendChild(m);
      text.appendChild(document.createTextNode(t.slice(last.to)));
      if (m.offsetTop < text.scrollTop || m.offsetTop > text.scrollTop + text.clientHeight - 20) text.scrollTop = Math.max(0, m.offsetTop - 60);
    } else {
      text.textContent = t;
    }
    var clock = document.getElementById("clock");
    if (clock && events.length) {
      var t0 = events[0].t, ti = at > 0 ? events[at - 1].t : t0;
      var s = Math.max(0, Math.round((ti - t0) / 1000));
      clock.textContent = Math.floor(s / 60) + "m" + ("0" + (s % 60)).slice(-2) + "s · event " + at + " of " + events.length;
    }
    text.dataset.at = String(at);
  }
  // The timeline: marks placed by time, not by event count.
  var tl = document.getElementById("timeline");
  if (tl && events.length) {
    var t0 = events[0].t, span = Math.max(1, events[events.length - 1].t - t0);
    var pos = function (t) { return (100 * (t - t0) / span).toFixed(2) + "%"; };
    var away = null;
    events.forEach(function (e, i) {
      var kind = e.k === "edit" && e.paste ? "paste" : e.k === "submit" || e.k === "run" ? e.k : null;
      if (e.k === "blur") away = e.t;
      if (e.k === "focus" && away !== null) {
        var b = document.createElement("span");
        b.className = "mark mark-away";
        b.style.left = pos(away);
        b.style.width = ((100 * (e.t - away)) / span).toFixed(2) + "%";
        b.title = "away " + Math.round((e.t - away) / 1000) + " s";
        tl.appendChild(b);
        away = null;
      }
      if (!kind) return;
      var m = document.createElement("button");
      m.type = "button";
      m.className = "mark mark-" + kind;
      m.style.left = pos(e.t);
      m.title = kind === "paste" ? "paste of " + (e.ins || "").length + " characters" : kind;
      m.addEventListener("click", function () { stop(); seek(i + 1); });
      tl.appendChild(m);
    });
  }
  var timer = null;
  var playBtn = document.getElementById("play");
  function stop() { if (timer) clearTimeout(timer); timer = null; playBtn.textContent = "Play"; }
  function step() {
    if (at >= events.length) { stop(); return; }
    seek(at + 1);
    var speed = parseFloat(document.getElementById("speed").value) || 1;
    var gap = at < events.length ? events[at].t - events[at - 1].t : 0;
    // Long pauses (time away, thinking) are shortened to two seconds; the
    // timeline shows them.
    timer = setTimeout(step, Math.min(2000, Math.max(0, gap)) / speed);
  }
  playBtn.addEventListener("click", function () {
    if (timer) { stop(); return; }
    if (at >= events.length) seek(0);
    playBtn.textContent = "Pause";
    step();
  });
  scrub.addEventListener("input", function () { stop(); seek(parseInt(scrub.value, 10)); });
  document.getElementById("to-start").addEventListener("click", function () { stop(); seek(0); });
  document.getElementById("to-end").addEventListener("click", function () { stop(); seek(events.length); });
  if (fileSel) fileSel.addEventListener("change", function () { shown = fileSel.value; render(); });
  document.querySelectorAll("button.seek").forEach(function (b) {
    b.addEventListener("click", function () { stop(); seek(parseInt(b.dataset.event, 10)); });
  });
  reset();
  render();
})();
