/* Calendar: EventCalendar fed by the panel's JSON route; click opens an appointment, drag reschedules it. */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The calendar shows the store's wall-clock ("floating") times; send them back the same way.
  function floating(d) {
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) +
      "T" + pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":00";
  }

  function showMessage(text) {
    var main = document.querySelector("main");
    var note = document.createElement("div");
    note.className = "flash flash-error";
    note.setAttribute("role", "alert");
    note.textContent = text;
    main.insertBefore(note, main.firstChild);
    window.setTimeout(function () { note.remove(); }, 8000);
  }

  function openAppointment(options, id) {
    var url = options.detailUrl.replace("APPOINTMENT", encodeURIComponent(id));
    if (window.htmx) {
      window.htmx.ajax("GET", url, { target: "#side", swap: "innerHTML" });
    } else {
      window.location.href = url;
    }
  }

  function moveAppointment(options, info) {
    var url = options.moveUrl.replace("APPOINTMENT", encodeURIComponent(info.event.id));
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": window.Ebanista.csrfToken() },
      body: JSON.stringify({ start: floating(info.event.start) })
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) {
        info.revert();
        showMessage(result.body.error || options.moveFailed);
      }
    }).catch(function () {
      info.revert();
      showMessage(options.moveFailed);
    });
  }

  function start() {
    var holder = document.getElementById("calendar");
    var source = document.getElementById("calendar-options");
    if (!holder || !source || !window.EventCalendar) {
      return;
    }
    var options = JSON.parse(source.textContent);
    window.Ebanista.calendar = window.EventCalendar.create(holder, {
      view: window.matchMedia("(max-width: 700px)").matches ? "listWeek" : "timeGridWeek",
      date: options.date,
      locale: options.locale,
      firstDay: 1,
      height: "640px",
      slotMinTime: "08:00",
      slotMaxTime: "21:00",
      scrollTime: "09:00",
      allDaySlot: false,
      nowIndicator: true,
      editable: options.editable,
      eventDurationEditable: false,
      headerToolbar: { start: "prev,next today", center: "title", end: "dayGridMonth,timeGridWeek,listWeek" },
      buttonText: function (text) {
        var own = options.buttonText;
        return Object.assign({}, text, own);
      },
      eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
      slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
      dayMaxEvents: true,
      noEventsContent: options.noEvents,
      moreLinkContent: function (arg) { return options.moreLink.replace("NUM", String(arg.num)); },
      eventSources: [{ url: options.eventsUrl }],
      eventClick: function (info) { openAppointment(options, info.event.id); },
      eventDrop: function (info) { moveAppointment(options, info); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
