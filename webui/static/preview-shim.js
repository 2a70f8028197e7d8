/* Runs before /widget.js on the panel's preview page. The widget asks the public API for a session
   (POST /v1/widget/session); here that one request goes to the panel instead, which opens a preview
   conversation on the chosen flow version (a draft too) and, for unsaved looks, answers with the look
   the widget form describes. Every other request of the widget is left alone. */
(function () {
  "use strict";
  var setup = document.getElementById("preview-setup");
  if (!setup) return;
  var version = parseInt(setup.getAttribute("data-version"), 10) || null;
  var look = setup.getAttribute("data-look") ? JSON.parse(setup.getAttribute("data-look")) : null;
  var sessionUrl = setup.getAttribute("data-session-url");
  var csrf = setup.getAttribute("data-csrf");
  var realFetch = window.fetch.bind(window);

  function isSessionRequest(input, init) {
    var url = new URL(typeof input === "string" ? input : input.url, window.location.href);
    return url.pathname === "/v1/widget/session" && init && init.method === "POST";
  }

  function previewSession(init) {
    var asked = {};
    try {
      asked = JSON.parse(init.body || "{}");
    } catch (e) {}
    var body = { version: version, session_id: asked.session_id || null, lang: asked.lang || null };
    return realFetch(sessionUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok || !look) return response;
      return response.json().then(function (data) {
        data.config = Object.assign({}, data.config, look, { language: data.config.language });
        return new Response(JSON.stringify(data), { status: 200, headers: { "Content-Type": "application/json" } });
      });
    });
  }

  window.fetch = function (input, init) {
    return isSessionRequest(input, init) ? previewSession(init) : realFetch(input, init);
  };

  if (setup.getAttribute("data-open")) {
    // The widget replays commands queued before it loads.
    window.Ebanista = function () {
      (window.Ebanista.q = window.Ebanista.q || []).push(arguments);
    };
    // Opened quietly: staff are working on the page around the preview, and the keyboard focus
    // stays where they are (in the flow editor, a field) instead of jumping into the chat.
    window.Ebanista("open", true);
  }
})();
