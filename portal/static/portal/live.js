/* Live notifications on every page of a logged-in person: one WebSocket to /ws/notifications/,
   reconnecting with back-off, showing each new notification as a toast (announced politely to
   screen readers). Plain JavaScript served by the app; text is only ever set with textContent,
   and links are followed only when they stay on this site.
   Other scripts share the socket: every event is also dispatched on the document as
   "portal:event" (detail: the event), each (re)connection as "portal:open", and
   window.portalLive.send(frame) sends a frame while the socket is open (false otherwise). */
(function () {
  "use strict";
  var region = document.getElementById("live-toasts");
  if (!region || !window.WebSocket) return;
  var t = region.dataset;
  var attempt = 0;
  var current = null;

  window.portalLive = {
    send: function (frame) {
      if (!current || current.readyState !== WebSocket.OPEN) return false;
      current.send(JSON.stringify(frame));
      return true;
    }
  };

  function sameSite(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/";
  }

  function toast(event) {
    var item = document.createElement("div");
    item.className = "toast";
    var title = document.createElement(sameSite(event.url) ? "a" : "strong");
    if (sameSite(event.url)) title.href = event.url;
    title.textContent = event.title || t.fallback;
    item.appendChild(title);
    if (event.body) {
      var body = document.createElement("p");
      body.textContent = event.body.length > 140 ? event.body.slice(0, 140) + "…" : event.body;
      item.appendChild(body);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", t.close);
    close.textContent = "×";
    close.addEventListener("click", function () { item.remove(); });
    item.appendChild(close);
    region.appendChild(item);
    while (region.children.length > 3) region.removeChild(region.firstChild);
    var list = document.getElementById("notification-list");
    if (list) {  // on the notifications page the new one also heads the list
      var li = document.createElement("li");
      li.className = "card unread";
      li.appendChild(title.cloneNode(true));
      list.insertBefore(li, list.firstChild);
    }
  }

  // Access ended while the page was open: say so, and offer the reload that shows what is
  // left. Stays until the person acts; never reconnects.
  function ended() {
    if (document.getElementById("live-ended")) return;
    var item = document.createElement("div");
    item.id = "live-ended";
    item.className = "toast toast-ended";
    item.setAttribute("role", "alert");
    var text = document.createElement("strong");
    text.textContent = t.ended;
    item.appendChild(text);
    var reload = document.createElement("a");
    reload.href = location.pathname + location.search;
    reload.textContent = t.reload;
    item.appendChild(reload);
    region.appendChild(item);
    document.dispatchEvent(new CustomEvent("portal:ended"));
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/notifications/");
    socket.onopen = function () {
      attempt = 0;
      current = socket;
      region.dataset.state = "open";
      document.dispatchEvent(new CustomEvent("portal:open"));
    };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event.type === "notification.new") toast(event.payload || event);
      document.dispatchEvent(new CustomEvent("portal:event", { detail: event }));
    };
    socket.onclose = function (closing) {
      current = null;
      region.dataset.state = "closed";
      if (closing.code === 4403) {  // logged out, suspended or a role revoked meanwhile
        ended();
        return;
      }
      attempt += 1;
      setTimeout(connect, Math.min(30000, 1000 * Math.pow(2, attempt)));
    };
  }
  connect();
})();
