/* The project plan form: add and remove milestone and co-unit rows, and suggest units and
   people as the user types (the server resolves what is typed; without JavaScript the blank
   rows already on the page are enough and names or codes can be typed in full). */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  function wireLookup(input) {
    var url = input.getAttribute("data-lookup");
    var list = document.getElementById(input.getAttribute("list"));
    if (!url || !list || input.dataset.wired) return;
    input.dataset.wired = "1";
    var asked = "";
    input.addEventListener("input", debounce(function () {
      var query = input.value.trim();
      if (!query || query === asked) return;
      asked = query;
      fetch(url + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (answer) {
        return answer.ok ? answer.json() : { options: [] };
      }).then(function (data) {
        if (asked !== query) return;  // a later query is on its way
        list.replaceChildren.apply(list, data.options.map(function (value) {
          var option = document.createElement("option");
          option.value = value;
          return option;
        }));
      }).catch(function () { /* suggestions are a convenience */ });
    }, 250));
  }

  function renumber(body) {
    body.querySelectorAll("[data-row]").forEach(function (row, index) {
      var cell = row.querySelector("[data-row-number]");
      if (cell) cell.textContent = String(index + 1);
    });
  }

  function wireRows(box) {
    var template = document.getElementById(box.getAttribute("data-rows"));
    var body = box.querySelector("[data-rows-body]");
    var add = box.querySelector("[data-add-row]");
    if (!template || !body || !add) return;
    box.querySelectorAll("[data-remove-row], [data-add-row]").forEach(function (button) {
      button.hidden = false;
    });
    add.addEventListener("click", function () {
      var row = template.content.firstElementChild.cloneNode(true);
      body.appendChild(row);
      row.querySelectorAll("input[data-lookup]").forEach(wireLookup);
      renumber(body);
      var first = row.querySelector("input");
      if (first) first.focus();
    });
    body.addEventListener("click", function (event) {
      var button = event.target.closest("[data-remove-row]");
      if (!button) return;
      button.closest("[data-row]").remove();
      renumber(body);
    });
  }

  document.querySelectorAll("input[data-lookup]").forEach(wireLookup);
  document.querySelectorAll("[data-rows]").forEach(wireRows);
})();
