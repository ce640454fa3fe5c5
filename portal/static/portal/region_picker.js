/* Cascading region choosers: every <select data-region-picker> (portal.region_picker's widget)
   is shown as one select per level (省 → 市 → 区县 → 司法所), each filled from the
   portal:region_children endpoint when the one above changes. The original select stays in the
   form, visually hidden, and is what is submitted: without JavaScript (or when the endpoint
   fails) it is the plain list it always was. Only regions the original select offers are offered
   (the form's queryset stays the authority); its options say their code, level and parent.
   Texts and the endpoint come from #region-picker-text (data-*, translated by the template).
   Plain JavaScript served by the app; text is only ever set with textContent. */
(function () {
  "use strict";
  var text = document.getElementById("region-picker-text");
  if (!text || !window.fetch) return;
  var t = text.dataset;
  var cache = {};  // parent code -> promise of its children

  function children(code) {
    if (!cache[code]) {
      var url = t.url + "?parent=" + encodeURIComponent(code);
      cache[code] = fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        });
      cache[code].catch(function () { delete cache[code]; });
    }
    return cache[code];
  }

  function levelLabel(levels) {
    var first = levels[0];
    for (var i = 1; i < levels.length; i++) if (levels[i] !== first) return t.region;
    return t["level-" + first] || t.region;
  }

  function setUp(original, number) {
    var byCode = {};
    var roots = [];
    Array.prototype.forEach.call(original.options, function (option) {
      var code = option.dataset.code;
      if (!code) return;
      byCode[code] = option;
      if (!option.dataset.parent) roots.push(option);
    });
    if (!roots.length) return;

    var row = document.createElement("div");
    row.className = "region-picker";
    var status = document.createElement("p");
    status.className = "helptext";
    status.setAttribute("role", "status");
    var levels = [];  // one {box, select, parent} per level shown, the top first
    var turn = 0;     // answers to an older choice are dropped
    var broken = false;

    function hideOriginal() {
      original.classList.add("visually-hidden");
      original.tabIndex = -1;
      original.setAttribute("aria-hidden", "true");
      var label = document.querySelector("label[for='" + original.id + "']");
      if (label) label.htmlFor = original.id + "-level-0";
    }

    function fallBack() {  // the endpoint failed: the plain list again, and a word why
      turn++;
      broken = true;
      cut(-1);
      status.textContent = t.failed;
      original.classList.remove("visually-hidden");
      original.removeAttribute("tabindex");
      original.removeAttribute("aria-hidden");
      var label = document.querySelector("label[for='" + original.id + "-level-0']");
      if (label) label.htmlFor = original.id;
    }

    function chainTo(option) {  // codes from the top of the cascade down to `option`
      var chain = [];
      while (option) {
        chain.unshift(option.dataset.code);
        option = option.dataset.parent ? byCode[option.dataset.parent] : null;
      }
      return chain;
    }

    function choose(code) {  // the original follows the cascade
      original.value = byCode[code].value;
    }

    function cut(depth) {  // drop the levels below `depth`
      while (levels.length > depth + 1) levels.pop().box.remove();
    }

    function addLevel(items, parentCode) {  // items: [{code, name, level}]
      var depth = levels.length;
      var box = document.createElement("div");
      box.className = "region-picker-level";
      box.style.marginBottom = ".5rem";
      var select = document.createElement("select");
      select.id = original.id + "-level-" + depth;
      var label = document.createElement("label");
      label.htmlFor = select.id;
      label.textContent = levelLabel(items.map(function (item) { return item.level; }));
      if (depth === 0) label.className = "visually-hidden";  // the field's own label names it
      if (parentCode) {
        var whole = document.createElement("option");
        whole.value = "";
        var name = byCode[parentCode].dataset.name || "";
        whole.textContent = t.whole.replace("{region}", name);
        select.appendChild(whole);
      }
      items.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.code;
        option.textContent = item.name;
        byCode[item.code].dataset.name = item.name;
        if (item.has_children === false) byCode[item.code].dataset.leaf = "";
        select.appendChild(option);
      });
      box.appendChild(label);
      box.appendChild(select);
      row.insertBefore(box, status);
      var level = {box: box, select: select, parent: parentCode};
      levels.push(level);
      select.addEventListener("change", function () { changed(depth); });
      return level;
    }

    // Show the children of `code` as the next level (if it has any the form offers), then keep
    // going down `rest` (codes chosen beneath it, for preselection).
    function descend(code, rest, mine) {
      if ("leaf" in byCode[code].dataset) return Promise.resolve();  // nothing beneath it
      status.textContent = t.loading;
      return children(code).then(function (items) {
        if (mine !== turn) return;
        status.textContent = "";
        items = items.filter(function (item) { return byCode[item.code]; });
        if (!items.length) return;
        var level = addLevel(items, code);
        if (!rest.length) return;
        level.select.value = rest[0];
        return descend(rest[0], rest.slice(1), mine);
      }).catch(function () {
        if (mine === turn) fallBack();
      });
    }

    function changed(depth) {
      var mine = ++turn;
      cut(depth);
      var level = levels[depth];
      var code = level.select.value;
      if (!code) {  // "all of" the region above
        choose(level.parent);
        status.textContent = "";
        return;
      }
      choose(code);
      descend(code, [], mine);
    }

    function show(selected) {  // the cascade for the original's current choice
      var mine = ++turn;
      cut(-1);
      var chain = selected && selected.dataset.code ? chainTo(selected) : [roots[0].dataset.code];
      roots.forEach(function (root) { root.dataset.name = root.textContent.trim(); });
      var top = addLevel(roots.map(function (root) {
        return {code: root.dataset.code, name: root.dataset.name, level: root.dataset.level};
      }), null);
      top.select.value = chain[0];
      choose(chain[chain.length - 1]);
      return descend(chain[0], chain.slice(1), mine);
    }

    row.appendChild(status);
    original.parentNode.insertBefore(row, original.nextSibling);
    hideOriginal();
    // Someone (or a test) set the original directly: follow it.
    original.addEventListener("change", function () {
      if (!broken) show(original.selectedOptions[0]);
    });
    show(original.selectedOptions[0]).then(function () {
      row.dataset.ready = String(number);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-region-picker]"), setUp);
})();
