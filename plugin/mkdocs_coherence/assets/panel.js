/* mkdocs-coherence: draws the one-hop graph of a document's panel from its `data-graph`
   attribute (site/local_graph.py, graph_data), as SVG. Without this script the panel's link
   lists are the graph. Under mkdocs-material it runs on every page Material shows, instant
   navigation included (document$); elsewhere once the page is loaded. Text goes in as text
   nodes only; a box opens its page through an HTML link, which Material's instant navigation
   follows, never through an SVG <a>. Sizes match site/local_graph.py. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var ROW = 34, BOX_W = 168, BOX_H = 26, WIDTH = 720, LABEL = 24;
  var LEFT_X = 4, CENTRE_X = (WIDTH - BOX_W) / 2, RIGHT_X = WIDTH - BOX_W - 4;

  function node(tag, attributes, text) {
    var element = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (name) { element.setAttribute(name, attributes[name]); });
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function short(text, limit) {
    text = String(text).split(/\s+/).filter(Boolean).join(" ");
    return text.length <= limit ? text : text.slice(0, limit - 1).replace(/\s+$/, "") + "\u2026";
  }

  function open(url) {  // an HTML link, so that Material's instant navigation takes it
    var link = document.createElement("a");
    link.href = url;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function box(svg, x, y, title, kind, status, tooltip, classes, url, id) {
    var group = node("g", {"class": "coherence-node coherence-kind--" + kind + " coherence-status--" + status + classes});
    if (id !== null) group.setAttribute("data-id", id);
    group.appendChild(node("title", {}, tooltip));
    group.appendChild(node("rect", {x: x, y: y, width: BOX_W, height: BOX_H, rx: 6}));
    group.appendChild(node("text", {x: x + BOX_W / 2, y: y + 17, "text-anchor": "middle"}, short(title, LABEL)));
    if (url) {
      group.setAttribute("data-url", url);
      group.addEventListener("click", function () { open(url); });
    }
    svg.appendChild(group);
  }

  function draw(figure) {
    var data;
    try {
      data = JSON.parse(figure.getAttribute("data-graph"));
    } catch (error) {
      return;  // the lists above still say it all
    }
    var right = data.n.filter(function (n) { return n[5] & 1; });
    var left = data.n.filter(function (n) { return !(n[5] & 1); });
    var more = {left: data.m[0], right: data.m[1]};
    var rows = Math.max(right.length + (more.right > 0), left.length + (more.left > 0), 1);
    var height = rows * ROW + 8;
    var centreY = Math.floor((height - BOX_H) / 2);
    var svg = node("svg", {viewBox: "0 0 " + WIDTH + " " + height, width: WIDTH, height: height, "aria-hidden": "true"});
    var defs = node("defs", {});
    var marker = node("marker", {id: "coherence-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7,
                                 markerHeight: 7, orient: "auto-start-reverse"});
    marker.appendChild(node("path", {d: "M 0 0 L 10 5 L 0 10 z", "class": "coherence-arrowhead"}));
    defs.appendChild(marker);
    svg.appendChild(defs);
    var boxes = [];
    [["right", right], ["left", left]].forEach(function (pair) {
      var side = pair[0], ids = pair[1];
      var count = ids.length + (more[side] > 0);
      var top = Math.floor((height - count * ROW) / 2) + Math.floor((ROW - BOX_H) / 2);
      ids.forEach(function (n, row) {
        var x = side === "right" ? RIGHT_X : LEFT_X, y = top + row * ROW;
        var x1 = side === "right" ? CENTRE_X + BOX_W : CENTRE_X, x2 = side === "right" ? x : x + BOX_W;
        var y1 = centreY + BOX_H / 2, y2 = y + BOX_H / 2, bend = Math.floor((x2 - x1) / 2);
        var path = node("path", {"class": "coherence-edge",
                                 d: "M " + x1 + " " + y1 + " C " + (x1 + bend) + " " + y1 + ", " + (x2 - bend) + " " + y2 +
                                    ", " + x2 + " " + y2});
        if ((n[5] & 1) && x2 > x1) path.setAttribute("marker-end", "url(#coherence-arrow)");
        if (n[5] & 2) path.setAttribute("marker-start", "url(#coherence-arrow)");
        svg.appendChild(path);
        svg.appendChild(node("text", {"class": "coherence-edge-label", x: side === "right" ? x2 - 6 : x2 + 6, y: y2 - 5,
                                      "text-anchor": side === "right" ? "end" : "start"}, n[6]));
        boxes.push([x, y, n]);
      });
    });
    var c = data.c;
    box(svg, CENTRE_X, centreY, c[0], c[1], c[2], c[0] + " (" + c[1] + ", " + c[2] + ")", " coherence-node--centre",
        null, null);
    boxes.forEach(function (b) {
      var n = b[2];
      box(svg, b[0], b[1], n[1], n[2], n[3], n[0] + ": " + n[1] + " (" + n[2] + ", " + n[3] + ")", "", n[4], n[0]);
    });
    if (more.left) svg.appendChild(node("text", {"class": "coherence-more", x: 88, y: height - 8, "text-anchor": "middle"},
                                        "+" + more.left + " more (listed above)"));
    if (more.right) svg.appendChild(node("text", {"class": "coherence-more", x: WIDTH - 88, y: height - 8,
                                                  "text-anchor": "middle"}, "+" + more.right + " more (listed above)"));
    figure.appendChild(svg);
    figure.hidden = false;
  }

  function drawAll() {
    var figures = document.querySelectorAll(".coherence-local-graph[data-graph]");
    for (var i = 0; i < figures.length; i++) {
      if (!figures[i].querySelector("svg")) draw(figures[i]);
    }
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(drawAll);  // Material: every page, instant navigation included
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
}());
