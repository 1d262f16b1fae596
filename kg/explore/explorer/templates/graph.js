/* kg explorer — graph.js: the one graph of the page (vis-network, physics off, positions from layout.js),
   what it shows for a node / a set of nodes, and PNG / SVG export of what it shows. */
(function (KG) {
  "use strict";
  var MIN_SCALE = 0.9, MAX_SCALE = 1.25;          // labels are 14 px: ≥ 12.6 px at the opening zoom
  var G = KG.graph = { network: null, spec: null, nodes: null, edges: null, selected: null };
  var REL = { broader: "属于", addresses: "整改", inSection: "位于", subOrganizationOf: "下属", unitOf: "下属",
              mentions: "提及", publisher: "发布", inspectedBy: "巡视", memberOf: "成员", implements: "落实",
              exactMatch: "同一", row: "同一行" };

  /* links that carry an action: what the report does with the document, in three groups */
  var ACTION_GROUPS = [
    { zh: "制定·修订·印发·废止·编印", en: "makes", color: "#2e7d32", actions: ["enact", "revise", "issue", "abolish", "compile"] },
    { zh: "执行", en: "enforces", color: "#1565c0", actions: ["enforce"] },
    { zh: "学习·引用", en: "studies, cites", color: "#8d6e63", actions: ["study", "cite"] }
  ];
  KG.actionGroups = ACTION_GROUPS;
  function actionColor(a) {
    a = String(a || "").replace(/^!/, "");
    for (var k = 0; k < ACTION_GROUPS.length; k++) if (ACTION_GROUPS[k].actions.indexOf(a) >= 0) return ACTION_GROUPS[k].color;
    return null;
  }
  KG.actionColor = actionColor;

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
      // vis-network's keys listen on an element of its own: the page's keys (below) listen on #graph
      interaction: { hover: true, tooltipDelay: 250, multiselect: false, keyboard: { enabled: false },
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
      if (G.spec && now[0] > 0 && now[1] > 0) {
        G.network.setSize("100%", "100%");
        G.network.redraw();
        if (G.spec.fit && KG.state.view === "graph") V.render({ select: G.selected ? G.byId.get(G.selected).model : null });
        else G.open(G.selected);
      }
    }).observe(container);
    G.network.on("click", function (p) {
      if (p.nodes && p.nodes.length) G.onClick(p.nodes[0]);
    });
    G.network.on("doubleClick", function (p) {
      if (p.nodes && p.nodes.length) G.onExpand(p.nodes[0]);
    });
    keys(container);
  }

  G.onClick = function (id) {
    if (G.spec && G.spec.fit && KG.state.view === "graph") { V.click(id); KG.app.saveHash(); return; }
    var n = G.byId && G.byId.get(id);
    if (n && n.model !== null && n.model !== undefined) KG.app.selectNode(n.model, { from: "graph" });
    else if (n) KG.app.showDetails(null, n);
  };
  G.onExpand = function (id) {
    var n = G.byId && G.byId.get(id);
    if (G.spec && G.spec.fit && KG.state.view === "graph" && n && n.model !== null) {
      V.open("node", { node: n.model, depth: V.depth, select: n.model });
      KG.app.selectNode(n.model, { from: "gview", keepGraph: true });
      return;
    }
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
      var ac = actionColor(e.action);
      return { id: "e" + i, from: e.from, to: e.to, dashes: !!e.dashed, title: e.title || label,
               arrows: e.dashed ? { to: { enabled: false } } : undefined,
               color: ac ? { color: light(ac, 0.35), highlight: ac, hover: ac } : undefined };
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
    if (G.focused !== null && !G.byId.has(G.focused)) G.focused = null;     // the keyboard's node, if still drawn
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
    inView(id);
    return true;
  };
  /* bring a drawn node into view if it is not */
  function inView(id) {
    var p = G.network.canvasToDOM(G.network.getPosition(id)), el = KG.$("graph");
    if (p.x < 0 || p.y < 0 || p.x > el.clientWidth || p.y > el.clientHeight) {
      G.network.moveTo({ position: G.network.getPosition(id), scale: Math.max(G.network.getScale(), MIN_SCALE), animation: false });
    }
  }
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

  // ------------------------------------------------------------------ keyboard: the drawn nodes one by one
  /* #graph focused (Tab reaches it): n / p move a focus ring to the next / previous drawn node in reading order
     (column by column, left to right, each top to bottom), Home / End to the first / last; Enter is a click on
     it (Shift+Enter a double click), Esc leaves the graph; arrows pan, + / - zoom. The focused node is said in
     #graph-live (type and label, as text). */
  G.focused = null;
  G.order = function () {
    if (!G.network || !G.spec) return [];
    var pos = G.network.getPositions();
    return G.spec.nodes.map(function (n) { var p = pos[n.id] || n; return { id: n.id, x: Math.round(p.x), y: p.y }; })
      .sort(function (a, b) { return (a.x - b.x) || (a.y - b.y) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0); })
      .map(function (p) { return p.id; });
  };
  function say(text) { var live = KG.$("graph-live"); if (live) live.textContent = text; }
  function sayFocused() {
    var n = G.focused !== null && G.byId.get(G.focused);
    if (!n) return;
    var order = G.order(), m = n.model !== null && n.model !== undefined ? KG.nodes[n.model] : null;
    say((order.indexOf(n.id) + 1) + " / " + order.length + " · " + KG.typeName(n.type) + " · " + n.label.replace(/^⧉ /, "") +
        (m && m.report >= 0 && M0().reports.length > 1 ? " · " + KG.reportLabel(m.report) : "") +
        (m && m.report < 0 && m.type !== "report" ? " · 跨通报 across reports" : "") +
        (G.selected === n.id ? " · 已选中 selected" : ""));
  }
  G.focus = function (id) {
    G.focused = id !== null && G.byId && G.byId.has(id) ? id : null;
    if (G.focused !== null) inView(G.focused);
    G.network.redraw();
    sayFocused();
  };
  function ring(ctx) {
    if (G.focused === null || !G.byId.has(G.focused) || !KG.$("graph").contains(document.activeElement)) return;
    var b = G.network.getBoundingBox(G.focused), s = G.network.getScale(), m = 5 / s;
    if (!b) return;                        // not drawn yet (the view is being drawn again)
    ctx.save();
    ctx.strokeStyle = "#ffb300";          // the page's focus colour (:focus-visible)
    ctx.lineWidth = 3 / s;
    ctx.strokeRect(b.left - m, b.top - m, b.right - b.left + 2 * m, b.bottom - b.top + 2 * m);
    ctx.restore();
  }
  function keys(container) {
    var frame = container.querySelector(".vis-network");
    if (frame) frame.tabIndex = -1;        // one tab stop: #graph
    G.network.on("afterDrawing", ring);
    container.addEventListener("focusin", function () { G.network.redraw(); if (G.focused !== null) sayFocused(); });
    container.addEventListener("focusout", function () { G.network.redraw(); });
    container.addEventListener("pointerdown", function () { if (G.focused !== null) { G.focused = null; G.network.redraw(); } });
    container.addEventListener("keydown", function (ev) {
      if (ev.altKey || ev.ctrlKey || ev.metaKey || !G.spec) return;
      var k = ev.key, net = G.network, order = G.order(), at = order.indexOf(G.focused);
      var key = k.length === 1 ? k.toLowerCase() : k;
      if ((key === "n" || key === "p") && order.length) {
        G.focus(order[at < 0 ? (key === "n" ? 0 : order.length - 1) : (at + (key === "n" ? 1 : order.length - 1)) % order.length]);
      } else if ((k === "Home" || k === "End") && order.length) {
        G.focus(order[k === "Home" ? 0 : order.length - 1]);
      } else if (k === "Enter") {
        if (at < 0) return;
        var id = G.focused;
        if (ev.shiftKey) G.onExpand(id); else G.onClick(id);
        G.focus(G.byId.has(id) ? id : null);        // the view drawn again: the focus stays on the node
      } else if (k === "Escape") {
        G.focused = null;
        say("已离开图 left the graph");
        container.blur();
        if (container.contains(document.activeElement)) document.activeElement.blur();
        net.redraw();
      } else if (/^Arrow/.test(k)) {
        var s = net.getScale(), v = net.getViewPosition(), d = 60 / s;
        net.moveTo({ position: { x: v.x + (k === "ArrowRight" ? d : k === "ArrowLeft" ? -d : 0),
                                 y: v.y + (k === "ArrowDown" ? d : k === "ArrowUp" ? -d : 0) }, animation: false });
      } else if (key === "+" || key === "=" || key === "-" || k === "PageUp" || k === "PageDown") {
        net.moveTo({ scale: net.getScale() * (key === "-" || k === "PageDown" ? 1 / 1.2 : 1.2), animation: false });
      } else return;
      ev.preventDefault();
      ev.stopPropagation();
    });
  }

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


  // ------------------------------------------------------------------ the Graph tab: views laid out to be read
  /* a report's overview, one aspect, the neighbourhood of a node, all reports (the corpus overview). Each view
     is built at a level of detail (0: all it holds) and drawn at the first level whose layout fits the pane at
     a readable zoom: a view with too much to read shows fewer nodes (the rest listed in the side panel under
     "not drawn") instead of smaller labels. */
  var V = KG.gview = { kind: null, report: 0, aspect: -1, node: -1, depth: 2, expanded: new Set(), hidden: [], level: 0 };
  var INF = 1e9;
  var idx = null;
  function index() {
    if (idx) return idx;
    idx = { aspects: M0().reports.map(function () { return []; }), sections: M0().reports.map(function () { return []; }),
            problems: new Map(), measures: new Map(), answers: new Map(), shared: [], units: [], docsOf: M0().reports.map(function () { return new Set(); }) };
    KG.nodes.forEach(function (n) {
      if (n.report >= 0 && n.type === "aspect") idx.aspects[n.report].push(n.i);
      if (n.report >= 0 && n.type === "section") idx.sections[n.report].push(n.i);
    });
    var num = function (a, b) { return ((KG.nodes[a].number === null ? INF : KG.nodes[a].number) - (KG.nodes[b].number === null ? INF : KG.nodes[b].number)) || (a - b); };
    idx.aspects.forEach(function (l) { l.sort(num); });
    idx.sections.forEach(function (l) { l.sort(num); });
    KG.edges.forEach(function (e) {
      if (e.rel === "broader" && KG.nodes[e.to].type === "aspect") push(idx.problems, e.to, e.from);
      if (e.rel === "addresses") push(idx.measures, e.to, e.from);
    });
    idx.problems.forEach(function (l) { l.sort(num); });
    idx.measures.forEach(function (l) { l.sort(num); });
    // documents answering a problem category (the trace rows): the strongest action first
    KG.trace.rows.forEach(function (row) {
      if (row.prob >= 0) push(idx.answers, row.prob, { doc: row.doc, action: row.action, negated: row.negated });
      if (row.r >= 0) idx.docsOf[row.r].add(row.doc);
    });
    idx.answers.forEach(function (l) {
      l.sort(function (a, b) { return (rank(a.action) - rank(b.action)) || KG.cmp(KG.nodes[a.doc].label, KG.nodes[b.doc].label) || (a.doc - b.doc); });
    });
    // documents and units across reports (the build's summaries): named by two or more reports
    KG.nodes.forEach(function (n) {
      if (n.report >= 0 || n.loaded || !(KG.isDoc(n.type) || n.type === "organization")) return;
      var reps = KG.citations(n.i);
      if (reps.length < 2) return;
      (n.type === "organization" ? idx.units : idx.shared).push({ i: n.i, reports: reps });
    });
    var byCount = function (a, b) { return (b.reports.length - a.reports.length) || KG.cmp(KG.nodes[a.i].label, KG.nodes[b.i].label) || (a.i - b.i); };
    idx.shared.sort(byCount);
    idx.units.sort(byCount);
    return idx;
  }
  function M0() { return KG.model; }
  function push(map, k, v) { if (!map.has(k)) map.set(k, []); map.get(k).push(v); }
  var ACTIONS = ["abolish", "revise", "enact", "issue", "compile", "enforce", "study", "cite"];
  function rank(a) { var k = ACTIONS.indexOf(String(a || "").replace(/^!/, "")); return k < 0 ? 99 : k; }

  /* the reports naming a node across reports, with the actions of each: [{r, actions, local}] */
  KG.citations = function (i) {
    var out = new Map();
    KG.out[i].forEach(function (e) {
      if (e.rel === "namedIn" && KG.nodes[e.to].report >= 0) out.set(KG.nodes[e.to].report, { r: KG.nodes[e.to].report, actions: [], local: [] });
    });
    KG.inn[i].forEach(function (e) {
      if (e.rel !== "exactMatch") return;
      var d = KG.nodes[e.from];
      if (d.report < 0) return;
      if (!out.has(d.report)) out.set(d.report, { r: d.report, actions: [], local: [] });
      var c = out.get(d.report);
      c.local.push(d.i);
      KG.inn[d.i].forEach(function (m) { if (m.action && c.actions.indexOf(m.action) < 0) c.actions.push(m.action); });
    });
    return Array.from(out.values()).map(function (c) {
      c.actions.sort(function (a, b) { return rank(a) - rank(b) || KG.cmp(a, b); });
      return c;
    }).sort(function (a, b) { return a.r - b.r; });
  };

  function spec(title) { return { title: title, nodes: [], edges: [], hidden: [], ids: new Set(), fit: true, hgap: 44 }; }
  function add(s, i, over) {
    var id = "n" + i;
    if (s.ids.has(id)) return false;
    var n = nodeSpec(i);
    n.level = Math.min((KG.types[n.type] || KG.types.other).level, 5);     // what measures name: one column
    if (over) Object.keys(over).forEach(function (k) { n[k] = over[k]; });
    s.nodes.push(n);
    s.ids.add(id);
    return true;
  }
  function link(s, a, b, rel, action, dashed) { s.edges.push({ from: "n" + a, to: "n" + b, rel: rel, action: action || "", dashed: !!dashed }); }
  function modelEdges(s) {       // the model's edges among the drawn nodes
    s.nodes.forEach(function (n) {
      if (n.model === null || n.model === undefined) return;
      KG.out[n.model].forEach(function (e) {
        if (s.ids.has("n" + e.to) && e.rel !== "namedIn" && e.rel !== "exactMatch") link(s, e.from, e.to, e.rel, e.action);
      });
    });
  }
  function hide(s, i, why) { if (!s.ids.has("n" + i) && !s.hidden.some(function (h) { return h.i === i; })) s.hidden.push({ i: i, why: why }); }
  function plural(n, zh) { return n + " " + zh; }

  /* one report (or one aspect): aspects → problem categories → the documents answering them; an expanded
     problem category (clicked) also shows its measures. level: fewer documents per problem, then one-line labels */
  /* levels of detail: d documents and m measures per problem category, labels in l lines */
  var LEVELS = {
    overview: [{ d: INF, m: 0, l: 2 }, { d: INF, m: 0, l: 1 }, { d: 4, m: 0, l: 1 }, { d: 3, m: 0, l: 1 }, { d: 2, m: 0, l: 1 },
               { d: 1, m: 0, l: 1 }, { d: 0, m: 0, l: 1 }],
    aspect: [{ d: INF, m: INF, l: 2 }, { d: INF, m: INF, l: 1 }, { d: INF, m: 4, l: 1 }, { d: 4, m: 2, l: 1 }, { d: 4, m: 0, l: 1 },
             { d: 2, m: 0, l: 1 }, { d: 0, m: 0, l: 1 }]
  };
  function structure(s, aspects, lv) {
    var I = index(), kd = lv.d, measuresOf = lv.m;
    if (lv.l === 1) { s.lines = 1; s.lineW = 200; }
    aspects.forEach(function (a) {
      (I.problems.get(a) || []).forEach(function (p) {
        add(s, p);
        link(s, p, a, "broader");
        var open = V.expanded.has(p), ms = [];
        var mcap = open ? INF : measuresOf;
        (I.measures.get(p) || []).forEach(function (m, k) { if (k < mcap) { add(s, m); ms.push(m); } else if (measuresOf) hide(s, m, p); });
        var docs = I.answers.get(p) || [];
        docs.forEach(function (d, k) {
          if (k >= kd && !open) { hide(s, d.doc, p); return; }
          add(s, d.doc);
          var via = ms.filter(function (m) { return KG.out[m].some(function (e) { return e.to === d.doc; }); });
          if (via.length) via.forEach(function (m) { link(s, m, d.doc, "mentions", d.action); });
          else link(s, p, d.doc, "answers", d.action);
        });
        ms.forEach(function (m) { link(s, m, p, "addresses"); });
      });
    });
    s.hidden = s.hidden.filter(function (h) { return !s.ids.has("n" + h.i); });
  }
  var build = {
    overview: function (level) {
      var r = V.report, I = index(), rep = M0().reports[r], rn = KG.reportNode[r];
      var s = spec("通报概览 Report overview · " + rep.id + " · " + plural(I.aspects[r].length, "方面") + " · " + plural(I.docsOf[r].size, "文件"));
      if (rn >= 0) add(s, rn);
      I.aspects[r].forEach(function (a) { add(s, a); if (rn >= 0) link(s, rn, a, "has"); });
      structure(s, I.aspects[r], LEVELS.overview[Math.min(level, 6)]);
      if (!I.aspects[r].length) I.sections[r].forEach(function (x) { add(s, x); if (rn >= 0) link(s, rn, x, "has"); });
      return s;
    },
    aspect: function (level) {
      var a = V.aspect, n = KG.nodes[a], rn = KG.reportNode[n.report];
      var s = spec("方面 Aspect · " + KG.nodeTitle(n) + " · " + KG.reportLabel(n.report));
      if (rn >= 0) add(s, rn);
      add(s, a);
      if (rn >= 0) link(s, rn, a, "has");
      structure(s, [a], LEVELS.aspect[Math.min(level, 6)]);
      return s;
    },
    node: function (level) {
      var c = V.node, budget = [60, 44, 32, 24, 16, 10, 6][Math.min(level, 6)];
      var s = spec("周围 Around · " + KG.nodeTitle(KG.nodes[c]) + " · 深度 depth " + V.depth);
      add(s, c);
      var ring = [c], seen = new Set([c]);
      for (var d = 1; d <= V.depth; d++) {
        var next = [];
        ring.forEach(function (j) { neighbours(j).forEach(function (k) { if (!seen.has(k)) { seen.add(k); next.push(k); } }); });
        next.sort(byLevel);
        next.forEach(function (k) { if (s.nodes.length < budget) add(s, k); else hide(s, k, d); });
        ring = next.filter(function (k) { return s.ids.has("n" + k); });
      }
      modelEdges(s);
      // a report's aspects and sections are linked to it (the model keeps that as kgo:inReport)
      s.nodes.forEach(function (n) {
        var m = KG.nodes[n.model];
        if ((m.type === "aspect" || m.type === "section") && m.report >= 0 && s.ids.has("n" + KG.reportNode[m.report])) link(s, KG.reportNode[m.report], m.i, "has");
      });
      s.nodes.forEach(function (n) {
        var m = KG.nodes[n.model];
        if (m.report >= 0 || m.type === "report") return;
        KG.out[m.i].forEach(function (e) { if (e.rel === "namedIn" && s.ids.has("n" + e.to)) link(s, e.from, e.to, "namedIn"); });
        KG.inn[m.i].forEach(function (e) { if (e.rel === "exactMatch" && s.ids.has("n" + e.from)) link(s, e.from, e.to, "exactMatch", "", true); });
      });
      s.focus = "n" + c;
      return s;
    },
    corpus: function (level) {
      // [reports, shared documents, shared units, an opened report's problems: 0 all, 1 one-line, 2 none]
      var LC = [[INF, 12, 8, 0], [INF, 8, 5, 0], [40, 8, 5, 0], [30, 6, 4, 0], [22, 5, 3, 1], [16, 4, 3, 1], [12, 3, 2, 1],
                [8, 2, 1, 1], [5, 2, 1, 1], [3, 1, 1, 1], [3, 1, 1, 2]];
      var I = index(), L = LC[Math.min(level, LC.length - 1)];
      var R = M0().reports.length;
      var left = KG.scope.left || { documents: 0, units: 0 };
      var s = spec("全部通报 All reports · " + R + " 份通报 · 共同文件 " + (I.shared.length + left.documents) + " · 共同单位 " + (I.units.length + left.units));
      var docs = I.shared.slice(0, L[1]), units = I.units.slice(0, L[2]);
      // the reports: the expanded ones, then those citing the most of the drawn shared nodes
      var score = M0().reports.map(function () { return 0; });
      docs.concat(units).forEach(function (x) { x.reports.forEach(function (c) { score[c.r]++; }); });
      var order = M0().reports.map(function (_, r) { return r; }).sort(function (a, b) {
        return (V.expanded.has(KG.reportNode[b]) - V.expanded.has(KG.reportNode[a])) || (score[b] - score[a]) || (a - b);
      });
      order.forEach(function (r, k) {
        var rn = KG.reportNode[r];
        if (rn < 0) return;
        if (k < L[0] || V.expanded.has(rn)) add(s, rn, { label: reportLabel(r), full: KG.nodeTitle(KG.nodes[rn]) });
        else hide(s, rn, "report");
      });
      function shared(x) {
        var drawn = x.reports.filter(function (c) { return s.ids.has("n" + KG.reportNode[c.r]); });
        if (!drawn.length) { hide(s, x.i, "shared"); return; }
        add(s, x.i, { label: KG.nodes[x.i].label + " ×" + x.reports.length, full: KG.nodeTitle(KG.nodes[x.i]) + "（" + x.reports.length + " 份通报 reports）" });
        drawn.forEach(function (c) {
          link(s, KG.reportNode[c.r], x.i, "cites", c.actions[0] || "", false);
          s.edges[s.edges.length - 1].title = c.actions.length ? c.actions.map(KG.actionName).join("、") : "提及 named";
        });
      }
      docs.forEach(shared);
      units.forEach(shared);
      I.shared.slice(L[1]).forEach(function (x) { hide(s, x.i, "shared"); });
      I.units.slice(L[2]).forEach(function (x) { hide(s, x.i, "shared"); });
      // an expanded report: its aspects and problem categories (level 1+: aspects only when too many)
      M0().reports.forEach(function (_, r) {
        var rn = KG.reportNode[r];
        if (!V.expanded.has(rn)) return;
        I.aspects[r].forEach(function (a) {
          add(s, a);
          link(s, rn, a, "has");
          (I.problems.get(a) || []).forEach(function (p) {
            if (L[3] >= 2) { hide(s, p, a); return; }
            add(s, p, L[3] ? { lines: 1 } : undefined);
            link(s, p, a, "broader");
          });
        });
      });
      return s;
    }
  };
  function reportLabel(r) {
    var rep = M0().reports[r], I = index();
    var name = rep.issuer || KG.short((rep.title || rep.id).replace(/关于.*$/, ""), 14) || rep.id;
    var c = rep.counts;        // the corpus page: the counts read at build time (no report graph in the page)
    return name + " · " + (c ? c.aspects : I.aspects[r].length) + " 方面 · " + (c ? c.documents : I.docsOf[r].size) + " 文件";
  }
  V.reportLabel = reportLabel;

  function neighbours(j) {
    var out = [];
    KG.out[j].forEach(function (e) { if (e.rel !== "row") out.push(e.to); });
    KG.inn[j].forEach(function (e) { out.push(e.from); });
    var n = KG.nodes[j];
    if (n.type === "report") { var I = index(); out = out.concat(I.aspects[n.report], I.aspects[n.report].length ? [] : I.sections[n.report]); }
    if ((n.type === "aspect" || n.type === "section") && n.report >= 0 && KG.reportNode[n.report] >= 0) out.push(KG.reportNode[n.report]);
    return Array.from(new Set(out)).filter(function (k) { return k !== j; });
  }

  /* the pane's height in layout pixels at the opening zoom: columns are cut to it */
  function paneRows(s) {
    var el = KG.$("graph"), ch = el.clientHeight || 600;
    s.maxH = Math.max(120, ch / MIN_SCALE - 70);
    s.maxRows = INF;
  }
  G.fits = function () {
    if (!G.spec || !G.spec.nodes.length) return true;
    var box = G.extent(), el = KG.$("graph");
    var cw = el.clientWidth || 800, ch = el.clientHeight || 500;
    return Math.min(cw / (box.w + 60), ch / (box.h + 60)) >= MIN_SCALE;
  };

  /* does the view ``s``, laid out with its boxes sized from the labels (not yet drawn), fit the pane at
     ``slack`` × the readable zoom? */
  function fitsLaidOut(s, slack) {
    if (!s.nodes.length) return true;
    KG.layout(s);
    var x0 = INF, y0 = INF, x1 = -INF, y1 = -INF;
    s.nodes.forEach(function (n) {
      x0 = Math.min(x0, n.x - n.w / 2); x1 = Math.max(x1, n.x + n.w / 2);
      y0 = Math.min(y0, n.y - n.h / 2); y1 = Math.max(y1, n.y + n.h / 2);
    });
    var el = KG.$("graph"), cw = el.clientWidth || 800, ch = el.clientHeight || 500;
    return Math.min(cw / (x1 - x0 + 60), ch / (y1 - y0 + 60)) >= MIN_SCALE * slack;
  }

  /* draw the view: the first level of detail that fits */
  V.render = function (opts) {
    opts = opts || {};
    var kind = V.kind;
    if (!kind || !build[kind]) return null;
    if (!M0().reports.length) {          // an empty build: nothing to draw
      G.show({ title: "没有通报 no report in this build", nodes: [], edges: [], fit: true });
      V.hidden = [];
      V.panel();
      return G.spec;
    }
    var s = null, t0 = performance.now();
    for (var level = 0; level < 11; level++) {
      s = build[kind](level);
      paneRows(s);
      // far too large to fit even before drawing (the boxes as laid out from the labels): the next level,
      // without handing the view to vis-network (a corpus page's 1,000 reports cost it a second a level)
      if (level < 10 && !fitsLaidOut(s, 0.75)) continue;
      G.show(s, { focus: s.focus || (s.nodes[0] && s.nodes[0].id) });
      V.level = level;
      if (G.fits()) break;
    }
    V.hidden = s.hidden;
    V.ms = Math.round(performance.now() - t0);
    if (!KG.timings.graph) KG.t("graph");            // the first view drawn: ms from the start of navigation
    if (opts.select !== undefined && opts.select !== null) G.select("n" + opts.select);
    else if (s.focus) G.select(s.focus);
    V.panel();
    return s;
  };

  V.open = function (kind, o) {
    o = o || {};
    if (kind === "node" && (o.node === undefined || o.node < 0)) kind = null;
    if (kind === "aspect" && (o.aspect === undefined || o.aspect < 0)) {
      var I = index(), r = o.report !== undefined && o.report >= 0 ? o.report : V.report;
      o.aspect = I.aspects[r] && I.aspects[r].length ? I.aspects[r][0] : -1;
      if (o.aspect < 0) kind = "overview";
    }
    if (!kind) kind = M0().reports.length > 1 && (o.report === undefined || o.report < 0) ? "corpus" : "overview";
    V.kind = kind;
    if (o.report !== undefined && o.report >= 0) V.report = o.report;
    if (kind === "aspect") { V.aspect = o.aspect; V.report = KG.nodes[o.aspect].report; }
    if (kind === "node") { V.node = o.node; if (KG.nodes[o.node].report >= 0) V.report = KG.nodes[o.node].report; }
    if (o.depth) V.depth = Math.max(1, Math.min(4, Number(o.depth) || 2));
    V.expanded = new Set(o.expand || []);
    if (V.report < 0 || V.report >= M0().reports.length) V.report = 0;
    return V.render(o);
  };

  /* a click in the Graph tab: a problem category (overview, aspect) or a report (corpus) opens or closes;
     an aspect opens its view; in the neighbourhood view a node becomes the centre */
  V.click = function (id) {
    var n = G.byId && G.byId.get(id);
    if (!n || n.model === null || n.model === undefined) return;
    var i = n.model, t = KG.nodes[i].type;
    if (KG.scope.kind === "corpus" && t === "report") {
      // the corpus page holds no report graph: the report opens in its own page (kg serve)
      G.select(id);
      KG.openReport(KG.nodes[i].report);
      return;
    }
    if ((V.kind === "overview" || V.kind === "aspect") && t === "problem" || V.kind === "corpus" && t === "report") {
      if (V.expanded.has(i)) V.expanded.delete(i); else V.expanded.add(i);
      V.render({ select: i });
    } else if (V.kind === "overview" && t === "aspect") {
      V.open("aspect", { aspect: i, select: i });
    } else if (V.kind === "node" && i !== V.node) {
      V.open("node", { node: i, depth: V.depth, select: i });
    } else {
      G.select(id);
    }
    KG.app.selectNode(i, { from: "gview", keepGraph: true });
  };

  /* the side panel: the view's controls and what it does not draw */
  V.panel = function () {
    var kind = KG.$("gv-kind");
    if (!kind) return;
    kind.value = V.kind;
    KG.$("gv-report").value = String(V.report);
    fillAspects();
    KG.$("gv-aspect").value = String(V.kind === "aspect" ? V.aspect : "");
    KG.$("gv-depth").value = String(V.depth);
    KG.$("gv-report-l").hidden = V.kind === "corpus" || V.kind === "node";
    KG.$("gv-aspect-l").hidden = V.kind !== "aspect";
    KG.$("gv-depth-l").hidden = V.kind !== "node";
    var info = KG.$("gv-info");
    info.textContent = G.spec.nodes.length + " 个节点 nodes drawn" + (V.hidden.length ? " · " + V.hidden.length + " 个未画出 not drawn (listed below)" : "") +
      (V.kind === "overview" || V.kind === "aspect" ? " · 点击问题类别展开措施 click a problem category to open its measures" :
       V.kind === "corpus" ? " · 点击通报展开 click a report to open it" : " · 点击节点以其为中心 click a node to centre on it");
    var leg = KG.clear(KG.$("gv-legend"));
    if (G.spec.edges.some(function (e) { return actionColor(e.action); })) {
      leg.appendChild(KG.el("span", "muted", "连线 Links:"));
      ACTION_GROUPS.forEach(function (g) {
        var item = KG.el("span", "lg");
        var sw = KG.el("span", "sw");
        sw.style.background = g.color;
        item.appendChild(sw);
        item.appendChild(document.createTextNode(g.zh + " " + g.en));
        leg.appendChild(item);
      });
    }
    var list = KG.clear(KG.$("gv-more"));
    V.hidden.slice(0, 300).forEach(function (h) {
      var n = KG.nodes[h.i], li = KG.el("li");
      li.tabIndex = 0;
      li.dataset.n = h.i;
      var tag = KG.el("span", "tag", KG.types[n.type].zh);
      tag.style.background = KG.color(n.type);
      li.appendChild(tag);
      li.appendChild(document.createTextNode(" " + KG.short(n.report < 0 && V.kind === "corpus" ? n.label + " ×" + KG.citations(h.i).length : n.label, 40)));
      list.appendChild(li);
    });
    if (V.hidden.length > 300) list.appendChild(KG.el("li", "muted", "… " + (V.hidden.length - 300)));
    if (V.kind === "corpus" && KG.corpus) KG.corpus.panel(list);      // the corpus page: the rest on demand (corpus.js)
    KG.$("gv-more-h").hidden = !list.children.length;                  // no heading over an empty list
  };
  var aspectsFor = -1;
  function fillAspects() {
    var sel = KG.$("gv-aspect");
    if (aspectsFor === V.report) return;
    aspectsFor = V.report;
    KG.clear(sel);
    (index().aspects[V.report] || []).forEach(function (a) {
      var o = KG.el("option", "", KG.short((KG.nodes[a].number !== null ? KG.nodes[a].number + ". " : "") + KG.nodes[a].label, 30));
      o.value = String(a);
      sel.appendChild(o);
    });
  }
  /* a not-drawn node picked in the panel: drawn (its problem or report opened, or the view centred on it) */
  V.reveal = function (i) {
    var h = V.hidden.filter(function (x) { return x.i === i; })[0];
    if (V.kind !== "node" && h && typeof h.why === "number" && KG.nodes[h.why] && KG.nodes[h.why].type === "problem") {
      V.expanded.add(h.why);
      V.render({ select: i });
      KG.app.selectNode(i, { from: "gview", keepGraph: true });
    } else if (V.kind === "corpus" && KG.nodes[i].type === "report") {
      V.expanded.add(i);
      V.render({ select: i });
      KG.app.selectNode(i, { from: "gview", keepGraph: true });
    } else {
      V.open("node", { node: i, depth: V.depth, select: i });
      KG.app.selectNode(i, { from: "gview", keepGraph: true });
    }
  };
  V.setup = function () {
    var rs = KG.$("gv-report");
    M0().reports.forEach(function (rep, i) {
      var o = KG.el("option", "", rep.id + " · " + KG.short(rep.title || "", 20));
      o.value = String(i);
      rs.appendChild(o);
    });
    if (M0().reports.length < 2) KG.$("gv-kind").querySelector('option[value="corpus"]').disabled = true;
    KG.$("gv-kind").addEventListener("change", function () {
      var k = KG.$("gv-kind").value;
      var sel = KG.state.node;
      V.open(k, { report: V.report, node: k === "node" ? (sel !== null && sel !== undefined ? sel : KG.reportNode[V.report]) : undefined });
      KG.app.saveHash();
    });
    rs.addEventListener("change", function () {
      var r = Number(rs.value);
      V.open(V.kind === "aspect" ? "aspect" : "overview", { report: r });
      KG.app.setReport(r);
      KG.app.saveHash();
    });
    KG.$("gv-aspect").addEventListener("change", function () { V.open("aspect", { aspect: Number(KG.$("gv-aspect").value) }); KG.app.saveHash(); });
    KG.$("gv-depth").addEventListener("change", function () { V.open("node", { node: V.node, depth: Number(KG.$("gv-depth").value) }); KG.app.saveHash(); });
    var more = KG.$("gv-more");
    more.addEventListener("click", function (ev) { var li = ev.target.closest("li[data-n]"); if (li) { V.reveal(Number(li.dataset.n)); KG.app.saveHash(); } });
    more.addEventListener("keydown", function (ev) {
      var li = ev.target.closest("li[data-n]");
      if (li && ev.key === "Enter") { V.reveal(Number(li.dataset.n)); KG.app.saveHash(); }
    });
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
