/* The sender's live board: each "alert.progress" event on the notification socket (portal/
   live.js) names one person and the steps they newly reached (delivered, opened,
   acknowledged); the counts, the speed figures and the person's row change in place.
   Events sent while no socket listened (the page loading, a reconnection) are not replayed, so
   each time the socket opens the board is read again from the server and swapped in, and
   the events that arrive meanwhile are applied on top (a row already showing a step is not
   counted twice). */
(function () {
  "use strict";
  var board = document.getElementById("alert-board");
  if (!board || board.dataset.live !== "1") return;
  var alertId = Number(board.dataset.alert);
  var WITHIN = 300;
  var seconds = [];
  var total = 0;
  var queued = null;  // events that arrive while the board is being read again

  function readState() {
    seconds = JSON.parse(document.getElementById("ack-seconds").textContent);
    total = JSON.parse(document.getElementById("ack-total").textContent);
  }

  function bump(scope, name, by) {
    var cell = scope && scope.querySelector('[data-count="' + name + '"]');
    if (cell) cell.textContent = String(Number(cell.textContent) + by);
  }

  function duration(s) {
    var whole = Math.round(s);
    var rest = whole % 60;
    return Math.floor(whole / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function speed() {
    if (!seconds.length) return;
    var sorted = seconds.slice().sort(function (a, b) { return a - b; });
    var mid = Math.floor(sorted.length / 2);
    var median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    var within = sorted.filter(function (s) { return s <= WITHIN; }).length;
    board.querySelector('[data-figure="median"]').textContent = duration(median);
    board.querySelector('[data-figure="within"]').textContent =
      (total ? (100 * within / total).toFixed(1) : "0.0") + "%";
  }

  function clock(iso) {
    var time = document.createElement("time");
    time.setAttribute("datetime", iso);
    time.textContent = iso.slice(11, 19);  // local HH:MM:SS from the server
    return time;
  }

  function apply(p) {
    var row = board.querySelector('[data-recipient="' + p.recipient + '"]');
    var group = board.querySelector('[data-group="' + (p.group === null ? "staff" : p.group) + '"]');
    var counts = board.querySelector(".alert-counts");
    (p.newly || []).forEach(function (step) {
      if (row && row.dataset[step] === "1") return;  // the server's page already had it
      if (row) row.dataset[step] = "1";
      bump(counts, step, 1);
      if (step === "delivered" && row) {
        var cell = row.querySelector('[data-cell="delivered"]');
        cell.textContent = "✓ ";
        cell.appendChild(clock(p.at));
      }
      if (step === "acknowledged") {
        bump(counts, "waiting", -1);
        bump(group && group.querySelector("h3"), "acknowledged", 1);
        seconds.push(p.seconds);
        speed();
        if (row) {
          var ack = row.querySelector('[data-cell="acknowledged"]');
          ack.textContent = "";
          ack.appendChild(clock(p.acknowledged_at));
          row.querySelector('[data-cell="reply"]').textContent = p.reply || "";
          row.classList.remove("is-waiting");
          row.classList.add("is-acked");
        }
      }
    });
  }

  function connected() {
    var status = document.getElementById("board-live");
    if (status) status.textContent = status.dataset.connected;
  }

  function refresh() {
    queued = queued || [];
    fetch(location.href, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("alert-board");
        if (fresh && fresh.dataset.live === "1") {
          board.innerHTML = fresh.innerHTML;
          readState();
        }
      })
      .catch(function () {})
      .then(function () {
        var late = queued;
        queued = null;
        late.forEach(apply);
        connected();
      });
  }

  readState();
  document.addEventListener("portal:event", function (message) {
    var event = message.detail || {};
    if (event.type !== "alert.progress" || !event.payload || event.payload.alert !== alertId) return;
    if (queued) queued.push(event.payload); else apply(event.payload);
  });
  document.addEventListener("portal:open", refresh);
})();
