/* Cascading region choosers: every <select data-region-picker> (portal.region_picker's widgets)
   is shown as one select per level (省 → 市 → 区县 → 司法所), each filled from the
   portal:region_children endpoint when the one above changes. The original select stays in the
   form, visually hidden, and is what is submitted: without JavaScript (or when the endpoint
   fails) it is the plain list it always was. Only regions the original select offers are offered
   (the form's queryset stays the authority); its options say their code, name, level and parent,
   and `data-region-ancestors` (JSON) names the regions above them that only lead the way down.
   A multiple select is in "add" mode: the cascade picks a region, 添加 selects it in the
   original, and each selected region shows as a chip whose button removes it.
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

  function fill(template, name) { return (template || "").replace("{region}", name); }

  function levelLabel(levels) {
    var first = levels[0];
    for (var i = 1; i < levels.length; i++) if (String(levels[i]) !== String(first)) return t.region;
    return t["level-" + first] || t.region;
  }

  function setUp(original, number) {
    var adding = original.multiple;
    // code -> {code, name, level, parent, option (null for a region that only leads the way)}
    var nodes = {};
    var roots = [];
    var above = [];
    try { above = JSON.parse(original.dataset.regionAncestors || "[]"); } catch (e) { above = []; }
    above.forEach(function (item) {
      nodes[item.code] = {code: item.code, name: item.name, level: item.level,
                          parent: item.parent || "", option: null};
    });
    Array.prototype.forEach.call(original.options, function (option) {
      var code = option.dataset.code;
      if (!code) return;
      nodes[code] = {code: code, name: option.dataset.name || option.textContent.trim(),
                     level: option.dataset.level, parent: option.dataset.parent || "",
                     option: option};
    });
    Object.keys(nodes).forEach(function (code) {
      if (!nodes[code].parent || !nodes[nodes[code].parent]) roots.push(nodes[code]);
    });
    if (!roots.length) return;
    roots.sort(function (a, b) { return a.code < b.code ? -1 : 1; });

    function offered(code) { return !!(code && nodes[code] && nodes[code].option); }

    var row = document.createElement("div");
    row.className = "region-picker";
    var status = document.createElement("p");
    status.className = "helptext";
    status.setAttribute("role", "status");
    var chips, none, add;
    var levels = [];  // one {box, select, parent} per level shown, the top first
    var turn = 0;     // answers to an older choice are dropped
    var broken = false;
    var current = "";  // add mode: the region the cascade shows, to be added

    function fieldLabel(forId) { return document.querySelector("label[for='" + forId + "']"); }

    function hideOriginal() {
      original.classList.add("visually-hidden");
      original.tabIndex = -1;
      original.setAttribute("aria-hidden", "true");
      var label = fieldLabel(original.id);
      if (label) label.htmlFor = original.id + "-level-0";
    }

    function fallBack() {  // the endpoint failed: the plain list again, and a word why
      turn++;
      broken = true;
      cut(-1);
      status.textContent = t.failed;
      if (adding) { add.hidden = true; chips.hidden = true; none.hidden = true; }
      original.classList.remove("visually-hidden");
      original.removeAttribute("tabindex");
      original.removeAttribute("aria-hidden");
      var label = fieldLabel(original.id + "-level-0");
      if (label) label.htmlFor = original.id;
    }

    function chainTo(node) {  // codes from the top of the cascade down to `node`
      var chain = [];
      while (node) {
        chain.unshift(node.code);
        node = node.parent ? nodes[node.parent] : null;
      }
      return chain;
    }

    function choose(code) {  // the original follows the cascade (add mode: the add button does)
      current = offered(code) ? code : "";
      if (!adding) original.value = current ? nodes[current].option.value : "";
    }

    function cut(depth) {  // drop the levels below `depth`
      while (levels.length > depth + 1) levels.pop().box.remove();
    }

    function addLevel(items, parentCode) {  // items: [{code, name, level}]
      var depth = levels.length;
      var box = document.createElement("div");
      box.className = "region-picker-level";
      var select = document.createElement("select");
      select.id = original.id + "-level-" + depth;
      var label = document.createElement("label");
      label.htmlFor = select.id;
      label.textContent = levelLabel(items.map(function (item) { return item.level; }));
      if (depth === 0) label.className = "visually-hidden";  // the field's own label names it
      if (parentCode && (offered(parentCode) || items.length > 1)) {
        var first = document.createElement("option");
        first.value = "";
        // "All of 天河区" when the region above may be chosen itself; else "Choose…".
        first.textContent = offered(parentCode) ? fill(t.whole, nodes[parentCode].name) : t.choose;
        select.appendChild(first);
      }
      items.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.code;
        option.textContent = item.name;
        nodes[item.code].name = item.name;
        if (item.has_children === false) nodes[item.code].leaf = true;
        select.appendChild(option);
      });
      box.appendChild(label);
      box.appendChild(select);
      row.insertBefore(box, add || status);
      var level = {box: box, select: select, parent: parentCode};
      levels.push(level);
      select.addEventListener("change", function () { changed(depth); });
      return level;
    }

    // Show the children of `code` as the next level (if it has any the form offers or leads
    // to), then keep going down `rest` (codes chosen beneath it, for preselection). A region
    // that only leads the way and has one child opens that child at once.
    function descend(code, rest, mine) {
      if (nodes[code].leaf) return Promise.resolve();  // nothing beneath it
      status.textContent = t.loading;
      return children(code).then(function (items) {
        if (mine !== turn) return;
        // Clear only our own "loading": a message written meanwhile (已添加…) must stay.
        if (status.textContent === t.loading) status.textContent = "";
        items = items.filter(function (item) { return nodes[item.code]; });
        if (!items.length) return;
        var level = addLevel(items, code);
        if (!rest.length && !offered(code) && items.length === 1) rest = [items[0].code];
        if (!rest.length) return;
        level.select.value = rest[0];
        if (level.select.value !== rest[0]) return;  // (a retired region the list no longer has)
        if (rest.length === 1) choose(rest[0]);
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
      if (!code) {  // "all of" the region above, or nothing chosen yet
        choose(level.parent);
        status.textContent = "";
        return;
      }
      choose(code);
      descend(code, [], mine);
    }

    function show(selected) {  // the cascade for `selected` (an option of the original), or the top
      var mine = ++turn;
      cut(-1);
      var code = selected && selected.dataset.code;
      var chain = code && nodes[code] ? chainTo(nodes[code]) : [roots[0].code];
      var top = addLevel(roots.map(function (root) {
        return {code: root.code, name: root.name, level: root.level};
      }), null);
      top.select.value = chain[0];
      choose(chain[chain.length - 1]);
      return descend(chain[0], chain.slice(1), mine);
    }

    // -- add mode: the chosen regions as chips -------------------------------------------------

    function chosen() {
      return Array.prototype.filter.call(original.options, function (option) {
        return option.selected && option.dataset.code;
      });
    }

    function drawChips(focusAt) {
      while (chips.firstChild) chips.removeChild(chips.firstChild);
      var options = chosen();
      options.forEach(function (option) {
        var name = nodes[option.dataset.code].name;
        var chip = document.createElement("li");
        var label = document.createElement("span");
        label.textContent = name;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "×";
        remove.setAttribute("aria-label", fill(t.remove, name));
        remove.title = fill(t.remove, name);
        remove.addEventListener("click", function () {
          var at = chosen().indexOf(option);
          option.selected = false;
          drawChips(at);
          status.textContent = fill(t.removed, name);
        });
        chip.appendChild(label);
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
      none.hidden = options.length > 0;
      chips.hidden = !options.length;
      if (focusAt !== undefined) {  // after a removal: the next chip's button, or the add button
        var buttons = chips.querySelectorAll("button");
        (buttons[Math.min(focusAt, buttons.length - 1)] || add).focus();
      }
    }

    function addCurrent() {
      if (!current) { status.textContent = t.pick; return; }
      var option = nodes[current].option;
      var name = nodes[current].name;
      if (option.selected) { status.textContent = fill(t.already, name); return; }
      option.selected = true;
      drawChips();
      status.textContent = fill(t.added, name);
    }

    if (adding) {
      chips = document.createElement("ul");
      chips.className = "region-chips";
      var fieldName = fieldLabel(original.id);
      if (fieldName) chips.setAttribute("aria-label", fieldName.textContent.trim());
      none = document.createElement("p");
      none.className = "region-chips-none";
      none.textContent = t.none;
      add = document.createElement("button");
      add.type = "button";
      add.className = "region-picker-add";
      add.textContent = t.add;
      add.addEventListener("click", addCurrent);
      row.appendChild(chips);
      row.appendChild(none);
      row.appendChild(add);
      drawChips();
    }
    row.appendChild(status);
    original.parentNode.insertBefore(row, original.nextSibling);
    hideOriginal();
    // Someone (or a test) set the original directly: follow it.
    original.addEventListener("change", function () {
      if (broken) return;
      if (adding) drawChips();
      else show(original.selectedOptions[0]);
    });
    // Add mode starts at the top: the chosen regions are the chips.
    show(adding ? null : original.selectedOptions[0]).then(function () {
      row.dataset.ready = String(number);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-region-picker]"), setUp);
})();
