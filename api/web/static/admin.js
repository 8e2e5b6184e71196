// The admin's pages: the Copy button beside a token shown once. The
// clipboard API needs a secure context (https, or localhost); elsewhere
// the token is selected for the admin to copy by hand.
"use strict";
document.querySelectorAll("button[data-copy]").forEach((btn) => {
  btn.addEventListener("click", async () => {
    const el = document.getElementById(btn.dataset.copy);
    if (!el) return;
    try {
      await navigator.clipboard.writeText(el.textContent.trim());
      btn.textContent = "Copied";
      btn.dataset.state = "copied";
    } catch (err) {
      const range = document.createRange();
      range.selectNodeContents(el);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      btn.textContent = "Selected: press Ctrl+C";
      btn.dataset.state = "selected";
    }
  });
});
