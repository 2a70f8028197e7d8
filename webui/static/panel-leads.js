/* Leads: rows for new leads arrive without reloading, from the page's server-sent event stream. */
(function () {
  "use strict";

  function start() {
    var table = document.getElementById("leads-table");
    if (!table || !table.dataset.liveUrl || !window.EventSource) {
      return;
    }
    var url = table.dataset.liveUrl;
    url += (url.indexOf("?") === -1 ? "?" : "&") + "since=" + encodeURIComponent(table.dataset.since || "");
    var body = table.tBodies[0];
    var counter = document.getElementById("live-count");
    var arrived = 0;
    var source = new EventSource(url);
    source.addEventListener("lead", function (event) {
      var holder = document.createElement("tbody");
      holder.innerHTML = event.data;
      var row = holder.querySelector("tr");
      if (!row || body.querySelector('tr[data-lead-id="' + row.dataset.leadId + '"]')) {
        return;
      }
      var empty = body.querySelector("tr.empty-row");
      if (empty) {
        empty.remove();
      }
      body.insertBefore(row, body.firstChild);
      arrived += 1;
      if (counter) {
        counter.textContent = "· " + counter.dataset.template.replace("{n}", String(arrived));
      }
    });
    // The server ends each stream after a minute; EventSource reconnects with the last event id.
    window.addEventListener("pagehide", function () { source.close(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
