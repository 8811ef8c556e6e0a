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
  // Lighter shades of the same hues for the dark (slate) scheme: readable on a dark canvas.
  var EDGE_COLOURS_DARK = {
    uses: "#64b5f6", changes: "#ef9a9a", depends_on: "#bcaaa4", supersedes: "#ce93d8",
    resolves: "#81c784", affects: "#ffb74d", assumes: "#4db6ac"
  };
  var CONFLICT = { light: "#d50000", dark: "#ff5252" }; // active conflict findings, drawn as their own edges
  var EDGE_STYLES = { assumes: "dashed", supersedes: "solid" };
  var SHAPES = { intent: "round-rectangle", contract: "rectangle", decision: "hexagon" };
  var LARGE = 300; // above this many documents the graph opens focused on one neighbourhood
  var FONT_SIZE = 13; // label size in model units; the first paint is zoomed so it is >= 11 px on screen
  var READABLE_ZOOM = 0.9; // 13 px * 0.9 = 11.7 px
  var FONT = "-apple-system, BlinkMacSystemFont, \"Segoe UI\", Roboto, Helvetica, Arial, sans-serif";
  var LINE_WIDTH = 110; // a label wraps at this width (model units)
  var WHEEL_STEP = Math.log(1.15) / 100; // zoom factor per pixel of wheel: 15% a notch (100 px)

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

  // Material's colours are CSS that cytoscape's parser rejects (`hsla(225deg, ...)`, `#000000de`):
  // let the browser compute them (always `rgb()`/`rgba()`), blend any transparency over what
  // lies beneath, and hand cytoscape a plain `#rrggbb`.
  var probe = null;
  function channels(value) {
    if (!probe) {
      probe = document.createElement("span");
      probe.style.display = "none";
      probe.setAttribute("aria-hidden", "true");
    }
    if (!probe.isConnected) document.body.appendChild(probe);
    probe.style.color = "";
    probe.style.color = value;
    var parts = (getComputedStyle(probe).color.match(/[\d.]+/g) || []).map(Number);
    if (parts.length < 3) return null;
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  }
  function hex(rgb) {
    return "#" + rgb.map(function (c) {
      return ("0" + Math.max(0, Math.min(255, Math.round(c))).toString(16)).slice(-2);
    }).join("");
  }
  function solid(value, under, fallback) {
    var c = channels(value) || channels(fallback);
    var base = under || [255, 255, 255];
    return hex([0, 1, 2].map(function (i) { return c[i] * c[3] + base[i] * (1 - c[3]); }));
  }
  function rgbOf(hexColour) {
    return [1, 3, 5].map(function (i) { return parseInt(hexColour.slice(i, i + 2), 16); });
  }
  function dark() {
    return document.body.getAttribute("data-md-color-scheme") === "slate";
  }

  // Labels are drawn inside the nodes, wrapped by hand so each node is as large as its label.
  var measure = null;
  function wrap(text) {
    if (!measure) measure = document.createElement("canvas").getContext("2d");
    measure.font = FONT_SIZE + "px " + FONT;
    var words = text.split(" "), lines = [], line = "";
    words.forEach(function (word) {
      var candidate = line ? line + " " + word : word;
      if (line && measure.measureText(candidate).width > LINE_WIDTH) { lines.push(line); line = word; }
      else line = candidate;
    });
    if (line) lines.push(line);
    var width = Math.max.apply(null, lines.map(function (l) { return measure.measureText(l).width; }));
    return { text: lines.join("\n"), width: Math.ceil(width), lines: lines.length };
  }

  function shortLabel(text) {
    text = String(text).replace(/\s+/g, " ").trim();
    return text.length > 40 ? text.slice(0, 39) + "…" : text;
  }

  function start(app) {
    var data = window.coherenceGraph;
    var stats = app.querySelector(".coherence-graph-stats");
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
      var label = wrap(shortLabel(n.title === n.id ? n.id : n.id + ": " + n.title));
      var pad = n.kind === "decision" ? Math.round(label.width * 0.5) + 18 : 18; // a hexagon cuts into its label
      elements.push({ group: "nodes", data: {
        id: n.id, label: label.text, title: n.title, w: label.width + pad, h: label.lines * 17 + 12,
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
    // Active conflict findings join the documents they name: their own edges, not links.
    var conflictPairs = {};
    (data.findings || []).forEach(function (f) {
      if (f.category !== "conflict" || (f.state && f.state !== "active")) return;
      var named = (f.ids || []).filter(function (id) { return ids[id]; });
      for (var a = 0; a < named.length; a += 1) {
        for (var b = a + 1; b < named.length; b += 1) {
          var key = [named[a], named[b]].sort().join("\u0000");
          if (conflictPairs[key]) continue;
          conflictPairs[key] = true;
          elements.push({ group: "edges", classes: "conflict", data: {
            id: "x" + elements.length, source: named[a], target: named[b], type: "conflict", conflict: 1,
            label: "conflict: " + f.rule
          } });
        }
      }
    });

    function style() {
      var bg = solid(cssVar(app, "--coherence-bg", "#fff"), null, "#fff");
      var bgRgb = rgbOf(bg);
      var fg = solid(cssVar(app, "--coherence-fg", "#222"), bgRgb, "#222");
      var muted = solid(cssVar(app, "--coherence-fg-light", "#666"), bgRgb, "#666");
      var bad = solid(cssVar(app, "--coherence-bad", "#c62828"), bgRgb, "#c62828");
      var edgeColours = dark() ? EDGE_COLOURS_DARK : EDGE_COLOURS;
      var kinds = {};
      ["intent", "contract", "decision"].forEach(function (kind) {
        var fill = solid(cssVar(app, "--coherence-" + kind + "-bg", "#eeeeee"), bgRgb, "#eeeeee");
        kinds[kind] = [solid(cssVar(app, "--coherence-" + kind, "#555555"), bgRgb, "#555555"), fill];
      });
      var sheet = [
        { selector: "node", style: {
          "label": "data(label)", "font-size": FONT_SIZE, "font-family": FONT, "color": fg,
          "text-valign": "center", "text-halign": "center", "text-wrap": "wrap", "text-max-width": 1000,
          "line-height": 1.25, "width": "data(w)", "height": "data(h)", "border-width": 2,
          "background-color": bg, "border-color": muted
        } }
      ];
      Object.keys(kinds).forEach(function (kind) {
        sheet.push({ selector: "node[kind = '" + kind + "']", style: {
          "shape": SHAPES[kind], "border-color": kinds[kind][0], "background-color": kinds[kind][1] } });
      });
      sheet.push(
        { selector: "node[errors > 0]", style: { "border-width": 4, "border-color": bad } },
        { selector: "node[status = 'superseded'], node[status = 'retired'], node[status = 'rejected'], " +
                    "node[status = 'abandoned'], node[status = 'deprecated']",
          style: { "border-style": "dashed", "background-opacity": 0.6 } },
        { selector: "edge", style: {
          "width": 1.6, "curve-style": "bezier", "target-arrow-shape": "triangle", "arrow-scale": 1,
          "line-color": muted, "target-arrow-color": muted, "opacity": 0.9,
          "font-size": 11, "font-family": FONT, "color": fg, "text-rotation": "autorotate",
          "text-background-color": bg, "text-background-opacity": 1, "text-background-padding": 2
        } }
      );
      Object.keys(edgeColours).forEach(function (type) {
        sheet.push({ selector: "edge[type = '" + type + "']", style: {
          "line-color": edgeColours[type], "target-arrow-color": edgeColours[type],
          "line-style": EDGE_STYLES[type] || "solid" } });
      });
      sheet.push(
        // Supersession: a heavy line with a bar at the replaced record.
        { selector: "edge[type = 'supersedes']", style: {
          "width": 3.2, "target-arrow-shape": "tee", "source-arrow-shape": "circle", "arrow-scale": 1.1 } },
        // A conflict: a thick dashed red line, arrows at both ends, no direction of dependency.
        { selector: "edge.conflict", style: {
          "line-color": dark() ? CONFLICT.dark : CONFLICT.light, "target-arrow-shape": "vee",
          "source-arrow-shape": "vee", "target-arrow-color": dark() ? CONFLICT.dark : CONFLICT.light,
          "source-arrow-color": dark() ? CONFLICT.dark : CONFLICT.light, "line-style": "dashed",
          "line-dash-pattern": [8, 4], "width": 2.6, "curve-style": "bezier" } },
        { selector: "edge.labelled, edge:selected", style: { "label": "data(label)" } },
        { selector: ".faded", style: { "opacity": 0.15 } },
        { selector: "node.match", style: { "border-width": 5, "border-color": "#fdd835" } },
        { selector: "node.centre", style: { "border-width": 4, "font-weight": "bold" } }
      );
      return sheet;
    }

    var previous = window.coherenceCy;
    if (previous && previous.container() && !previous.container().isConnected) previous.destroy();
    var cy = cytoscape({
      container: canvas, elements: elements, style: style(),
      minZoom: 0.05, maxZoom: 4, boxSelectionEnabled: false
    });
    app.coherence = cy;
    window.coherenceCy = cy;

    // The wheel zooms at a steady pace, about 15% a notch (a touchpad in proportion), around
    // the pointer. Cytoscape's own pace is about 3% a notch once it has guessed the device, and
    // a custom wheelSensitivity makes it warn in the console, so the wheel is handled here,
    // before cytoscape sees it; its pinch, drag and keyboard handling stay as they are.
    canvas.parentNode.addEventListener("wheel", function (event) {
      if (!canvas.contains(event.target) || !event.deltaY) return;
      event.preventDefault();
      event.stopPropagation();
      var delta = event.deltaY * (event.deltaMode === 1 ? 33 : event.deltaMode === 2 ? 800 : 1);
      if (event.ctrlKey) delta *= 4; // a touchpad pinch reports small steps
      delta = Math.max(-300, Math.min(300, delta));
      var box = canvas.getBoundingClientRect();
      var level = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), cy.zoom() * Math.exp(-delta * WHEEL_STEP)));
      cy.zoom({ level: level, renderedPosition: { x: event.clientX - box.left, y: event.clientY - box.top } });
    }, { capture: true, passive: false });

    // Connected documents by a force layout; documents linked to nothing in a grid below them.
    function layout(eles) {
      var nodes = eles.nodes();
      var lonely = nodes.filter(function (n) {
        return n.connectedEdges().filter(function (e) { return eles.contains(e.source()) && eles.contains(e.target()); }).length === 0;
      });
      var linked = eles.not(lonely);
      if (linked.nodes().length > 1) {
        var big = linked.nodes().length > 150;
        var links = linked.not(linked.edges("[?conflict]"));
        // Layers along the links (what is used sits below what uses it), the same picture on
        // every load and linear in the size of the graph. A small graph is packed into the
        // canvas at a readable zoom; a large one takes the room it needs (pan and zoom).
        var options = { name: "breadthfirst", directed: true, fit: false, spacingFactor: 0.75,
                        avoidOverlap: !big, nodeDimensionsIncludeLabels: true, grid: false };
        if (!big) options.boundingBox = { x1: 0, y1: 0, w: Math.max(cy.width() - 60, 500) / READABLE_ZOOM,
                                          h: Math.max(cy.height() - 60, 360) / READABLE_ZOOM };
        links.layout(options).run();
        spreadLayers(linked.nodes());
      } else if (linked.nodes().length === 1) {
        linked.nodes().position({ x: 0, y: 0 });
      }
      if (lonely.length) {
        var box = linked.nodes().length ? linked.boundingBox() : { x1: 0, y2: -60, w: 0 };
        var widest = Math.max.apply(null, lonely.map(function (n) { return n.data("w"); }));
        var columns = Math.max(1, Math.min(lonely.length, Math.floor(Math.max(box.w, 900) / (widest + 30))));
        var rows = Math.ceil(lonely.length / columns);
        lonely.layout({ name: "grid", fit: false, avoidOverlap: true, condense: true, cols: columns,
                        boundingBox: { x1: box.x1, y1: box.y2 + 60, w: columns * (widest + 30), h: rows * 70 }
                      }).run();
      }
      frame(eles);
    }

    // Layering can leave wide labels touching and a layer wider than the canvas: lay each
    // layer out again as rows that fit the canvas at a readable zoom, layers one under another.
    function spreadLayers(nodes) {
      var layers = {};
      nodes.forEach(function (n) { var y = Math.round(n.position("y")); (layers[y] = layers[y] || []).push(n); });
      var room = Math.max(cy.width() - 60, 480) / READABLE_ZOOM, gap = 24, top = 0;
      Object.keys(layers).map(Number).sort(function (a, b) { return a - b; }).forEach(function (y) {
        var layer = layers[y].sort(function (a, b) { return a.position("x") - b.position("x"); });
        var rows = [[]], width = 0;
        layer.forEach(function (n) {
          if (rows[rows.length - 1].length && width + n.data("w") > room) { rows.push([]); width = 0; }
          rows[rows.length - 1].push(n);
          width += n.data("w") + gap;
        });
        rows.forEach(function (row) {
          var height = Math.max.apply(null, row.map(function (n) { return n.data("h"); }));
          var total = row.reduce(function (sum, n) { return sum + n.data("w"); }, 0) + gap * (row.length - 1);
          var x = -total / 2;
          row.forEach(function (n) {
            n.position({ x: x + n.data("w") / 2, y: top + height / 2 });
            x += n.data("w") + gap;
          });
          top += height + (row === rows[rows.length - 1] ? 70 : 22);
        });
      });
    }

    // Open at a readable size: everything when it fits with labels >= 11 px on screen, else the
    // largest connected group, never below that zoom (the rest is a pan away).
    function frame(eles) {
      if (!eles.nodes().length) return;
      cy.fit(eles, 30);
      var main = eles;
      if (cy.zoom() < READABLE_ZOOM) {
        main = eles.components().sort(function (a, b) { return b.nodes().length - a.nodes().length; })[0];
        cy.fit(main, 30);
      }
      var zoom = Math.min(Math.max(cy.zoom(), READABLE_ZOOM), 1.6);
      if (zoom !== cy.zoom()) {
        // Readable first: centred across, and from its top down when it is taller than the canvas.
        var box = main.boundingBox();
        cy.zoom(zoom);
        var height = box.h * zoom;
        cy.pan({ x: cy.width() / 2 - (box.x1 + box.w / 2) * zoom,
                 y: height + 60 > cy.height() ? 30 - box.y1 * zoom : cy.height() / 2 - (box.y1 + box.h / 2) * zoom });
      }
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
      for (var i = 0; i < depth; i += 1) set = set.union(set.connectedEdges("[!conflict]").connectedNodes());
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
      var nodes = cy.nodes(), edges = cy.edges("[!conflict]");
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
      if (!node) {
        info.appendChild(el("p", { class: "coherence-graph-hint" },
                            "Hover or search a document to see its details here; click it to open its page."));
        return;
      }
      var d = node.data();
      var head = el("strong", {}, d.id);
      info.appendChild(head);
      info.appendChild(document.createTextNode(" — " + d.title + " (" + d.kind + ", " + d.status + ")"));
      if (d.errors || d.warnings) {
        info.appendChild(el("div", { class: d.errors ? "coherence-graph-errors" : "" },
                            d.errors + " errors, " + d.warnings + " warnings"));
      }
      if (d.summary) info.appendChild(el("div", {}, d.summary));
      var links = node.connectedEdges().map(function (e) {
        return e.source().id() === d.id ? e.data("label") + " → " + e.target().id()
                                        : e.source().id() + " → " + e.data("label");
      });
      if (links.length) {
        info.appendChild(el("div", {}, "Links:"));
        var list = info.appendChild(el("ul"));
        links.forEach(function (link) { list.appendChild(el("li", {}, link)); });
      }
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
    function drawLegend() {
      legend.textContent = "";
      var edgeColours = dark() ? EDGE_COLOURS_DARK : EDGE_COLOURS;
      var types = {};
      cy.edges().forEach(function (e) { types[e.data("type")] = (types[e.data("type")] || 0) + 1; });
      Object.keys(types).sort().forEach(function (type) {
        var item = el("span", { "data-edge-type": type });
        var swatch = el("i");
        swatch.style.borderTopColor = type === "conflict" ? (dark() ? CONFLICT.dark : CONFLICT.light)
                                                          : edgeColours[type] || "#8a8a8a";
        swatch.style.borderTopStyle = type === "conflict" ? "dashed" : EDGE_STYLES[type] || "solid";
        if (type === "supersedes" || type === "conflict") swatch.style.borderTopWidth = "3px";
        item.appendChild(swatch);
        item.appendChild(document.createTextNode((type === "conflict" ? "conflict finding" : type) +
                                                 " (" + types[type] + ")"));
        legend.appendChild(item);
      });
      legend.appendChild(el("span", {}, "hexagon: decision · square: contract · rounded: intent · " +
                                        "red border: has errors · dashed border: superseded, retired or abandoned"));
    }
    drawLegend();

    var scheme = new MutationObserver(function () {
      if (!app.isConnected) { scheme.disconnect(); return; }
      cy.style(style());
      drawLegend();
    });
    scheme.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

    if (large) {
      // Too many documents to read at once: open on the neighbourhood of the document with the
      // most errors (else the most links). Every link stays in the graph; "Show all" draws them.
      var first = cy.nodes().max(function (n) { return n.data("errors") * 100000 + n.degree(false); }).ele;
      selected = first;
      focus = { id: first.id(), depth: 1 };
      applyFilters();
      layout(cy.elements().filter(function (e) { return e.style("display") !== "none"; }));
      highlight(first);
      describe(first);
    } else {
      layout(cy.elements());
      applyFilters();
    }
    app.setAttribute("data-ready", "true");
  }

  // --- loading --------------------------------------------------------------------------
  // The page ships only this script; it loads cytoscape and the graph data itself, in order.
  // mkdocs-material's instant navigation re-runs the scripts of a page in no fixed order and
  // keeps what earlier pages loaded, so nothing here may rely on the order of script tags.
  function load(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error(src)); };
      document.head.appendChild(script);
    });
  }

  function prepare(app) {
    app.setAttribute("data-state", "loading");
    var stats = app.querySelector(".coherence-graph-stats");
    var chain = Promise.resolve();
    if (typeof window.cytoscape !== "function") chain = chain.then(function () { return load(app.getAttribute("data-cytoscape")); });
    if (!window.coherenceGraph) chain = chain.then(function () { return load(app.getAttribute("data-data")); });
    chain.then(function () {
      if (!app.isConnected) return;
      app.setAttribute("data-state", "started");
      start(app);
    }, function (error) {
      app.setAttribute("data-state", "failed");
      stats.textContent = "The graph could not be loaded (" + error.message + " is missing).";
    });
  }

  function init() {
    // A graph left behind by an instant navigation: free its canvas and listeners.
    var previous = window.coherenceCy;
    if (previous && previous.container() && !previous.container().isConnected) {
      previous.destroy();
      window.coherenceCy = null;
    }
    document.querySelectorAll(".coherence-graph-app:not([data-state])").forEach(prepare);
  }
  // mkdocs-material's instant navigation swaps pages without a load event and announces each
  // new page on its `document$` observable (it replays the current page on subscription). Its
  // bundle comes after the page content, so look for it once the document is parsed; on any
  // other theme (or without the feature) the parsed document is all there is.
  var following = false;
  function follow() {
    if (following) { init(); return; }
    var material = window.document$;
    if (material && typeof material.subscribe === "function") {
      following = true;
      material.subscribe(function () { init(); });
    } else {
      init();
    }
  }
  if (window.coherenceGraphInit) { window.coherenceGraphInit(); return; } // re-run by instant navigation
  window.coherenceGraphInit = function () {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", follow);
    else follow();
  };
  window.coherenceGraphInit();
})();
