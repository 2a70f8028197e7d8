/* The operator's panel: copy buttons and typed confirmations (no inline scripts: the CSP is script-src 'self'). */
(function () {
  "use strict";

  // <button data-copy="id">: copy the value of the field with that id, and say so on the button.
  function copied(button) {
    var label = button.textContent;
    button.textContent = button.getAttribute("data-copied") || label;
    setTimeout(function () { button.textContent = label; }, 1500);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    field.select();
    var fallback = function () {
      // Without clipboard permission the text stays selected, ready for Ctrl+C.
      try { document.execCommand("copy"); } catch (e) { /* selected is enough */ }
      copied(button);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(function () { copied(button); }, fallback);
    } else {
      fallback();
    }
  });

  // <input data-must-equal="text" data-enables="id">: the button is enabled only once the text is typed exactly.
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.hasAttribute || !field.hasAttribute("data-must-equal")) return;
    var target = document.getElementById(field.getAttribute("data-enables"));
    if (target) target.disabled = field.value.trim() !== field.getAttribute("data-must-equal");
  });
})();
