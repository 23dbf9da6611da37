/* The answering page: one section at a time with a progress bar, required questions checked
   before moving on, and a fingerprint of the device that does not depend on the browser
   (screen, time zone, languages, processors, graphics renderer), hashed before it is sent.
   Without JavaScript every section shows and the server checks everything. */
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form) { return; }
  var sections = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-section]"));
  var back = document.getElementById("back-button");
  var next = document.getElementById("next-button");
  var submit = document.getElementById("submit-button");
  var bar = document.getElementById("progress-bar");
  var label = document.getElementById("step-label");
  var current = 0;

  function firstWithError() {
    for (var i = 0; i < sections.length; i++) {
      if (sections[i].querySelector(".has-error")) { return i; }
    }
    return 0;
  }

  function show(index) {
    current = index;
    sections.forEach(function (section, i) { section.hidden = i !== index; });
    back.hidden = index === 0;
    next.hidden = index === sections.length - 1;
    submit.hidden = index !== sections.length - 1;
    bar.style.width = Math.round(100 * (index + 1) / sections.length) + "%";
    label.textContent = form.dataset.stepLabel.replace("%(n)s", index + 1)
      .replace("%(total)s", sections.length);
    window.scrollTo(0, 0);
  }

  function unanswered(section) {
    var missing = [];
    section.querySelectorAll(".question[data-required='1']").forEach(function (question) {
      var answered = Array.prototype.some.call(
        question.querySelectorAll("input, textarea"),
        function (input) { return input.type === "radio" || input.type === "checkbox" ? input.checked : input.value.trim() !== ""; });
      question.classList.toggle("has-error", !answered);
      if (!answered) { missing.push(question); }
    });
    return missing;
  }

  function check(section) {
    var missing = unanswered(section);
    if (missing.length) {
      missing[0].scrollIntoView({ behavior: "smooth", block: "center" });
      window.alert(form.dataset.requiredMessage);
      return false;
    }
    return true;
  }

  if (sections.length > 1) {
    next.addEventListener("click", function () { if (check(sections[current])) { show(current + 1); } });
    back.addEventListener("click", function () { show(current - 1); });
    show(firstWithError());
  }
  form.addEventListener("change", function (event) {
    var question = event.target.closest(".question");
    if (question) { question.classList.remove("has-error"); }
  });
  form.addEventListener("submit", function (event) {
    var ok = sections.every(function (section, i) {
      if (unanswered(section).length) { show(i); check(section); return false; }
      return true;
    });
    if (!ok) { event.preventDefault(); return; }
    submit.disabled = true;
  });

  function renderer() {
    try {
      var gl = document.createElement("canvas").getContext("webgl");
      var info = gl && gl.getExtension("WEBGL_debug_renderer_info");
      return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : "";
    } catch (e) { return ""; }
  }

  function hash(text) {
    /* FNV-1a, twice with different seeds: a 64-bit digest without crypto.subtle, which plain
       http pages do not have. The server hashes it again with its secret. */
    var a = 0x811c9dc5, b = 0x01000193 ^ 0x5bd1e995;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193) >>> 0;
      b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
    }
    return ("0000000" + a.toString(16)).slice(-8) + ("0000000" + b.toString(16)).slice(-8);
  }

  var traits = [screen.width + "x" + screen.height, screen.colorDepth, window.devicePixelRatio,
    Intl.DateTimeFormat().resolvedOptions().timeZone, (navigator.languages || []).join(","),
    navigator.hardwareConcurrency || "", navigator.maxTouchPoints || 0, renderer()];
  document.getElementById("fingerprint").value = hash(traits.join("|"));
}());
