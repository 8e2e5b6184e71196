// Assay candidate page: a textarea editor (tab inserts spaces, drafts kept
// in localStorage), Run (the visible tests and the candidate's own scratch
// tests; not an attempt) and Submit (every test; an attempt), live progress
// over Server-Sent Events, and the visible tests' results. No build step,
// no dependencies.
(function () {
  "use strict";
  var app = document.getElementById("app");
  if (!app) return;
  var token = app.dataset.token, challenge = app.dataset.challenge, invitation = app.dataset.invitation;
  var auth = { "Authorization": "Bearer " + token };

  // A timed session that has not started: only Start.
  var startBtn = document.getElementById("start");
  if (startBtn) {
    startBtn.addEventListener("click", function () {
      startBtn.disabled = true;
      fetch("/api/v1/invitations/" + invitation + "/start", { method: "POST", headers: auth })
        .then(function (resp) {
          if (resp.ok) { location.reload(); return; }
          return resp.json().then(function (b) { throw new Error(b.error || ("status " + resp.status)); });
        })
        .catch(function (e) {
          startBtn.disabled = false;
          var el = document.getElementById("error");
          el.textContent = "Could not start: " + e.message; el.hidden = false;
        });
    });
    return;
  }
  var editors = Array.prototype.slice.call(document.querySelectorAll("textarea.editor[data-file]"));
  var scratch = document.getElementById("scratch");
  var submitBtn = document.getElementById("submit");
  var runBtn = document.getElementById("run");
  var statusEl = document.getElementById("status");
  var errorEl = document.getElementById("error");
  var draftKey = function (file) { return "assay:draft:" + invitation + ":" + challenge + ":" + file; };
  var scratchKey = "assay:scratch:" + invitation + ":" + challenge;

  // Drafts: kept on the server (saved two seconds after the last key
  // stroke, and by every Run and Submit), which fills the editors when the
  // page opens on any device; the browser's copy serves only when the
  // server has none.
  var serverDraft = !!app.dataset.serverDraft;
  var draftStatus = document.getElementById("draft-status");
  var saveTimer = null, dirty = false, closed = false;
  function saveDraft() {
    saveTimer = null;
    if (!dirty || closed) return Promise.resolve();
    dirty = false;
    var files = {};
    editors.forEach(function (ta) { files[ta.dataset.file] = ta.value; });
    var body = { files: files };
    if (scratch && scratch.value) body.scratch = scratch.value;
    rec.flush();
    return fetch("/api/v1/invitations/" + invitation + "/drafts/" + challenge, {
      method: "PUT", headers: { "Content-Type": "application/json", "Authorization": "Bearer " + token }, body: JSON.stringify(body)
    }).then(function (resp) {
      if (!resp.ok) return resp.json().then(function (b) { throw new Error(b.error || ("status " + resp.status)); });
      draftStatus.textContent = "Draft saved " + new Date().toLocaleTimeString();
      draftStatus.dataset.saved = String(Date.now());
    }).catch(function (e) {
      dirty = true;
      draftStatus.textContent = "Draft not saved: " + e.message;
    });
  }
  function changed() {
    dirty = true;
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(saveDraft, 2000);
  }

  function bind(ta, key) {
    var saved = localStorage.getItem(key);
    if (saved !== null && !serverDraft) ta.value = saved;
    ta.addEventListener("input", function () { localStorage.setItem(key, ta.value); changed(); });
    ta.addEventListener("keydown", function (e) {
      if (e.key !== "Tab" || e.ctrlKey || e.metaKey || e.altKey) return;
      e.preventDefault();
      var start = ta.selectionStart, end = ta.selectionEnd, v = ta.value;
      if (e.shiftKey) {
        var lineStart = v.lastIndexOf("\n", start - 1) + 1;
        var n = v.substr(lineStart, 4).match(/^ */)[0].length;
        if (n > 0) {
          ta.value = v.slice(0, lineStart) + v.slice(lineStart + n);
          ta.selectionStart = ta.selectionEnd = Math.max(lineStart, start - n);
        }
      } else {
        ta.value = v.slice(0, start) + "    " + v.slice(end);
        ta.selectionStart = ta.selectionEnd = start + 4;
      }
      localStorage.setItem(key, ta.value);
      changed();
    });
  }
  editors.forEach(function (ta) { bind(ta, draftKey(ta.dataset.file)); });
  if (scratch) {
    bind(scratch, scratchKey);
    if (scratch.value) document.getElementById("scratch-box").open = true;
  }

  // The recording (README, "Replay"): every change to an entry file as an
  // edit (where, how many characters removed, what inserted; offsets are
  // JavaScript string indices), pastes marked, and the page losing and
  // regaining focus. Batches go with the draft saves, every ten seconds,
  // and before each Run and Submit, so the replay staff see reaches exactly
  // what was sent. The page says what is recorded.
  var rec = (function () {
    var newSession = function () {
      var b = new Uint8Array(12);
      (window.crypto || window.msCrypto).getRandomValues(b);
      return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
    };
    var session = newSession(), sent = 0, queue = [], prev = {}, pasting = false, stopped = false, away = false, inflight = null;
    function push(e) { if (stopped) return; e.t = Date.now(); queue.push(e); }
    function opened() {
      editors.forEach(function (ta) { prev[ta.dataset.file] = ta.value; push({ k: "open", f: ta.dataset.file, text: ta.value }); });
    }
    function isHigh(c) { return c >= 0xd800 && c <= 0xdbff; }
    function isLow(c) { return c >= 0xdc00 && c <= 0xdfff; }
    function input(ta) {
      var f = ta.dataset.file, a = prev[f], b = ta.value;
      var paste = pasting || ta.assayOrigin === "paste" || ta.assayOrigin === "drop";
      pasting = false;
      if (a === b) return;
      var n = Math.min(a.length, b.length), s = 0, e = 0;
      while (s < n && a.charCodeAt(s) === b.charCodeAt(s)) s++;
      while (e < n - s && a.charCodeAt(a.length - 1 - e) === b.charCodeAt(b.length - 1 - e)) e++;
      // never split a surrogate pair: the server reads whole characters
      if (s > 0 && isHigh(a.charCodeAt(s - 1))) s--;
      if (e > 0 && isLow(b.charCodeAt(b.length - e))) e--;
      var ev = { k: "edit", f: f, at: s, del: a.length - s - e, ins: b.slice(s, b.length - e) };
      if (paste) ev.paste = true;
      push(ev);
      prev[f] = b;
    }
    function post(batch, keepalive) {
      return fetch("/api/v1/invitations/" + invitation + "/drafts/" + challenge + "/events", {
        method: "POST", keepalive: !!keepalive,
        headers: { "Content-Type": "application/json", "Authorization": "Bearer " + token },
        body: JSON.stringify({ session: session, seq: sent, events: batch })
      });
    }
    // flush sends what is not stored yet, one batch at a time; it never
    // fails (what is not sent goes with the next flush).
    function flush() {
      if (inflight) return inflight.then(flush);
      editors.forEach(input); // a change no event announced (plain textarea, Tab)
      if (stopped || queue.length === 0) return Promise.resolve();
      var batch = queue.slice(0, 2000);
      inflight = post(batch).then(function (resp) {
        return resp.json().then(function (body) {
          if (resp.ok || resp.status === 409) {
            var stored = body.stored || 0;
            if (resp.status === 409 && stored < sent) {
              // the server lost part of this session: start another from the texts now
              session = newSession(); sent = 0; queue = []; opened();
              return;
            }
            queue.splice(0, Math.max(0, stored - sent));
            sent = stored;
          } else if (resp.status === 413) {
            stopped = true; queue = [];
          }
        });
      }).catch(function () { /* kept for the next flush */ }).then(function () {
        inflight = null;
        if (queue.length > 0 && !stopped && batch.length === 2000) return flush();
      });
      return inflight;
    }
    function leave() { if (!away) { away = true; push({ k: "blur" }); } }
    function back() { if (away) { away = false; push({ k: "focus" }); } }
    window.addEventListener("blur", leave);
    window.addEventListener("focus", back);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        leave();
        if (queue.length && !stopped) post(queue.slice(0, 2000), true).catch(function () {});
      } else back();
    });
    editors.forEach(function (ta) {
      ta.addEventListener("input", function () { input(ta); });
      ta.addEventListener("paste", function () { pasting = true; });
      ta.addEventListener("drop", function () { pasting = true; });
    });
    opened();
    setInterval(flush, 10000);
    return { flush: flush };
  })();
  app.assayFlushRecording = rec.flush;

  // The editor: CodeMirror (Debian's libjs-codemirror, served by Assay)
  // over each textarea, which stays the value the page sends. Tab indents;
  // Escape, then Tab (or Shift-Tab), leaves the editor, so a keyboard user
  // is never trapped. The plain textarea, for screen readers, is one
  // checkbox away and remembered.
  var plainBox = document.getElementById("plain-editor");
  var plainKey = "assay:plain-editor";
  var mirrors = [];
  // A key bound to false in CodeMirror's key maps is left to the browser:
  // after Escape, Tab and Shift-Tab move the focus on, once.
  function mirror(ta, readOnly) {
    var leaving = { "Tab": false, "Shift-Tab": false };
    var editing = {
      "Esc": function (cm) { cm.setOption("extraKeys", leaving); },
      "Tab": function (cm) {
        if (cm.somethingSelected()) cm.indentSelection("add");
        else cm.replaceSelection("    ", "end");
      },
      "Shift-Tab": function (cm) { cm.indentSelection("subtract"); }
    };
    var cm = window.CodeMirror.fromTextArea(ta, {
      mode: "python", lineNumbers: true, indentUnit: 4, tabSize: 4, indentWithTabs: false,
      matchBrackets: true, autoCloseBrackets: !readOnly, readOnly: readOnly, viewportMargin: Infinity,
      screenReaderLabel: ta.id ? (document.querySelector('label[for="' + ta.id + '"]') || {}).textContent : "",
      extraKeys: editing
    });
    var back = function () { if (cm.getOption("extraKeys") !== editing) cm.setOption("extraKeys", editing); };
    cm.on("keydown", function (cm, e) { if (e.key !== "Escape" && e.key !== "Tab") back(); });
    cm.on("blur", back);
    if (!readOnly) {
      cm.on("change", function (cm, change) {
        cm.save();
        ta.assayOrigin = change.origin; // "paste" and "drop" mark the recording's edit
        ta.dispatchEvent(new Event("input"));
        ta.assayOrigin = null;
      });
    }
    ta.cm = cm;
    mirrors.push(cm);
    return cm;
  }
  function startMirrors() {
    if (!window.CodeMirror) return;
    editors.forEach(function (ta) { mirror(ta, false); });
    if (scratch) mirror(scratch, false);
    document.querySelectorAll("textarea.editor-ro").forEach(function (ta) { mirror(ta, true); });
  }
  function stopMirrors() {
    mirrors.forEach(function (cm) { cm.toTextArea(); });
    mirrors = [];
    editors.concat(scratch ? [scratch] : []).forEach(function (ta) { ta.cm = null; });
    document.querySelectorAll("textarea.editor-ro").forEach(function (ta) { ta.cm = null; });
  }
  var plain = localStorage.getItem(plainKey) === "1";
  if (plainBox) {
    plainBox.checked = plain;
    plainBox.addEventListener("change", function () {
      localStorage.setItem(plainKey, plainBox.checked ? "1" : "0");
      if (plainBox.checked) stopMirrors(); else startMirrors();
    });
  }
  if (!plain) startMirrors();
  var scratchBox = document.getElementById("scratch-box");
  if (scratchBox) scratchBox.addEventListener("toggle", function () { if (scratch && scratch.cm) scratch.cm.refresh(); });
  // setText changes an editor's text (the reset button; tests).
  function setText(ta, text) {
    if (ta.cm) ta.cm.setValue(text); else ta.value = text;
  }
  app.assaySetText = function (file, text) {
    var ta = file === "scratch" ? scratch : document.querySelector('textarea.editor[data-file="' + file + '"]');
    setText(ta, text);
    ta.dispatchEvent(new Event("input"));
  };

  // Tabs: one per entry file, then the read-only provided modules and
  // visible tests. Arrow keys move between tabs.
  var tabs = Array.prototype.slice.call(document.querySelectorAll(".editor-tabs [role=tab]"));
  function select(tab) {
    tabs.forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      var panel = document.getElementById(t.dataset.panel);
      panel.hidden = !on;
      if (on) panel.querySelectorAll("textarea").forEach(function (ta) { if (ta.cm) ta.cm.refresh(); });
    });
  }
  tabs.forEach(function (tab, i) {
    tab.tabIndex = tab.getAttribute("aria-selected") === "true" ? 0 : -1;
    tab.addEventListener("click", function () { select(tab); });
    tab.addEventListener("keydown", function (e) {
      var j = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : -2;
      if (j === -2) return;
      e.preventDefault();
      var next = tabs[(j + tabs.length) % tabs.length];
      select(next);
      next.focus();
    });
  });

  document.getElementById("reset").addEventListener("click", function () {
    if (!confirm("Replace your code with the starter code?")) return;
    document.querySelectorAll("textarea.starter").forEach(function (t) {
      var ta = document.querySelector('textarea.editor[data-file="' + t.dataset.file + '"]');
      setText(ta, t.value);
      localStorage.removeItem(draftKey(t.dataset.file));
    });
    changed();
  });

  function setStatus(text, busy) {
    if (text) statusEl.dataset.trail = (statusEl.dataset.trail || "") + text + "|";
    statusEl.innerHTML = "";
    if (busy) { var dot = document.createElement("span"); dot.className = "dot"; statusEl.appendChild(dot); }
    statusEl.appendChild(document.createTextNode(text));
    statusEl.dataset.status = text;
  }
  function showError(msg) { errorEl.textContent = msg; errorEl.hidden = !msg; }

  var labels = { queued: "Queued…", running: "Running the tests…", done: "Done" };

  function busy(on) {
    submitBtn.disabled = on;
    if (runBtn) runBtn.disabled = on;
  }

  // send posts the editors' files: a Run (mode "run", with the scratch
  // tests) or a submission.
  function send(mode) {
    showError("");
    var files = {};
    editors.forEach(function (ta) { files[ta.dataset.file] = ta.value; });
    var body = { challenge: challenge, files: files };
    if (mode === "run") {
      body.mode = "run";
      if (scratch && scratch.value.trim()) body.scratch = scratch.value;
    }
    busy(true);
    if (saveTimer) { clearTimeout(saveTimer); saveTimer = null; }
    dirty = false; // the server keeps what a Run or Submit sends as the draft
    document.getElementById("result").hidden = true;
    document.getElementById("verdict").textContent = "";
    statusEl.dataset.trail = "";
    setStatus("Sending…", true);
    // the recording first, so its replay reaches what this sends
    rec.flush().then(function () {
      return fetch("/api/v1/submissions", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + token },
      body: JSON.stringify(body)
      });
    }).then(function (resp) {
      return resp.json().then(function (body) { return { resp: resp, body: body }; });
    }).then(function (r) {
      if (r.resp.status !== 202) {
        busy(false);
        setStatus("", false);
        var msg = r.body.error || ("The server answered " + r.resp.status);
        if (r.resp.status === 429) msg += " (Retry-After: " + r.resp.headers.get("Retry-After") + "s)";
        showError(msg);
        return;
      }
      var left = document.getElementById("attempts-left");
      if (left && mode !== "run") left.textContent = Math.max(0, parseInt(left.textContent, 10) - 1);
      follow(r.body.id);
    }).catch(function (e) {
      busy(false);
      setStatus("", false);
      showError("Could not reach the server: " + e);
    });
  }
  submitBtn.addEventListener("click", function () { send("submit"); });
  if (runBtn) runBtn.addEventListener("click", function () { send("run"); });

  // follow streams a submission's progress; if the stream breaks before
  // the result, it falls back to one long poll.
  function follow(id) {
    setStatus(labels.queued, true);
    var es = new EventSource("/api/v1/submissions/" + id + "/events");
    var finished = false;
    ["queued", "running"].forEach(function (name) {
      es.addEventListener(name, function () { setStatus(labels[name], true); });
    });
    es.addEventListener("done", function (e) {
      finished = true;
      es.close();
      done(JSON.parse(e.data));
    });
    es.onerror = function () {
      if (finished) return;
      es.close();
      poll(id);
    };
  }

  function poll(id) {
    load(id, "?wait=30s").then(function (st) {
      if (st.status === "done") done(st); else poll(id);
    }).catch(function (e) { showError("Lost track of the submission: " + e); busy(false); });
  }

  function load(id, query) {
    return fetch("/api/v1/submissions/" + id + (query || ""), { headers: { "Authorization": "Bearer " + token } })
      .then(function (resp) {
        if (!resp.ok) throw new Error("status " + resp.status);
        return resp.json();
      });
  }

  function done(st) {
    busy(false);
    setStatus(labels.done, false);
    render(st);
  }

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  // A test's time in the unit that fits it, as the review page shows it
  // (api/runtimes.go formatUS): the harness's microseconds when it timed
  // the call, otherwise JUnit's milliseconds.
  function duration(t) {
    var us = t.duration_us || (t.duration_ms || 0) * 1000;
    if (us <= 0) return "–";
    if (us < 9.95) return us.toFixed(1) + " µs";
    if (us < 999.5) return Math.round(us) + " µs";
    if (us < 9950) return (us / 1e3).toFixed(1) + " ms";
    if (us < 999500) return Math.round(us / 1e3) + " ms";
    return (us / 1e6).toFixed(1) + " s";
  }
  function short(id) { var p = id.split("::"); var m = p[0].split("."); return p.length > 1 ? m[m.length - 1] + " › " + p[1] : id; }

  function row(t) {
    var tr = document.createElement("tr");
    tr.className = "outcome-" + t.outcome;
    tr.dataset.test = t.id;
    var name = cell(tr, "", "");
    var span = document.createElement("span"); span.className = "test-name"; span.title = t.id; span.textContent = short(t.id);
    name.appendChild(span);
    var oc = cell(tr, "", ""); var o = document.createElement("span"); o.className = "outcome"; o.textContent = t.outcome; oc.appendChild(o);
    cell(tr, duration(t), "num duration");
    var msg = cell(tr, "", "");
    if (t.message) { var pre = document.createElement("pre"); pre.className = "message"; pre.textContent = t.message; msg.appendChild(pre); }
    return tr;
  }

  function render(st) {
    var r = st.result;
    var box = document.getElementById("result");
    box.hidden = false;
    var run = r.mode === "run";
    var v = document.getElementById("verdict");
    v.textContent = run ? "Run: " + r.verdict : r.verdict;
    box.dataset.mode = run ? "run" : "submit";
    v.className = "badge badge-lg " + ({ passed: "v-pass", failed: "v-fail", internal_error: "v-internal" }[r.verdict] || "v-error");
    document.getElementById("score").textContent = r.passed + " of " + r.total + " tests passed";
    // run_ms is the visible phase's time alone (0: not measured).
    document.getElementById("timing").textContent = r.run_ms ? "visible tests ran in " + r.run_ms + " ms" : "";
    document.getElementById("reason").textContent = r.reason;
    var tbody = document.querySelector("#tests tbody");
    tbody.innerHTML = "";
    (r.tests || []).forEach(function (t) { tbody.appendChild(row(t)); });
    var h = r.hidden || { passed: 0, total: 0 };
    document.getElementById("hidden-count").textContent = run
      ? "A Run does not run the hidden tests, and is not an attempt: Submit to be graded."
      : h.total > 0 ? "Hidden tests: " + h.passed + " of " + h.total + " passed" : "This challenge has no hidden tests.";
    var st2 = document.getElementById("scratch-tests");
    var sbody = st2.querySelector("tbody");
    sbody.innerHTML = "";
    (r.scratch || []).forEach(function (t) { sbody.appendChild(row(t)); });
    st2.hidden = !(r.scratch && r.scratch.length);
    var ob = document.getElementById("output-box");
    ob.hidden = !r.output;
    document.getElementById("output").textContent = r.output || "";
    box.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  // The clock of a timed session: the server enforces the end; the page
  // counts down, saves the draft just before it, and then shows that the
  // time is over (the server submits the last draft).
  var clock = document.getElementById("clock");
  if (clock && app.dataset.timed && app.dataset.ends) {
    var ends = Date.parse(app.dataset.ends);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var tick = function () {
      var left = Math.round((ends - Date.now()) / 1000);
      if (left <= 0) {
        clock.textContent = "Time is over";
        clock.classList.add("expired");
        if (!closed) {
          closed = true;
          busy(true);
          submitBtn.disabled = runBtn.disabled = true;
          setStatus("Time is over: your last draft is submitted for you.", false);
          setTimeout(function () { location.reload(); }, 8000);
        }
        return;
      }
      if (left <= 5 && dirty) saveDraft();
      var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), sec = left % 60;
      clock.textContent = "Time left: " + (h ? h + ":" + pad(m) : m) + ":" + pad(sec);
      clock.dataset.left = String(left);
      clock.classList.toggle("clock-low", left <= 300);
    };
    tick();
    setInterval(tick, 1000);
  }

  document.querySelectorAll("#history a[data-submission], #runs a[data-submission]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      load(a.dataset.submission).then(function (st) {
        if (st.status === "done") render(st); else follow(st.submission.id);
      }).catch(function (err) { showError("Could not load that submission: " + err); });
    });
  });
})();
