/* The chat page: one WebSocket per conversation, reconnecting with back-off and resuming from
   the last message id seen, so nothing is lost while the connection is down. What the person
   sends waits in an outbox (kept in sessionStorage, shown as "sending…") until the server
   acknowledges it; it is sent again after a reconnect, or over HTTP while the socket is down,
   under the same client_id, which the server stores once. Plain JavaScript, served by the app.
   Message text is only ever set with textContent. */
(function () {
  "use strict";
  var root = document.getElementById("chat");
  if (!root) return;
  var t = JSON.parse(document.getElementById("chat-i18n").textContent);
  var log = document.getElementById("chat-log");
  var form = document.getElementById("chat-form");
  var statusEl = document.getElementById("chat-status");
  var presenceEl = document.getElementById("chat-presence");
  var typingEl = document.getElementById("chat-typing");
  var errorEl = document.getElementById("chat-error");
  var me = Number(root.dataset.user);
  var urls = {
    edit: root.dataset.editUrl, del: root.dataset.deleteUrl,
    report: root.dataset.reportUrl, readBy: root.dataset.readByUrl
  };
  var socket = null, attempt = 0, closedForGood = false, typingTimer = null, lastTyping = 0;
  var lastId = 0, resumed = false;
  log.querySelectorAll("[data-id]").forEach(function (li) {
    lastId = Math.max(lastId, Number(li.dataset.id));
  });
  // Where a resume starts: the highest id below which this page holds every message. Not
  // simply the highest id seen: two server processes broadcast independently (N+1 may arrive
  // before N), and the channel layer drops broadcasts for a process that falls behind. Each
  // broadcast names the conversation's message before it (prev_id); a gap still open after
  // GAP_WAIT_MS is filled by a resume. Showing a message twice only replaces it.
  var GAP_WAIT_MS = 3000;
  var completeId = lastId, nextOf = {}, highestPrev = 0, gapTimer = null;
  function held(id) { return document.getElementById("m" + id) !== null; }
  function advance() {
    while (nextOf[completeId] !== undefined && held(nextOf[completeId])) completeId = nextOf[completeId];
  }
  function linked(prevId, id) {
    nextOf[prevId] = id;
    highestPrev = Math.max(highestPrev, prevId);
    advance();
    if (completeId < highestPrev && !gapTimer) {
      gapTimer = setTimeout(function () {
        gapTimer = null;
        if (completeId < highestPrev && socket && socket.readyState === WebSocket.OPEN) {
          socket.send(JSON.stringify({ type: "resume", last_id: completeId }));
        }
      }, GAP_WAIT_MS);
    }
  }

  // The outbox: messages not yet acknowledged, oldest first, as {client_id, body, reply_to}.
  // sessionStorage: a reload of the tab keeps them; another tab has an outbox of its own.
  var OUTBOX_KEY = "chat-outbox:" + root.dataset.conversation + ":" + me;
  var RESEND_AFTER = 10000;  // ms without an answer before a message is sent again
  var outbox = [], inflight = {};
  try { outbox = JSON.parse(sessionStorage.getItem(OUTBOX_KEY)) || []; } catch (e) { outbox = []; }
  function saveOutbox() {
    try { sessionStorage.setItem(OUTBOX_KEY, JSON.stringify(outbox)); } catch (e) { /* private mode: memory only */ }
  }
  function newClientId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);  // randomUUID needs https; this does not
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function setStatus(text) { statusEl.textContent = text; }
  function csrf() {
    var input = document.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function url(pattern, id) { return pattern.replace("/0/", "/" + id + "/"); }

  function linkify(parent, text) {
    var parts = text.split(/(https?:\/\/[^\s<>"]+)/);
    parts.forEach(function (part, i) {
      if (i % 2 === 1) {
        var a = document.createElement("a");
        a.href = part; a.textContent = part; a.rel = "nofollow noopener noreferrer";
        parent.appendChild(a);
      } else if (part) {
        parent.appendChild(document.createTextNode(part));
      }
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function render(m) {
    var li = el("li", "chat-msg" + (m.sender.id === me ? " mine" : ""));
    li.id = "m" + m.id; li.dataset.id = m.id; li.dataset.sender = m.sender.id;
    var meta = el("p", "chat-meta");
    meta.appendChild(el("strong", "", m.sender.name));
    var time = el("time", "", " " + new Date(m.created_at).toLocaleString());
    time.setAttribute("datetime", m.created_at);
    meta.appendChild(time);
    if (m.edited) meta.appendChild(el("span", "", " · " + t.edited));
    li.appendChild(meta);
    if (m.reply_to) {
      var r = el("p", "chat-reply");
      var ra = el("a", "", t.replyTo + " " + m.reply_to.sender);
      ra.href = "#m" + m.reply_to.id;
      r.appendChild(ra);
      if (m.reply_to.excerpt) r.appendChild(document.createTextNode(": " + m.reply_to.excerpt));
      li.appendChild(r);
    }
    if (m.state !== "visible") {
      li.appendChild(el("p", "chat-removed", m.state === "deleted" ? t.deleted : t.hidden));
      return li;
    }
    var body = el("div", "chat-body");
    linkify(body, m.body);
    li.appendChild(body);
    if (m.attachment) {
      var f = el("p", "chat-file"), a = el("a");
      a.href = m.attachment.url;
      if (m.attachment.is_image) {
        var img = el("img"); img.src = m.attachment.url; img.alt = m.attachment.name; img.loading = "lazy";
        a.appendChild(img);
      } else { a.textContent = m.attachment.name; }
      f.appendChild(a); li.appendChild(f);
    }
    var actions = el("details", "chat-actions"), list = el("ul");
    actions.appendChild(el("summary", "", t.actions));
    if (root.dataset.canPost === "1") {
      var reply = el("button", "link-button", t.reply);
      reply.type = "button"; reply.dataset.reply = m.id;
      list.appendChild(wrap(reply));
    }
    if (m.sender.id === me && root.dataset.canPost === "1") {
      var edit = el("a", "", t.edit); edit.href = url(urls.edit, m.id);
      list.appendChild(wrap(edit));
      var del = el("form"); del.method = "post"; del.action = url(urls.del, m.id);
      var token = el("input"); token.type = "hidden"; token.name = "csrfmiddlewaretoken"; token.value = csrf();
      var button = el("button", "link-button", t.del); button.type = "submit";
      del.appendChild(token); del.appendChild(button);
      list.appendChild(wrap(del));
    } else if (m.sender.id !== me) {
      var report = el("a", "", t.report); report.href = url(urls.report, m.id);
      list.appendChild(wrap(report));
    }
    actions.appendChild(list);
    li.appendChild(actions);
    return li;
  }
  function wrap(node) { var li = el("li"); li.appendChild(node); return li; }

  function show(m) {
    if (m.conversation !== Number(root.dataset.conversation)) return;
    var existing = document.getElementById("m" + m.id);
    var node = render(m);
    if (existing) { existing.replaceWith(node); return; }
    // Keep id order even when a resumed batch and a live broadcast cross; messages still
    // being sent stay below every stored one.
    var after = null;
    log.querySelectorAll("[data-id]").forEach(function (li) {
      if (Number(li.dataset.id) > m.id && after === null) after = li;
    });
    log.insertBefore(node, after || log.querySelector(".chat-pending"));
    if (m.id > lastId) {
      lastId = m.id;
      if (after === null) node.scrollIntoView({ block: "end" });
    }
  }

  function pendingNode(clientId) {
    var found = null;
    log.querySelectorAll(".chat-pending").forEach(function (li) {
      if (li.dataset.clientId === clientId) found = li;
    });
    return found;
  }

  function showPending(entry) {
    var li = el("li", "chat-msg mine chat-pending");
    li.dataset.clientId = entry.client_id;
    li.appendChild(el("p", "chat-meta chat-sending", t.sending));
    var text = el("div", "chat-body");
    linkify(text, entry.body);
    li.appendChild(text);
    log.appendChild(li);
    li.scrollIntoView({ block: "end" });
  }

  function forget(clientId) {
    outbox = outbox.filter(function (e) { return e.client_id !== clientId; });
    delete inflight[clientId];
    saveOutbox();
    var node = pendingNode(clientId);
    if (node) node.remove();
  }

  function acknowledged(clientId, message) {
    forget(clientId);
    if (message) show(message);
  }

  function refused(clientId, code) {
    if (code === "rate_limited") { delete inflight[clientId]; return; }  // the timer tries again
    var entry = outbox.filter(function (e) { return e.client_id === clientId; })[0];
    forget(clientId);
    // Refused for good (too long, group closed ...): the text goes back into the box, not away.
    var box = form && form.querySelector("[name=body]");
    if (entry && box && !box.value) box.value = entry.body;
  }

  function postEntry(entry) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf());
    data.append("body", entry.body);
    if (entry.reply_to) data.append("reply_to", entry.reply_to);
    data.append("client_id", entry.client_id);
    fetch(root.dataset.sendUrl, { method: "POST", body: data, headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        var json = (r.headers.get("Content-Type") || "").indexOf("json") !== -1;
        if (json) return r.json();
        if (r.status === 403 || r.status === 404) return { errors: [t.forbidden], code: "forbidden" };
        throw new Error(String(r.status));  // a server error page: try again later
      })
      .then(function (json) {
        if (json.errors) { errorEl.textContent = json.errors.join(" "); refused(entry.client_id, json.code); return; }
        acknowledged(entry.client_id, json.message);
      })
      .catch(function () { delete inflight[entry.client_id]; });
  }

  // Send what the outbox holds and is not already on its way: over the socket once it has
  // resumed (so stored messages come first), over HTTP while it is down.
  function flush() {
    var now = Date.now();
    var open = socket && socket.readyState === WebSocket.OPEN;
    if (open && !resumed) return;
    outbox.forEach(function (entry) {
      if (inflight[entry.client_id] && now - inflight[entry.client_id] < RESEND_AFTER) return;
      inflight[entry.client_id] = now;
      if (open) {
        socket.send(JSON.stringify({ type: "message.send", body: entry.body, reply_to: entry.reply_to, client_id: entry.client_id }));
      } else {
        postEntry(entry);
      }
    });
  }

  function markRead() {
    if (socket && socket.readyState === WebSocket.OPEN && document.visibilityState === "visible" && lastId) {
      socket.send(JSON.stringify({ type: "read", last_id: lastId }));
    }
  }

  function handle(frame) {
    switch (frame.type) {
      case "hello":
        attempt = 0;
        setStatus(t.online);
        if (!frame.can_post) readOnly(frame.read_only);
        socket.send(JSON.stringify({ type: "resume", last_id: completeId }));
        break;
      case "message.new": case "message.updated":
        show(frame.message);
        if (frame.type === "message.new") {
          if (frame.message.conversation === Number(root.dataset.conversation)) linked(frame.prev_id || 0, frame.message.id);
          markRead();
        }
        break;
      case "history":
        frame.messages.forEach(show);
        break;
      case "resume.done":
        if (frame.more) { socket.send(JSON.stringify({ type: "resume", last_id: frame.last_id })); break; }
        completeId = Math.max(completeId, frame.last_id);  // a resume's answer has no gaps
        advance();
        markRead();
        if (!resumed) {  // the connection's first resume, not one that filled a gap
          resumed = true;
          inflight = {};  // whatever was on its way may have been lost with the old socket
          flush();
        }
        break;
      case "message.ack":
        errorEl.textContent = "";
        if (frame.client_id) acknowledged(frame.client_id, frame.message);
        else if (frame.message) show(frame.message);
        advance();
        break;
      case "typing":
        typingEl.textContent = frame.user.name + " " + t.typing;
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () { typingEl.textContent = ""; }, 3000);
        break;
      case "presence":
        presenceEl.textContent = t.here + " " + frame.online.map(function (u) { return u.name; }).join("、");
        break;
      case "read":
        var pos = document.querySelector('[data-read-pos="' + frame.user.id + '"]');
        if (pos) pos.textContent = t.readUpTo + frame.last_id;
        break;
      case "conversation.state":
        root.dataset.canPost = frame.can_post ? "1" : "0";
        if (!frame.can_post) readOnly(frame.read_only);
        break;
      case "error":
        errorEl.textContent = frame.message;
        if (frame.client_id) refused(frame.client_id, frame.code);
        break;
    }
  }

  function readOnly(reason) {  // the server's reason: a closed group, an ended referral
    root.dataset.canPost = "0";
    if (form) { form.hidden = true; }
    setStatus(reason || t.readOnly);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    setStatus(t.connecting);
    resumed = false;
    socket = new WebSocket(scheme + location.host + root.dataset.socket);
    socket.onmessage = function (event) { handle(JSON.parse(event.data)); };
    socket.onclose = function (event) {
      if (event.code === 4403) {
        closedForGood = true;
        setStatus(t.forbidden);
        if (form) form.hidden = true;
        return;
      }
      if (closedForGood) return;
      // Back-off: 1 s, 2 s, 4 s ... up to 30 s, with jitter so a restarted server is not
      // hit by every client at the same instant.
      var delay = Math.min(30000, 1000 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
      attempt += 1;
      setStatus(t.offline);
      setTimeout(connect, delay);
    };
  }

  if (form) {
    var body = form.querySelector("[name=body]");
    var replyTo = form.querySelector("[name=reply_to]");
    var replying = document.getElementById("chat-replying");
    var file = form.querySelector("[name=attachment]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      errorEl.textContent = "";
      var text = body.value;
      var reply = replyTo.value ? Number(replyTo.value) : null;
      if (file && file.files.length) {
        // A file cannot wait in the outbox: it goes over HTTP now, and the form keeps the text
        // and the file until the server has stored them.
        form.querySelector("[name=client_id]").value = newClientId();
        var data = new FormData(form);
        fetch(form.action, { method: "POST", body: data, headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (json) {
            if (json.errors) { errorEl.textContent = json.errors.join(" "); return; }
            form.reset(); cancelReply();
            if (json.message) show(json.message);
          })
          .catch(function () { errorEl.textContent = t.offline; });
        return;
      }
      if (!text.trim()) return;
      // Into the outbox first (it survives a reload), then the box is free for the next one.
      var entry = { client_id: newClientId(), body: text, reply_to: reply };
      outbox.push(entry);
      saveOutbox();
      showPending(entry);
      body.value = ""; cancelReply();
      flush();
    });
    body.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
    });
    body.addEventListener("input", function () {
      var now = Date.now();
      if (socket && socket.readyState === WebSocket.OPEN && now - lastTyping > 3000) {
        lastTyping = now;
        socket.send(JSON.stringify({ type: "typing" }));
      }
    });
    log.addEventListener("click", function (event) {
      var id = event.target.dataset && event.target.dataset.reply;
      if (!id) return;
      replyTo.value = id;
      var name = document.querySelector("#m" + id + " .chat-meta strong");
      replying.querySelector("span").textContent = t.replyTo + " " + (name ? name.textContent : "");
      replying.hidden = false;
      body.focus();
    });
    document.getElementById("chat-reply-cancel").addEventListener("click", cancelReply);
    function cancelReply() { replyTo.value = ""; replying.hidden = true; }
  }
  document.addEventListener("visibilitychange", markRead);
  outbox.forEach(showPending);  // left from before a reload: sent again once connected
  setInterval(flush, 3000);
  window.addEventListener("online", flush);
  connect();
})();
