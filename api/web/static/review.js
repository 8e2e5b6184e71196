// The review pages' small behaviours: copy buttons, and a click on a
// source line number filling the note form's file and line.
(function () {
  'use strict';
  document.querySelectorAll('button[data-copy]').forEach(function (btn) {
    btn.addEventListener('click', function () {
      var input = document.getElementById(btn.getAttribute('data-copy'));
      if (!input) return;
      input.select();
      var done = function () { btn.textContent = 'Copied'; };
      var copied = false;
      try { copied = document.execCommand('copy'); } catch (e) { copied = false; }
      if (copied) { done(); return; }
      if (navigator.clipboard) {
        navigator.clipboard.writeText(input.value).then(done, function () { btn.textContent = 'Selected: press Ctrl+C'; });
      } else {
        btn.textContent = 'Selected: press Ctrl+C';
      }
    });
  });
  var file = document.getElementById('note-file');
  var line = document.getElementById('note-line');
  var text = document.getElementById('note-text');
  if (!file || !line) return;
  document.querySelectorAll('.source[data-file]').forEach(function (src) {
    src.addEventListener('click', function (ev) {
      var a = ev.target.closest('a[href^="#f"]');
      if (!a) return;
      var m = /-L(\d+)$/.exec(a.getAttribute('href'));
      if (!m) return;
      ev.preventDefault();
      file.value = src.getAttribute('data-file');
      line.value = m[1];
      history.replaceState(null, '', a.getAttribute('href'));
      if (text) text.focus();
    });
  });
})();
