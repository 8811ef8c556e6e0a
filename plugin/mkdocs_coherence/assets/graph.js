/* mkdocs-coherence: the interactive dependency graph (cytoscape.js, vendored; no network).
 *
 * Data comes from graph-data.js (`window.coherenceGraph`, the same object as graph.json).
 * Every edge of the data is drawn (parallel edges apart); filters hide documents and the
 * stats line says how many links that hides. Nothing from the data is ever written as
 * HTML: text goes through textContent, labels are drawn on the canvas.
 */
(function () {
  "use strict";

  var EDGE_COLOURS = {
    uses: "#1e88e5", changes: "#e53935", depends_on: "#8d6e63", supersedes: "#8e24aa",
    resolves: "#43a047", affects: "#fb8c00", assumes: "#00897b"
  };
  var EDGE_STYLES = { assumes: "dashed", supersedes: "dotted" };
  var SHAPES = { intent: "round-rectangle", contract: "rectangle", decision: "hexagon" };
  var LARGE = 300; // above this many documents, the layout is cheaper and labels appear on zoom

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function cssVar(element, name, fallback) {
    var value = getComputedStyle(element).getPropertyValue(name).trim();
    return value || fallback;
  }

  function shortLabel(text) {
    text = String(text).replace(/\s+/g, " ").trim();
    return text.length > 40 ? text.slice(0, 39) + "…" : text;
  }

  function start(app) {
    var data = window.coherenceGraph;
    var stats = app.querySelector(".coherence-graph-stats");
    if (!data || typeof cytoscape !== "function") {
      stats.textContent = "The graph could not be loaded (graph-data.js or cytoscape.min.js is missing).";
      return;
    }
    var root = app.getAttribute("data-root") || "./";
    var canvas = app.querySelector(".coherence-graph-canvas");
    var info = app.querySelector(".coherence-graph-info");
    var search = app.querySelector(".coherence-graph-search");
    var depthSelect = app.querySelector(".coherence-graph-depth select");
    var focusButton = app.querySelector(".coherence-graph-focus");
    var resetButton = app.querySelector(".coherence-graph-reset");
    var large = data.nodes.length > LARGE;

    var ids = {};
    var elements = [];
    data.nodes.forEach(function (n) {
      ids[n.id] = true;
      elements.push({ group: "nodes", data: {
        id: n.id, label: shortLabel(n.title === n.id ? n.id : n.id + ": " + n.title), title: n.title,
        kind: n.kind, status: n.effective_status || "(none)", url: n.url, summary: n.summary,
        errors: n.findings.errors, warnings: n.findings.warnings
      } });
    });
    var dropped = 0;
    data.edges.forEach(function (e, i) {
      if (!ids[e.source] || !ids[e.target]) { dropped += 1; return; } // cannot happen; counted if it does
      var label = e.type + (e.range ? " @" + e.range : "") + (e.fact ? " " + e.fact : "");
      elements.push({ group: "edges", data: {
        id: "e" + i, source: e.source, target: e.target, type: e.type, label: label
      } });
    });

    function style() {
      var fg = cssVar(app, "--coherence-fg", "#222");
      var bg = cssVar(app, "--coherence-bg", "#fff");
      var kinds = {
        intent: [cssVar(app, "--coherence-intent", "#1565c0"), cssVar(app, "--coherence-intent-bg", "#e3f2fd")],
        contract: [cssVar(app, "--coherence-contract", "#2e7d32"), cssVar(app, "--coherence-contract-bg", "#e8f5e9")],
        decision: [cssVar(app, "--coherence-decision", "#ef6c00"), cssVar(app, "--coherence-decision-bg", "#fff3e0")]
      };
      var sheet = [
        { selector: "node", style: {
          "label": "data(label)", "font-size": 11, "color": fg, "text-valign": "bottom", "text-margin-y": 4,
          "text-wrap": "wrap", "text-max-width": 140, "min-zoomed-font-size": large ? 9 : 0,
          "text-background-color": bg, "text-background-opacity": 0.7, "text-background-padding": 1,
          "width": 22, "height": 22, "border-width": 2
        } },
        { selector: "node[errors > 0]", style: { "border-width": 4, "border-style": "double" } },
        { selector: "node[status = 'superseded'], node[status = 'retired'], node[status = 'rejected'], " +
                    "node[status = 'abandoned'], node[status = 'deprecated']",
          style: { "opacity": 0.55, "border-style": "dashed" } },
        { selector: "edge", style: {
          "width": 1.6, "curve-style": "bezier", "target-arrow-shape": "triangle", "arrow-scale": 0.9,
          "line-color": "data(colour)", "target-arrow-color": "data(colour)", "opacity": 0.85,
          "font-size": 9, "color": fg, "text-rotation": "autorotate", "text-background-color": bg,
          "text-background-opacity": 0.8, "text-background-padding": 1
        } },
        { selector: "edge.labelled, edge:selected", style: { "label": "data(label)" } },
        { selector: ".faded", style: { "opacity": 0.12 } },
        { selector: "node.match", style: { "border-width": 5, "border-color": "#fdd835" } },
        { selector: "node.centre", style: { "width": 30, "height": 30, "font-weight": "bold" } }
      ];
      Object.keys(kinds).forEach(function (kind) {
        sheet.splice(1, 0, { selector: "node[kind = '" + kind + "']", style: {
          "shape": SHAPES[kind], "border-color": kinds[kind][0], "background-color": kinds[kind][1] } });
      });
      Object.keys(EDGE_STYLES).forEach(function (type) {
        sheet.push({ selector: "edge[type = '" + type + "']", style: { "line-style": EDGE_STYLES[type] } });
      });
      return sheet;
    }

    elements.forEach(function (e) {
      if (e.group === "edges") e.data.colour = EDGE_COLOURS[e.data.type] || "#8a8a8a";
    });

    var cy = cytoscape({
      container: canvas, elements: elements, style: style(), wheelSensitivity: 0.3,
      minZoom: 0.05, maxZoom: 4, boxSelectionEnabled: false
    });
    app.coherence = cy;
    window.coherenceCy = cy;

    function layout(eles) {
      var count = eles.nodes().length;
      var options = count > LARGE
        ? { name: "cose", animate: false, randomize: true, numIter: 400, nodeRepulsion: 8000, idealEdgeLength: 60,
            nodeDimensionsIncludeLabels: false, fit: true, padding: 20 }
        : { name: "cose", animate: false, randomize: true, nodeRepulsion: 12000, idealEdgeLength: 90,
            nodeDimensionsIncludeLabels: true, fit: true, padding: 30 };
      if (count <= 1) options = { name: "grid", fit: true, padding: 60 };
      eles.layout(options).run();
    }

    // --- filters -------------------------------------------------------------------
    var hiddenKinds = {}, hiddenStatuses = {};
    function checkboxes(fieldset, values, hidden, attribute) {
      values.forEach(function (value) {
        var label = el("label");
        var box = el("input", { type: "checkbox", value: value, "data-filter": attribute });
        box.checked = true;
        box.addEventListener("change", function () {
          if (box.checked) delete hidden[value]; else hidden[value] = true;
          applyFilters();
        });
        var count = cy.nodes().filter(function (n) { return n.data(attribute) === value; }).length;
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + value + " (" + count + ")"));
        fieldset.appendChild(label);
      });
    }
    function distinct(attribute, order) {
      var seen = {};
      cy.nodes().forEach(function (n) { seen[n.data(attribute)] = true; });
      var values = order.filter(function (v) { return seen[v]; });
      Object.keys(seen).sort().forEach(function (v) { if (values.indexOf(v) < 0) values.push(v); });
      return values;
    }
    checkboxes(app.querySelector(".coherence-graph-kinds"), distinct("kind", ["intent", "contract", "decision"]),
               hiddenKinds, "kind");
    checkboxes(app.querySelector(".coherence-graph-statuses"), distinct("status", [
      "draft", "proposed", "active", "accepted", "shipped", "deprecated", "superseded", "retired", "rejected",
      "abandoned", "(none)"]), hiddenStatuses, "status");

    var focus = null; // {id, depth} while focused on one neighbourhood

    function neighbourhood(node, depth) {
      var set = node;
      for (var i = 0; i < depth; i += 1) set = set.union(set.neighborhood());
      return set;
    }

    function applyFilters() {
      var inFocus = focus ? neighbourhood(cy.getElementById(focus.id), focus.depth) : null;
      cy.batch(function () {
        cy.nodes().forEach(function (n) {
          var visible = !hiddenKinds[n.data("kind")] && !hiddenStatuses[n.data("status")] &&
                        (!inFocus || inFocus.contains(n));
          n.style("display", visible ? "element" : "none");
        });
      });
      updateStats();
    }

    function updateStats() {
      var nodes = cy.nodes(), edges = cy.edges();
      var shownNodes = nodes.filter(function (n) { return n.style("display") !== "none"; }).length;
      var shownEdges = edges.filter(function (e) {
        return e.source().style("display") !== "none" && e.target().style("display") !== "none";
      }).length;
      var text = "Showing " + shownNodes + " of " + nodes.length + " documents and " + shownEdges + " of " +
                 edges.length + " links";
      if (shownEdges < edges.length) text += " (" + (edges.length - shownEdges) + " links hidden with the documents they join)";
      if (data.unresolved && data.unresolved.length) text += "; " + data.unresolved.length + " unresolved references are not drawn";
      if (dropped) text += "; " + dropped + " links name no document";
      if (focus) text += " — focused on " + focus.id + " (" + focus.depth + " hop" + (focus.depth > 1 ? "s" : "") + ")";
      var matches = cy.nodes(".match").length;
      if (search.value.trim()) text += " — " + matches + " match" + (matches === 1 ? "" : "es") + " for “" + search.value.trim() + "”";
      stats.textContent = text + ".";
      stats.setAttribute("data-shown-nodes", shownNodes);
      stats.setAttribute("data-shown-edges", shownEdges);
    }

    // --- highlight, search, focus ------------------------------------------------------
    var selected = null;
    function highlight(node) {
      cy.batch(function () {
        cy.elements().removeClass("faded labelled centre");
        if (!node) {
          if (cy.nodes(".match").length) cy.elements().not(cy.nodes(".match")).addClass("faded");
          return;
        }
        var around = node.closedNeighborhood();
        cy.elements().not(around).addClass("faded");
        around.edges().addClass("labelled");
        node.addClass("centre");
      });
    }

    function describe(node) {
      info.textContent = "";
      if (!node) return;
      var d = node.data();
      var head = el("strong", {}, d.id);
      info.appendChild(head);
      info.appendChild(document.createTextNode(" — " + d.title + " (" + d.kind + ", " + d.status + ")"));
      if (d.errors || d.warnings) {
        info.appendChild(document.createTextNode(" · " + d.errors + " errors, " + d.warnings + " warnings"));
      }
      if (d.summary) info.appendChild(el("div", {}, d.summary));
      var links = node.connectedEdges().map(function (e) {
        return e.source().id() === d.id ? e.data("label") + " → " + e.target().id()
                                        : e.source().id() + " → " + e.data("label");
      });
      if (links.length) info.appendChild(el("div", {}, "Links: " + links.join("; ")));
      if (d.url) {
        var open = el("a", { href: root + d.url, class: "coherence-graph-open" }, "Open the page");
        info.appendChild(el("div")).appendChild(open);
      }
    }

    cy.on("mouseover", "node", function (event) { highlight(event.target); describe(event.target); });
    cy.on("mouseout", "node", function () { highlight(selected); describe(selected); });
    cy.on("tap", "node", function (event) {
      var d = event.target.data();
      if (!d.url) { selected = event.target; highlight(selected); describe(selected); return; }
      var original = event.originalEvent || {};
      if (original.ctrlKey || original.metaKey) window.open(root + d.url, "_blank");
      else window.location.href = root + d.url;
    });
    cy.on("tap", function (event) {
      if (event.target === cy) { selected = null; highlight(null); describe(null); }
    });

    function runSearch() {
      var query = search.value.trim().toLowerCase();
      cy.batch(function () {
        cy.nodes().removeClass("match");
        if (query) {
          cy.nodes().filter(function (n) {
            return n.id().toLowerCase().indexOf(query) >= 0 || String(n.data("title")).toLowerCase().indexOf(query) >= 0;
          }).addClass("match");
        }
      });
      var matches = cy.nodes(".match");
      selected = matches.length === 1 ? matches[0] : null;
      focusButton.disabled = matches.length === 0;
      highlight(selected);
      describe(selected);
      updateStats();
    }
    search.addEventListener("input", runSearch);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); focusOn(); }
    });

    function focusOn() {
      var matches = cy.nodes(".match");
      var node = selected || (matches.length ? matches[0] : null);
      if (!node) return;
      focus = { id: node.id(), depth: parseInt(depthSelect.value, 10) || 1 };
      selected = node;
      applyFilters();
      var shown = cy.elements().filter(function (e) { return e.style("display") !== "none"; });
      layout(shown);
      highlight(node);
      describe(node);
    }
    focusButton.addEventListener("click", focusOn);
    depthSelect.addEventListener("change", function () { if (focus) focusOn(); });
    resetButton.addEventListener("click", function () {
      focus = null; selected = null; search.value = "";
      cy.nodes().removeClass("match");
      focusButton.disabled = true;
      applyFilters();
      layout(cy.elements());
      highlight(null); describe(null);
    });

    // --- legend, colour scheme ---------------------------------------------------------------
    var legend = app.querySelector(".coherence-graph-legend");
    var types = {};
    cy.edges().forEach(function (e) { types[e.data("type")] = (types[e.data("type")] || 0) + 1; });
    Object.keys(types).sort().forEach(function (type) {
      var item = el("span", { "data-edge-type": type });
      var swatch = el("i");
      swatch.style.borderTopColor = EDGE_COLOURS[type] || "#8a8a8a";
      swatch.style.borderTopStyle = EDGE_STYLES[type] || "solid";
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(type + " (" + types[type] + ")"));
      legend.appendChild(item);
    });
    legend.appendChild(el("span", {}, "◆ hexagon: decision · ■ square: contract · ▢ rounded: intent · double border: has errors"));

    new MutationObserver(function () { cy.style(style()); })
      .observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

    layout(cy.elements());
    applyFilters();
    app.setAttribute("data-ready", "true");
  }

  function init() {
    document.querySelectorAll(".coherence-graph-app:not([data-ready])").forEach(start);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  // mkdocs-material's instant navigation swaps pages without reloading scripts.
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
})();
