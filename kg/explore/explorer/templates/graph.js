/* kg explorer — graph.js: the one graph of the page (vis-network, physics off, positions from layout.js),
   what it shows for a node / a set of nodes, and PNG / SVG export of what it shows. */
(function (KG) {
  "use strict";
  var MIN_SCALE = 0.9, MAX_SCALE = 1.25;          // labels are 14 px: ≥ 12.6 px at the opening zoom
  var G = KG.graph = { network: null, spec: null, nodes: null, edges: null, selected: null };
  var REL = { broader: "属于", addresses: "整改", inSection: "位于", subOrganizationOf: "下属", unitOf: "下属",
              mentions: "提及", publisher: "发布", inspectedBy: "巡视", memberOf: "成员", implements: "落实",
              exactMatch: "同一", row: "同一行" };

  function light(hex, f) {
    var n = parseInt(hex.slice(1), 16);
    var c = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(function (v) { return Math.round(v + (255 - v) * f); });
    return "#" + ((1 << 24) + (c[0] << 16) + (c[1] << 8) + c[2]).toString(16).slice(1);
  }
  KG.light = light;

  function tip(n) {
    var d = KG.el("div", "kg-tip");
    d.appendChild(KG.el("div", "muted", KG.typeName(n.type) + (n.model !== null && n.model !== undefined && KG.nodes[n.model].report >= 0
      ? " · " + KG.reportLabel(KG.nodes[n.model].report) : "")));
    d.appendChild(KG.el("div", "", n.full || n.label));
    if (n.iri) d.appendChild(KG.el("div", "muted", KG.compact(n.iri)));
    return d;
  }

  function ensure() {
    if (G.network) return;
    var container = KG.$("graph");
    G.nodes = new vis.DataSet([]);
    G.edges = new vis.DataSet([]);
    G.network = new vis.Network(container, { nodes: G.nodes, edges: G.edges }, {
      autoResize: true,
      physics: { enabled: false },
      layout: { randomSeed: 1, improvedLayout: false },
      interaction: { hover: true, tooltipDelay: 250, multiselect: false, keyboard: { enabled: true, bindToWindow: false },
                     zoomView: true, dragView: true },
      nodes: { shape: "box", borderWidth: 1.5, borderWidthSelected: 3, margin: { top: 6, bottom: 6, left: 8, right: 8 },
               font: { face: KG.FONT_FACE, size: KG.FONT_SIZE, color: "#1a1a1a" } },
      edges: { arrows: { to: { enabled: true, scaleFactor: 0.6 } }, color: { color: "#90a4ae", highlight: "#1565c0", hover: "#546e7a" },
               width: 1.2, smooth: { enabled: true, type: "cubicBezier", forceDirection: "horizontal", roundness: 0.45 } }
    });
    // the pane changed size (a view switch, the window): open the graph again, readable
    var last = [container.clientWidth, container.clientHeight];
    if (window.ResizeObserver) new ResizeObserver(function () {
      var now = [container.clientWidth, container.clientHeight];
      if (now[0] === last[0] && now[1] === last[1]) return;
      last = now;
      if (G.spec && now[0] > 0 && now[1] > 0) { G.network.setSize("100%", "100%"); G.network.redraw(); G.open(G.selected); }
    }).observe(container);
    G.network.on("click", function (p) {
      if (p.nodes && p.nodes.length) G.onClick(p.nodes[0]);
    });
    G.network.on("doubleClick", function (p) {
      if (p.nodes && p.nodes.length) G.onExpand(p.nodes[0]);
    });
  }

  G.onClick = function (id) {
    var n = G.byId && G.byId.get(id);
    if (n && n.model !== null && n.model !== undefined) KG.app.selectNode(n.model, { from: "graph" });
    else if (n) KG.app.showDetails(null, n);
  };
  G.onExpand = function (id) {
    var n = G.byId && G.byId.get(id);
    if (n && n.model !== null && n.model !== undefined) KG.app.selectNode(n.model, { from: "graph", expand: true });
  };

  /* spec: {title, nodes: [{id, label, full, type, model, iri}], edges: [{from, to, rel, dashed, action}]};
     opts.focus / opts.select: a node id */
  G.show = function (spec, opts) {
    opts = opts || {};
    ensure();
    KG.layout(spec);
    G.spec = spec;
    G.byId = new Map(spec.nodes.map(function (n) { return [n.id, n]; }));
    var data = spec.nodes.map(function (n) {
      var c = KG.color(n.type);
      return {
        id: n.id, label: n.text, x: n.x, y: n.y, title: tip(n),
        color: { background: light(c, 0.82), border: c, highlight: { background: light(c, 0.6), border: "#0d47a1" },
                 hover: { background: light(c, 0.7), border: c } },
        widthConstraint: { minimum: n.tw, maximum: n.tw + 12 }
      };
    });
    var edges = spec.edges.filter(function (e) { return G.byId.has(e.from) && G.byId.has(e.to); }).map(function (e, i) {
      var label = e.action ? KG.actionName(e.action) : (REL[e.rel] || e.rel || "");
      return { id: "e" + i, from: e.from, to: e.to, dashes: !!e.dashed, title: label,
               arrows: e.dashed ? { to: { enabled: false } } : undefined };
    });
    G.nodes.clear();
    G.edges.clear();
    G.nodes.add(data);
    G.edges.add(edges);
    // lay out again with the boxes as drawn (label, margins, border): no two overlap
    G.network.redraw();
    var changed = false;
    spec.nodes.forEach(function (n) {
      var b = G.network.getBoundingBox(n.id);
      var w = Math.ceil(b.right - b.left), h = Math.ceil(b.bottom - b.top);
      if (w > 0 && h > 0 && (w !== n.w || h !== n.h)) { n.w = w; n.h = h; changed = true; }
      n.measured = true;
    });
    if (changed) {
      KG.layout(spec);
      G.nodes.update(spec.nodes.map(function (n) { return { id: n.id, x: n.x, y: n.y }; }));
    }
    KG.$("graph-title").textContent = spec.title || "";
    G.open(opts.focus);
    G.selected = null;
    if (opts.select && G.byId.has(opts.select)) G.select(opts.select);
    G.shownAt = performance.now();
  };

  /* the opening view: everything when it fits at a readable scale, else readable around the focus */
  G.open = function (focus) {
    var net = G.network, spec = G.spec;
    if (!net || !spec || !spec.nodes.length) return;
    net.redraw();
    var box = G.extent(), el = KG.$("graph");
    var cw = el.clientWidth || 800, ch = el.clientHeight || 500;
    var fit = Math.min(cw / (box.w + 60), ch / (box.h + 60));
    var scale = Math.min(MAX_SCALE, fit), pos = { x: box.x + box.w / 2, y: box.y + box.h / 2 };
    if (scale < MIN_SCALE) {
      // readable, around the focus, showing as much of the graph as the window holds
      scale = MIN_SCALE;
      var f = focus && G.byId.has(focus) ? G.byId.get(focus) : spec.nodes[0];
      var hw = cw / 2 / scale - 20, hh = ch / 2 / scale - 20;
      var clamp = function (v, lo, hi) { return lo > hi ? (lo + hi) / 2 : Math.min(Math.max(v, lo), hi); };
      pos = { x: clamp(f.x, box.x + hw, box.x + box.w - hw), y: clamp(f.y, box.y + hh, box.y + box.h - hh) };
    }
    G.scale = scale;
    net.moveTo({ position: pos, scale: scale, animation: false });
  };

  G.extent = function () {
    var xs = [], ys = [];
    var pos = G.network.getPositions();
    G.spec.nodes.forEach(function (n) {
      var p = pos[n.id] || n;
      xs.push(p.x - n.w / 2, p.x + n.w / 2);
      ys.push(p.y - n.h / 2, p.y + n.h / 2);
    });
    var x0 = Math.min.apply(null, xs), y0 = Math.min.apply(null, ys);
    return { x: x0, y: y0, w: Math.max.apply(null, xs) - x0, h: Math.max.apply(null, ys) - y0 };
  };

  G.select = function (id) {
    if (!G.network || !G.byId || !G.byId.has(id)) return false;
    G.network.selectNodes([id]);
    G.selected = id;
    // bring it into view if it is not
    var p = G.network.canvasToDOM(G.network.getPosition(id)), el = KG.$("graph");
    if (p.x < 0 || p.y < 0 || p.x > el.clientWidth || p.y > el.clientHeight) {
      G.network.moveTo({ position: G.network.getPosition(id), scale: Math.max(G.network.getScale(), MIN_SCALE), animation: false });
    }
    return true;
  };
  G.fit = function () {
    if (!G.network) return;
    G.network.fit({ animation: false });
    if (G.network.getScale() > MAX_SCALE) G.network.moveTo({ scale: MAX_SCALE, animation: false });
  };

  /* the drawn label boxes in page pixels (tests check that none overlap) */
  G.labelBoxes = function () {
    if (!G.network || !G.spec) return [];
    var r = KG.$("graph").getBoundingClientRect();
    return G.spec.nodes.map(function (n) {
      var b = G.network.getBoundingBox(n.id);
      var a = G.network.canvasToDOM({ x: b.left, y: b.top }), c = G.network.canvasToDOM({ x: b.right, y: b.bottom });
      return { id: n.id, left: a.x + r.left, top: a.y + r.top, right: c.x + r.left, bottom: c.y + r.top };
    });
  };

  // ------------------------------------------------------------------ specs from the model
  function nodeSpec(i) {
    var n = KG.nodes[i];
    var num = n.number !== null && n.number !== undefined && (n.type === "aspect" || n.type === "problem") ? n.number + ". " : "";
    var across = n.report < 0 && n.type !== "report" ? "⧉ " : "";      // one node across reports (build summaries)
    return { id: "n" + i, label: across + num + n.label, full: KG.nodeTitle(n) + (across ? "（跨通报 across reports）" : ""),
             type: n.type, model: i, iri: n.iri };
  }
  KG.nodeSpec = nodeSpec;
  function byLevel(a, b) {
    var na = KG.nodes[a], nb = KG.nodes[b];
    return (KG.types[na.type].level - KG.types[nb.type].level) || (na.report - nb.report) ||
      ((na.number === null ? 1e9 : na.number) - (nb.number === null ? 1e9 : nb.number)) || (a - b);
  }

  /* model nodes (indexes) and the model's edges among them, plus extra edges */
  KG.specOf = function (idx, title, extra) {
    var set = new Set(idx), list = Array.from(set).sort(byLevel);
    var edges = [];
    list.forEach(function (i) {
      KG.out[i].forEach(function (e) {
        if (set.has(e.to)) edges.push({ from: "n" + e.from, to: "n" + e.to, rel: e.rel, action: e.action });
      });
    });
    (extra || []).forEach(function (e) { edges.push(e); });
    return { title: title, nodes: list.map(nodeSpec), edges: edges };
  };

  function up(i, rel) {
    var e = KG.out[i].filter(function (x) { return x.rel === rel; });
    return e.length ? e[0].to : -1;
  }
  KG.up = up;
  /* a node with its neighbours and the chain above them (measure → problem → aspect), readable at once */
  KG.neighbourhood = function (i, cap) {
    cap = cap || 40;
    var set = new Set([i]), n = KG.nodes[i];
    function chain(j) {
      var p = KG.nodes[j].type === "measure" ? up(j, "addresses") : (KG.nodes[j].type === "problem" ? j : -1);
      if (KG.nodes[j].type === "measure" && p < 0) { var s = up(j, "inSection"); if (s >= 0) set.add(s); }
      if (p >= 0) { set.add(p); var a = up(p, "broader"); if (a >= 0) set.add(a); }
    }
    if (n.type === "report") {
      KG.nodes.forEach(function (m) { if (m.report === n.report && (m.type === "aspect" || m.type === "section") && set.size < cap) set.add(m.i); });
      return Array.from(set);
    }
    var near = [];
    KG.out[i].forEach(function (e) { if (e.rel !== "row") near.push(e.to); });
    KG.inn[i].forEach(function (e) { near.push(e.from); });
    near = Array.from(new Set(near)).sort(byLevel).slice(0, cap);
    near.forEach(function (j) { set.add(j); });
    chain(i);
    near.forEach(function (j) { if (KG.nodes[j].type === "measure") chain(j); });
    return Array.from(set);
  };

  // ------------------------------------------------------------------ export
  G.exportPNG = function () {
    var src = KG.$("graph").querySelector("canvas");
    if (!src) return;
    var c = document.createElement("canvas");
    c.width = src.width;
    c.height = src.height;
    var x = c.getContext("2d");
    x.fillStyle = "#fff";
    x.fillRect(0, 0, c.width, c.height);
    x.drawImage(src, 0, 0);
    c.toBlob(function (b) { KG.download("kg-graph.png", "image/png", b); }, "image/png");
  };

  G.svgText = function () {
    var NS = "http:" + "//www.w3.org/2000/svg";
    var spec = G.spec || { nodes: [], edges: [] };
    var pos = G.network ? G.network.getPositions() : {};
    var box = G.network && spec.nodes.length ? G.extent() : { x: 0, y: 0, w: 10, h: 10 };
    var m = 20, svg = document.createElementNS(NS, "svg");
    svg.setAttribute("xmlns", NS);
    svg.setAttribute("viewBox", [box.x - m, box.y - m, box.w + 2 * m, box.h + 2 * m].join(" "));
    svg.setAttribute("width", Math.round(box.w + 2 * m));
    svg.setAttribute("height", Math.round(box.h + 2 * m));
    svg.setAttribute("font-family", KG.FONT_FACE.replace(/"/g, "'"));
    svg.setAttribute("font-size", KG.FONT_SIZE);
    var defs = document.createElementNS(NS, "defs"), mk = document.createElementNS(NS, "marker");
    mk.setAttribute("id", "arrow"); mk.setAttribute("viewBox", "0 0 10 10"); mk.setAttribute("refX", "10"); mk.setAttribute("refY", "5");
    mk.setAttribute("markerWidth", "7"); mk.setAttribute("markerHeight", "7"); mk.setAttribute("orient", "auto");
    var ap = document.createElementNS(NS, "path"); ap.setAttribute("d", "M0,0 L10,5 L0,10 z"); ap.setAttribute("fill", "#90a4ae");
    mk.appendChild(ap); defs.appendChild(mk); svg.appendChild(defs);
    var title = document.createElementNS(NS, "title"); title.textContent = spec.title || "kg"; svg.appendChild(title);
    var byId = new Map(spec.nodes.map(function (n) { return [n.id, n]; }));
    function P(n) { return pos[n.id] || n; }
    spec.edges.forEach(function (e) {
      var a = byId.get(e.from), b = byId.get(e.to);
      if (!a || !b) return;
      var pa = P(a), pb = P(b), l = document.createElementNS(NS, "path");
      var x1 = pa.x + (pb.x >= pa.x ? a.w / 2 : -a.w / 2), x2 = pb.x + (pb.x >= pa.x ? -b.w / 2 : b.w / 2);
      var mx = (x1 + x2) / 2;
      l.setAttribute("d", "M" + x1 + "," + pa.y + " C" + mx + "," + pa.y + " " + mx + "," + pb.y + " " + x2 + "," + pb.y);
      l.setAttribute("fill", "none"); l.setAttribute("stroke", "#90a4ae"); l.setAttribute("stroke-width", "1.2");
      if (e.dashed) l.setAttribute("stroke-dasharray", "5 4"); else l.setAttribute("marker-end", "url(#arrow)");
      svg.appendChild(l);
    });
    spec.nodes.forEach(function (n) {
      var p = P(n), c = KG.color(n.type), g = document.createElementNS(NS, "g");
      var r = document.createElementNS(NS, "rect");
      r.setAttribute("x", p.x - n.w / 2); r.setAttribute("y", p.y - n.h / 2); r.setAttribute("width", n.w); r.setAttribute("height", n.h);
      r.setAttribute("rx", "5"); r.setAttribute("fill", light(c, 0.82)); r.setAttribute("stroke", c); r.setAttribute("stroke-width", "1.5");
      var t = document.createElementNS(NS, "text");
      t.setAttribute("x", p.x); t.setAttribute("y", p.y); t.setAttribute("text-anchor", "middle"); t.setAttribute("dominant-baseline", "central");
      t.setAttribute("fill", "#1a1a1a");
      var lines = n.text.split("\n");
      lines.forEach(function (ln, k) {
        var sp = document.createElementNS(NS, "tspan");
        sp.setAttribute("x", p.x);
        sp.setAttribute("dy", k === 0 ? (-(lines.length - 1) * KG.LINE_H / 2) : KG.LINE_H);
        sp.textContent = ln;
        t.appendChild(sp);
      });
      var tt = document.createElementNS(NS, "title"); tt.textContent = n.full || n.label;
      g.appendChild(tt); g.appendChild(r); g.appendChild(t); svg.appendChild(g);
    });
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg) + "\n";
  };
  G.exportSVG = function () { KG.download("kg-graph.svg", "image/svg+xml", G.svgText()); };
})(window.kgExplorer);
