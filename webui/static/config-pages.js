/* Flow, widget & branding and settings pages: the JSON editor's line numbers, copying the snippet,
   the live widget preview of unsaved settings, and the running total of the scoring weights. */
(function () {
  "use strict";

  // --- the JSON editor: line numbers that follow the text and its scrolling ---------------------
  function numberLines(textarea, gutter) {
    var lines = textarea.value.split("\n").length;
    var text = "";
    for (var i = 1; i <= lines; i++) text += i + "\n";
    gutter.textContent = text;
    gutter.scrollTop = textarea.scrollTop;
  }

  document.querySelectorAll(".code-editor").forEach(function (editor) {
    var textarea = editor.querySelector("textarea");
    var gutter = editor.querySelector(".gutter");
    if (!textarea || !gutter) return;
    var update = function () { numberLines(textarea, gutter); };
    textarea.addEventListener("input", update);
    textarea.addEventListener("scroll", function () { gutter.scrollTop = textarea.scrollTop; });
    textarea.addEventListener("keydown", function (event) {
      // Tab indents instead of leaving the editor (Shift+Tab still leaves it).
      if (event.key === "Tab" && !event.shiftKey) {
        event.preventDefault();
        var start = textarea.selectionStart;
        textarea.setRangeText("  ", start, textarea.selectionEnd, "end");
        update();
      }
    });
    update();
  });

  document.querySelectorAll("[data-format-json]").forEach(function (button) {
    button.addEventListener("click", function () {
      var textarea = document.getElementById(button.getAttribute("data-format-json"));
      try {
        textarea.value = JSON.stringify(JSON.parse(textarea.value), null, 2);
        textarea.dispatchEvent(new Event("input"));
      } catch (e) {
        // Not valid JSON yet: saving shows where the problem is.
        textarea.focus();
      }
    });
  });

  // --- copy buttons --------------------------------------------------------------------------
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      var text = source.value !== undefined ? source.value : source.textContent;
      var done = function () {
        var label = button.textContent;
        button.textContent = button.getAttribute("data-copied") || label;
        setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () {});
      }
    });
  });

  // --- the widget preview follows the form before it is saved ----------------------------------
  document.querySelectorAll("form[data-preview-frame]").forEach(function (form) {
    var frame = document.getElementById(form.getAttribute("data-preview-frame"));
    var language = document.getElementById(form.getAttribute("data-preview-language"));
    var base = form.getAttribute("data-preview-url");
    var timer = null;
    var address = function () {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, name) {
        if (name !== "csrf_token" && typeof value === "string") params.append(name, value);
      });
      params.set("look", "1");
      if (language && language.value) params.set("lang", language.value);
      return base + "?" + params.toString();
    };
    var refresh = function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var next = address();
        if (frame.getAttribute("src") !== next) frame.setAttribute("src", next);
      }, 600);
    };
    form.addEventListener("input", refresh);
    form.addEventListener("change", refresh);
    if (language) language.addEventListener("change", refresh);
    frame.setAttribute("src", address());
  });

  // --- scoring: the weights' running total ---------------------------------------------------
  document.querySelectorAll("[data-weights]").forEach(function (group) {
    var total = group.querySelector("[data-weights-total]");
    var inputs = group.querySelectorAll("input[type=number]");
    var sum = function () {
      var value = 0;
      inputs.forEach(function (input) { value += parseInt(input.value, 10) || 0; });
      total.textContent = value + " %";
      total.classList.toggle("off", value !== 100);
    };
    inputs.forEach(function (input) { input.addEventListener("input", sum); });
    sum();
  });
})();
