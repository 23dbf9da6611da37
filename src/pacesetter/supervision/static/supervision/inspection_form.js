/* The inspection forms: add and remove rows (checklist items, suggestions), suggest people as
   the user types, and list the photos chosen on the phone form. Without JavaScript the blank
   rows already on the page are enough. */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  function wireLookup(input) {
    var url = input.getAttribute("data-lookup");
    var list = document.getElementById(input.getAttribute("list"));
    if (!url || !list) return;
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
        if (asked !== query) return;
        list.replaceChildren.apply(list, data.options.map(function (value) {
          var option = document.createElement("option");
          option.value = value;
          return option;
        }));
      }).catch(function () { /* suggestions are a convenience */ });
    }, 250));
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
      var first = row.querySelector("input, textarea");
      if (first) first.focus();
    });
    body.addEventListener("click", function (event) {
      var button = event.target.closest("[data-remove-row]");
      if (button) button.closest("[data-row]").remove();
    });
  }

  function wireFiles(list) {
    var inputs = document.querySelectorAll("input[type=file][name=files]");
    function show() {
      var names = [];
      inputs.forEach(function (input) {
        Array.prototype.forEach.call(input.files || [], function (f) { names.push(f.name); });
      });
      list.replaceChildren.apply(list, names.map(function (name) {
        var item = document.createElement("li");
        item.textContent = "✓ " + name;
        return item;
      }));
    }
    inputs.forEach(function (input) { input.addEventListener("change", show); });
  }

  document.querySelectorAll("input[data-lookup]").forEach(wireLookup);
  document.querySelectorAll("[data-rows]").forEach(wireRows);
  var chosen = document.getElementById("chosen-files");
  if (chosen) wireFiles(chosen);
})();
