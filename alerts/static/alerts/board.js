/* The sender's live board: each "alert.progress" event on the notification socket (portal/
   live.js) names one person and the steps they newly reached (delivered, opened,
   acknowledged); the counts, the speed figures and the person's row change in place. After a
   reconnection the page reloads once, since events sent while it was away are not replayed. */
(function () {
  "use strict";
  var board = document.getElementById("alert-board");
  if (!board || board.dataset.live !== "1") return;
  var alertId = Number(board.dataset.alert);
  var seconds = JSON.parse(document.getElementById("ack-seconds").textContent);
  var total = JSON.parse(document.getElementById("ack-total").textContent);
  var status = document.getElementById("board-live");
  var opened = 0;
  var WITHIN = 300;

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
    (p.newly || []).forEach(function (step) {
      bump(board.querySelector(".alert-counts"), step, 1);
      if (step === "delivered" && row) {
        var cell = row.querySelector('[data-cell="delivered"]');
        cell.textContent = "✓ ";
        cell.appendChild(clock(p.at.slice(0, 19)));
      }
      if (step === "acknowledged") {
        bump(board.querySelector(".alert-counts"), "waiting", -1);
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

  document.addEventListener("portal:event", function (message) {
    var event = message.detail || {};
    if (event.type === "alert.progress" && event.payload && event.payload.alert === alertId) {
      apply(event.payload);
    }
  });
  document.addEventListener("portal:open", function () {
    opened += 1;
    if (opened > 1) { location.reload(); return; }
    if (status) status.textContent = status.dataset.connected;
  });
})();
