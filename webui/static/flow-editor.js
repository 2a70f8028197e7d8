/* The flow editor for people: adding, removing and moving blocks and answers without reloading
   the page. Each of those buttons is an ordinary submit button (the page works without this
   script); here its request is sent in the background and the form is replaced by the one the
   panel answers, with the keyboard focus put back where the change happened. */
(function () {
  "use strict";

  function form() {
    return document.getElementById("flow-editor");
  }

  function focusAfterChange(editor) {
    var wanted = editor.getAttribute("data-focus");
    var target = wanted && (document.getElementById(wanted) || document.getElementById("f-" + wanted));
    if (!target) return;
    if (target.disabled) target = target.closest("article") || target;
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
  }

  // Blocks the person unfolded stay unfolded after a change (found by name: positions move).
  function keepUnfolded(old, fresh) {
    var open = {};
    old.querySelectorAll("details.fe-card[open]").forEach(function (card) {
      open[card.getAttribute("data-block")] = true;
    });
    fresh.querySelectorAll("details.fe-card").forEach(function (card) {
      if (open[card.getAttribute("data-block")]) card.open = true;
    });
  }

  function send(op) {
    var editor = form();
    var data = new FormData(editor);
    data.set("op", op);
    editor.setAttribute("aria-busy", "true");
    return fetch(editor.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("flow-editor");
        if (!fresh) throw new Error("no editor in the answer");
        keepUnfolded(editor, fresh);
        editor.replaceWith(fresh);
        fresh.classList.add("js");
        focusAfterChange(fresh);
      })
      .catch(function () {
        // Fall back to the ordinary form post, which shows whatever went wrong as a page.
        editor.removeAttribute("aria-busy");
        var button = document.createElement("input");
        button.type = "hidden";
        button.name = "op";
        button.value = op;
        editor.appendChild(button);
        editor.submit();
      });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("#flow-editor button[data-fe-op]");
    if (!button) return;
    event.preventDefault();
    var question = button.getAttribute("data-fe-confirm");
    if (question && !window.confirm(question)) return;
    send(button.value);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-fe-fold]");
    if (!button) return;
    var open = button.getAttribute("data-fe-fold") === "open";
    document.querySelectorAll("#flow-editor details.fe-card").forEach(function (card) {
      card.open = open;
    });
  });

  // Following a link from the list of problems unfolds the block it points into.
  document.addEventListener("click", function (event) {
    var link = event.target.closest('#problems a[href^="#"]');
    var target = link && document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    var card = target && (target.querySelector("details.fe-card") || target.closest("details.fe-card"));
    if (card) card.open = true;
  });

  // A field with a problem is never hidden in a folded block.
  document.addEventListener("invalid", function (event) {
    var card = event.target.closest && event.target.closest("details.fe-card");
    if (card) card.open = true;
  }, true);

  document.addEventListener("change", function (event) {
    if (event.target.matches('#flow-editor input[data-fe-op="languages"]')) send("languages");
  });

  var editor = form();
  if (editor) editor.classList.add("js");
  var problems = document.getElementById("problems");
  if (problems) problems.focus();
})();
