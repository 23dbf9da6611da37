/* The plan editor's live parts: tabs, weight totals, the AHP grid's mirrored lower half,
   and the rule editor showing the fields of the chosen rule. The server checks everything
   again; without this script every part is still shown and usable. */
(function () {
  "use strict";

  function tabs() {
    document.querySelectorAll("[data-tabs]").forEach(function (box) {
      var links = box.querySelectorAll("[data-tab]");
      function show(name) {
        box.querySelectorAll("[data-panel]").forEach(function (panel) {
          panel.hidden = panel.getAttribute("data-panel") !== name;
        });
        links.forEach(function (link) {
          var active = link.getAttribute("data-tab") === name;
          link.classList.toggle("active", active);
          link.setAttribute("aria-selected", active ? "true" : "false");
        });
      }
      links.forEach(function (link) {
        link.addEventListener("click", function (event) {
          event.preventDefault();
          show(link.getAttribute("data-tab"));
          history.replaceState(null, "", "#" + link.getAttribute("data-tab"));
        });
      });
      var wanted = location.hash.slice(1);
      var known = box.querySelector('[data-panel="' + wanted + '"]');
      show(known ? wanted : box.getAttribute("data-active") || "manual");
    });
  }

  function totals() {
    var inputs = document.querySelectorAll("input[data-weight]");
    var total = 0;
    var subtotals = {};
    inputs.forEach(function (input) {
      var value = parseFloat(input.value);
      if (isNaN(value)) { value = 0; }
      total += value;
      (input.getAttribute("data-cats") || "").split(" ").forEach(function (id) {
        if (id) { subtotals[id] = (subtotals[id] || 0) + value; }
      });
    });
    document.querySelectorAll("[data-subtotal]").forEach(function (cell) {
      cell.textContent = (subtotals[cell.getAttribute("data-subtotal")] || 0).toFixed(2);
    });
    var shown = document.getElementById("weight-total");
    if (shown) {
      shown.textContent = total.toFixed(2);
      shown.classList.toggle("off", Math.abs(total - 100) > 0.01);
    }
  }

  function reciprocal(label) {
    if (label === "1") { return "1"; }
    if (label.indexOf("1/") === 0) { return label.slice(2); }
    return "1/" + label;
  }

  function mirror(select) {
    var cell = document.querySelector('[data-mirror="' + select.getAttribute("data-pair") + '"]');
    if (cell) { cell.textContent = reciprocal(select.value); }
  }

  function ruleEditor() {
    var kind = document.querySelector("#rule-editor select[name=rule_kind]");
    if (!kind) { return; }
    var method = document.querySelector("#rule-editor select[name=norm_method]");
    function show() {
      document.querySelectorAll("#rule-editor [data-rule]").forEach(function (group) {
        group.hidden = group.getAttribute("data-rule").split(" ").indexOf(kind.value) < 0;
      });
      document.querySelectorAll("#rule-editor [data-method]").forEach(function (group) {
        group.hidden = !method || group.getAttribute("data-method") !== method.value;
      });
    }
    kind.addEventListener("change", show);
    if (method) { method.addEventListener("change", show); }
    show();
    var add = document.getElementById("band-add");
    if (add) {
      add.addEventListener("click", function () {
        var body = document.querySelector("#bands-table tbody");
        var row = body.rows[body.rows.length - 1].cloneNode(true);
        row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
        body.appendChild(row);
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    tabs();
    totals();
    ruleEditor();
    document.addEventListener("input", function (event) {
      if (event.target.matches("input[data-weight]")) { totals(); }
    });
    document.addEventListener("change", function (event) {
      if (event.target.matches("select[data-pair]")) { mirror(event.target); }
    });
  });
})();
