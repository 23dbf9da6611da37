/* The questionnaire builder's small helpers: ask before removing, and show the scale only for
   a rating item. Every form works without this script. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  document.querySelectorAll("select[data-kind]").forEach(function (select) {
    var scale = select.form.querySelector("[data-scale]");
    function show() { if (scale) { scale.hidden = select.value !== "rating"; } }
    select.addEventListener("change", show);
    show();
  });
})();
