/* The chat page: one WebSocket per conversation, reconnecting with back-off and resuming from
   the last message id seen, so nothing is lost while the connection is down. Plain JavaScript,
   served by the app. Message text is only ever set with textContent. */
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
  var lastId = 0;
  log.querySelectorAll("[data-id]").forEach(function (li) {
    lastId = Math.max(lastId, Number(li.dataset.id));
  });

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
    // Keep id order even when a resumed batch and a live broadcast cross.
    var after = null;
    log.querySelectorAll("[data-id]").forEach(function (li) {
      if (Number(li.dataset.id) > m.id && after === null) after = li;
    });
    log.insertBefore(node, after);
    if (m.id > lastId) {
      lastId = m.id;
      if (after === null) node.scrollIntoView({ block: "end" });
    }
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
        if (!frame.can_post) readOnly();
        socket.send(JSON.stringify({ type: "resume", last_id: lastId }));
        break;
      case "message.new": case "message.updated":
        show(frame.message);
        if (frame.type === "message.new") markRead();
        break;
      case "history":
        frame.messages.forEach(show);
        break;
      case "resume.done":
        if (frame.more) socket.send(JSON.stringify({ type: "resume", last_id: frame.last_id }));
        else markRead();
        break;
      case "message.ack":
        errorEl.textContent = "";
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
        if (!frame.can_post) readOnly();
        break;
      case "error":
        errorEl.textContent = frame.message;
        break;
    }
  }

  function readOnly() {
    root.dataset.canPost = "0";
    if (form) { form.hidden = true; }
    setStatus(t.readOnly);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    setStatus(t.connecting);
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
      if ((file && file.files.length) || !socket || socket.readyState !== WebSocket.OPEN) {
        var data = new FormData(form);
        fetch(form.action, { method: "POST", body: data, headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (json) {
            if (json.errors) { errorEl.textContent = json.errors.join(" "); return; }
            form.reset(); cancelReply();
          })
          .catch(function () { errorEl.textContent = t.offline; });
        return;
      }
      if (!text.trim()) return;
      socket.send(JSON.stringify({ type: "message.send", body: text, reply_to: reply, client_id: String(Date.now()) }));
      body.value = ""; cancelReply();
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
  connect();
})();
