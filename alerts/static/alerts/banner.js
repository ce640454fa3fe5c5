/* The alert banner: full screen, on every page, until the person acknowledges it.
   Banners come from the page itself (alerts still open when it was rendered) and from the
   notification socket (portal/live.js: "alert.sent" as it happens; "alert.open", the answer to
   "alert.sync" on every (re)connection, for what was missed while offline). Each one that
   arrives over the socket is confirmed with an "alert.delivered" frame (and "seen" when the page
   was on screen), so the sender's board knows it reached a browser. Acknowledging posts the
   banner's own form (which works without this script too); "alert.done" closes the banner in
   every other tab. Text is only ever set with textContent. */
(function () {
  "use strict";
  var root = document.getElementById("alert-banners");
  var template = document.getElementById("alert-banner-template");
  if (!root || !template) return;
  var shown = {};     // alert id -> banner element
  var finished = {};  // alert id -> true once acknowledged or closed
  var told = {};      // alert id -> {delivered: bool, opened: bool} as reported to the server

  function send(frame) {
    return Boolean(window.portalLive && window.portalLive.send(frame));
  }

  function onScreen() {
    return document.visibilityState === "visible";
  }

  function sameSite(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/";
  }

  function slot(banner, name) {
    return banner.querySelector('[data-slot="' + name + '"]');
  }

  function build(alert) {
    var banner = template.content.firstElementChild.cloneNode(true);
    var id = alert.alert;
    banner.dataset.alert = String(id);
    banner.classList.toggle("is-drill", alert.drill === true);
    banner.classList.toggle("is-real", alert.drill !== true);
    var heading = banner.querySelector(".alert-kind");
    heading.id = "alert-" + id + "-title";
    banner.setAttribute("aria-labelledby", heading.id);
    slot(banner, "message").textContent = alert.message || "";
    slot(banner, "sender").textContent = alert.sender || "";
    slot(banner, "region").textContent = alert.region || "";
    var time = slot(banner, "time");
    time.setAttribute("datetime", alert.sent_at || "");
    time.textContent = (alert.sent_at || "").slice(11, 16);  // local HH:MM from the server
    var reply = slot(banner, "reply");
    reply.id = "alert-" + id + "-reply";
    slot(banner, "reply-label").setAttribute("for", reply.id);
    var form = banner.querySelector("form");
    if (sameSite(alert.ack_url)) form.action = alert.ack_url;
    form.querySelector('[name="next"]').value = location.pathname + location.search;
    return banner;
  }

  function wire(banner, id) {
    var form = banner.querySelector("form");
    form.addEventListener("submit", function (submit) {
      if (!window.fetch || !window.FormData) return;  // the plain form posts and reloads
      submit.preventDefault();
      var data = new FormData(form);
      if (submit.submitter && submit.submitter.name) {
        data.append(submit.submitter.name, submit.submitter.value);
      }
      var error = slot(banner, "error");
      fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": root.dataset.csrf || "" }
      }).then(function (response) {
        if (response.ok || response.status === 409) {  // 409: closed meanwhile, nothing to do
          finish(id);
          return null;
        }
        return response.json().then(function (answer) {
          error.textContent = (answer.errors || []).join(" ") || root.dataset.failed;
          error.hidden = false;
        });
      }).catch(function () {
        error.textContent = root.dataset.failed;
        error.hidden = false;
      });
    });
  }

  function focus(banner) {
    var heading = banner.querySelector(".alert-kind");
    if (heading) heading.focus();
  }

  function report(id) {
    var state = told[id] || (told[id] = { delivered: false, opened: false });
    if (!state.delivered) {
      var seen = onScreen();
      if (send({ type: "alert.delivered", alert: id, seen: seen })) {
        state.delivered = true;
        state.opened = state.opened || seen;
      }
    } else if (!state.opened && onScreen() && send({ type: "alert.opened", alert: id })) {
      state.opened = true;
    }
  }

  function show(alert) {
    var id = alert && alert.alert;
    if (typeof id !== "number" || finished[id]) return;
    if (!shown[id]) {
      var banner = build(alert);
      root.appendChild(banner);
      shown[id] = banner;
      wire(banner, id);
      focus(banner);
    }
    report(id);
  }

  function finish(id) {
    finished[id] = true;
    var banner = shown[id];
    delete shown[id];
    if (banner) banner.remove();
    var next = root.querySelector(".alert-banner:last-child");
    if (next) focus(next);
  }

  // Banners the page was rendered with: the page load already counted them as opened.
  Array.prototype.forEach.call(root.querySelectorAll(".alert-banner[data-alert]"), function (b) {
    var id = Number(b.dataset.alert);
    shown[id] = b;
    told[id] = { delivered: false, opened: true };
    wire(b, id);
  });
  var first = root.querySelector(".alert-banner:last-child");
  if (first) focus(first);

  document.addEventListener("portal:event", function (message) {
    var event = message.detail || {};
    var payload = event.payload || {};
    if (event.type === "alert.sent") {
      show(payload);
    } else if (event.type === "alert.done") {
      finish(payload.alert);
    } else if (event.type === "alert.open") {
      // The server's list is the truth: banners acknowledged elsewhere meanwhile go away.
      var open = {};
      (payload.alerts || []).forEach(function (alert) { open[alert.alert] = true; show(alert); });
      Object.keys(shown).forEach(function (id) { if (!open[id]) finish(Number(id)); });
    }
  });
  document.addEventListener("portal:open", function () { send({ type: "alert.sync" }); });
  document.addEventListener("visibilitychange", function () {
    if (onScreen()) Object.keys(shown).forEach(function (id) { report(Number(id)); });
  });
})();
