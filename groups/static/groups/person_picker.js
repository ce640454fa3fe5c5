/* The person picker (groups.people): every <div data-person-picker> becomes a search box with a
   list of the people found (an ARIA 1.2 combobox: arrow keys, Enter, Escape, or a tap), filled
   from the group's people endpoint as the user types; choosing one writes their id into the
   form's hidden `person` field. The server decides who may be found and checks the id again.
   Without JavaScript the box stays hidden and the form's e-mail field does the job. Texts come
   from the div's data-* attributes (translated by the template); text is only ever set with
   textContent. Plain JavaScript served by the app. */
(function () {
  "use strict";
  if (!window.fetch) return;
  var WAIT = 250;  // ms after the last key before asking
  var MIN = 2;     // characters: a two-character name fragment is a search

  function setUp(box, number) {
    var t = box.dataset;
    var hidden = document.getElementById(t.field);
    if (!hidden) return;
    var role = t.role ? document.getElementById(t.role) : null;
    var base = "person-picker-" + number;

    var label = document.createElement("label");
    label.htmlFor = base + "-input";
    label.textContent = t.label;
    var input = document.createElement("input");
    input.type = "text";
    input.id = base + "-input";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", base + "-list");
    input.setAttribute("aria-describedby", base + "-help " + base + "-status");
    input.autocomplete = "off";
    input.spellcheck = false;
    var help = document.createElement("span");
    help.className = "helptext";
    help.id = base + "-help";
    help.textContent = t.help;
    var list = document.createElement("ul");
    list.className = "person-picker-options";
    list.id = base + "-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", t.label);
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "helptext";
    status.id = base + "-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var chosen = document.createElement("p");
    chosen.className = "person-picker-chosen";
    chosen.hidden = true;
    var chosenName = document.createElement("span");
    var clear = document.createElement("button");
    clear.type = "button";
    clear.textContent = t.clear;
    chosen.appendChild(chosenName);
    chosen.appendChild(clear);
    [label, input, help, list, status, chosen].forEach(function (el) { box.appendChild(el); });

    var people = [];   // [{id, name, detail}] shown now
    var active = -1;   // the option the arrow keys are on
    var turn = 0;      // answers to an older search are dropped
    var timer = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function show(found) {
      people = found;
      list.textContent = "";
      found.forEach(function (person, i) {
        var li = document.createElement("li");
        li.id = base + "-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.id = String(person.id);
        var name = document.createElement("span");
        name.className = "person-name";
        name.textContent = person.name;
        var detail = document.createElement("span");
        detail.className = "person-detail";
        detail.textContent = person.detail;
        li.appendChild(name);
        li.appendChild(detail);
        // mousedown, not click: the input keeps its focus, so the list is not closed first.
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          pick(i);
        });
        list.appendChild(li);
      });
      if (found.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }

    function highlight(i) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) return;
      active = (i + options.length) % options.length;
      Array.prototype.forEach.call(options, function (option, j) {
        option.setAttribute("aria-selected", j === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({block: "nearest"});
    }

    function choose(id, text) {
      hidden.value = id;
      chosenName.textContent = text ? t.chosen.replace("{name}", text) : "";
      chosen.hidden = !text;
    }

    function pick(i) {
      var person = people[i];
      if (!person) return;
      choose(String(person.id), person.name + " · " + person.detail);
      input.value = person.name;
      close();
      status.textContent = t.chosen.replace("{name}", person.name);
    }

    function unpick() {
      if (!hidden.value) return;
      choose("", "");
    }

    function search() {
      var mine = ++turn;
      var query = input.value.trim();
      if (query.length < MIN) {
        show([]);
        status.textContent = query ? t.help : "";
        return;
      }
      var url = t.url + "?q=" + encodeURIComponent(query);
      if (role) url += "&role=" + encodeURIComponent(role.value);
      status.textContent = t.loading;
      fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            if (mine !== turn) return;
            if (response.status === 400 && body.error) {  // a reason the server put in words
              show([]);
              status.textContent = body.error;
              return;
            }
            if (!response.ok || !body.results) throw new Error("HTTP " + response.status);
            show(body.results);
            if (!body.results.length) status.textContent = t.none;
            else status.textContent = t.found.replace("{count}", body.results.length) +
              (body.more ? " " + t.more.replace("{count}", body.results.length) : "");
          });
        })
        .catch(function () {
          if (mine !== turn) return;
          show([]);
          status.textContent = t.failed;
        });
    }

    input.addEventListener("input", function () {
      unpick();
      clearTimeout(timer);
      timer = setTimeout(search, WAIT);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden && people.length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        // Enter in the box picks (or searches now); it never sends the form half-filled.
        event.preventDefault();
        if (!list.hidden && active >= 0) pick(active);
        else { clearTimeout(timer); search(); }
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { close(); });
    clear.addEventListener("click", function () {
      choose("", "");
      input.value = "";
      show([]);
      status.textContent = t.cleared;
      input.focus();
    });
    if (role) {
      // Who may be picked depends on the role: a choice made for another role is dropped.
      role.addEventListener("change", function () {
        unpick();
        if (input.value.trim()) search();
      });
    }

    // Sent back with an error: keep the person chosen (the server named them) or drop an id
    // it did not recognise.
    if (hidden.value && t.initial) choose(hidden.value, t.initial);
    else hidden.value = "";
    box.hidden = false;
    box.dataset.ready = "true";
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-person-picker]"), setUp);
})();
