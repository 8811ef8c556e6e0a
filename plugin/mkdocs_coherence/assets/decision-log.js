/* mkdocs-coherence: the decision log's filters (status, owner or decider, `decides` key).
   Without JavaScript the form stays hidden and the whole log shows. No network: every value
   is read from the page's own data attributes. Runs once per page, including pages that
   mkdocs-material's instant navigation swaps in (its `document$`). */
(function () {
  "use strict";

  function people(item) {
    try {
      var list = JSON.parse(item.getAttribute("data-people") || "[]");
      return Array.isArray(list) ? list : [];
    } catch (error) {
      return [];
    }
  }

  function setUp(form) {
    if (form.hasAttribute("data-ready")) return;
    var items = Array.prototype.slice.call(document.querySelectorAll(".coherence-log-item"));
    var rows = items.filter(function (item) { return item.tagName === "TR"; });
    var count = form.querySelector(".coherence-log-count");
    var select = function (name) { return form.querySelector('select[data-filter="' + name + '"]'); };

    function apply() {
      var status = select("status").value, person = select("people").value, decides = select("decides").value;
      var shown = 0;
      items.forEach(function (item) {
        var visible = (!status || item.getAttribute("data-status") === status) &&
          (!decides || item.getAttribute("data-decides") === decides) &&
          (!person || people(item).indexOf(person) !== -1);
        item.hidden = !visible;
        if (visible && item.tagName === "TR") shown += 1;
      });
      Array.prototype.forEach.call(document.querySelectorAll(".coherence-timeline-group"), function (group) {
        group.hidden = !group.querySelector(".coherence-log-item:not([hidden])");
      });
      if (count) {
        count.textContent = shown === rows.length ? rows.length + " decisions"
          : shown + " of " + rows.length + " decisions shown";
      }
    }

    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    form.setAttribute("data-ready", "");
    apply();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".coherence-log-filters"), setUp);
  }

  if (!window.coherenceDecisionLog) {
    window.coherenceDecisionLog = init;
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(function () { init(); });  // each page instant navigation shows
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
